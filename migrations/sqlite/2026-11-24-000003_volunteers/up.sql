-- The volunteer registry. Personal data is encrypted at rest (PI-01): `*_enc` columns hold
-- AES-256-GCM ciphertext, `*_masked` the forms shown in responses, `id_hash` a keyed blind
-- index that keeps (id_type, id_number) unique (REG-06) without storing the number in clear.
-- `name` is the display and search form: the full name, or a masked one for under-14s.
CREATE TABLE volunteers (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    volunteer_number TEXT UNIQUE,
    status TEXT NOT NULL CHECK (status IN ('pending', 'active', 'suspended', 'withdrawn')),
    status_reason TEXT,
    organization_id BIGINT NOT NULL REFERENCES organizations (id),
    org_path TEXT NOT NULL,
    name TEXT NOT NULL,
    name_enc TEXT NOT NULL,
    id_type TEXT NOT NULL CHECK (id_type IN ('resident_id', 'passport', 'hk_macao_permit', 'taiwan_permit', 'foreign_permanent_resident')),
    id_number_enc TEXT,
    id_number_masked TEXT NOT NULL,
    id_hash TEXT UNIQUE,
    birth_date DATE NOT NULL,
    sex TEXT NOT NULL CHECK (sex IN ('male', 'female')),
    mobile_enc TEXT,
    mobile_masked TEXT NOT NULL,
    email_enc TEXT,
    home_region_code TEXT NOT NULL CHECK (length(home_region_code) = 6),
    fitness_level INTEGER NOT NULL DEFAULT 2 CHECK (fitness_level BETWEEN 1 AND 3),
    weekly_cap_minutes INTEGER CHECK (weekly_cap_minutes > 0),
    own_income BOOLEAN NOT NULL DEFAULT 0 CHECK (own_income IN (0, 1)),
    background_check_passed_on DATE,
    attested_at TIMESTAMP NOT NULL,
    privacy_consent_version TEXT NOT NULL,
    minors_policy_version TEXT,
    activation_code_hash TEXT,
    activation_expires_at TIMESTAMP,
    anonymised_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX volunteers_org_path_idx ON volunteers (org_path, id);
CREATE INDEX volunteers_region_idx ON volunteers (home_region_code, id);
CREATE INDEX volunteers_name_idx ON volunteers (name, id);

CREATE TABLE volunteer_skills (
    volunteer_id BIGINT NOT NULL REFERENCES volunteers (id),
    skill_code TEXT NOT NULL REFERENCES skills (code),
    level INTEGER NOT NULL CHECK (level BETWEEN 1 AND 3),
    PRIMARY KEY (volunteer_id, skill_code)
) WITHOUT ROWID;
CREATE INDEX volunteer_skills_search_idx ON volunteer_skills (skill_code, level, volunteer_id);

CREATE TABLE volunteer_languages (
    volunteer_id BIGINT NOT NULL REFERENCES volunteers (id),
    language_code TEXT NOT NULL REFERENCES languages (code),
    proficiency TEXT NOT NULL CHECK (proficiency IN ('basic', 'working', 'fluent', 'native')),
    PRIMARY KEY (volunteer_id, language_code)
) WITHOUT ROWID;
CREATE INDEX volunteer_languages_search_idx ON volunteer_languages (language_code, volunteer_id);

-- Weekly windows in the volunteer's local time: ISO weekday (1 = Monday), minutes of the day.
CREATE TABLE volunteer_availability (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    volunteer_id BIGINT NOT NULL REFERENCES volunteers (id),
    weekday INTEGER NOT NULL CHECK (weekday BETWEEN 1 AND 7),
    start_minute INTEGER NOT NULL CHECK (start_minute BETWEEN 0 AND 1439),
    end_minute INTEGER NOT NULL CHECK (end_minute BETWEEN 1 AND 1440),
    CHECK (end_minute > start_minute)
);
CREATE INDEX volunteer_availability_idx ON volunteer_availability (volunteer_id, weekday);

CREATE TABLE volunteer_blackouts (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    volunteer_id BIGINT NOT NULL REFERENCES volunteers (id),
    starts_on DATE NOT NULL,
    ends_on DATE NOT NULL,
    CHECK (ends_on >= starts_on)
);
CREATE INDEX volunteer_blackouts_idx ON volunteer_blackouts (volunteer_id);

CREATE TABLE volunteer_target_groups (
    volunteer_id BIGINT NOT NULL REFERENCES volunteers (id),
    target_group_code TEXT NOT NULL REFERENCES target_groups (code),
    PRIMARY KEY (volunteer_id, target_group_code)
);

CREATE TABLE guardian_consents (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    volunteer_id BIGINT NOT NULL REFERENCES volunteers (id),
    guardian_name_enc TEXT,
    relationship TEXT NOT NULL,
    guardian_id_type TEXT NOT NULL,
    guardian_id_enc TEXT,
    guardian_id_masked TEXT NOT NULL,
    guardian_mobile_enc TEXT,
    guardian_mobile_masked TEXT NOT NULL,
    covers_registration BOOLEAN NOT NULL DEFAULT 0 CHECK (covers_registration IN (0, 1)),
    covers_activities BOOLEAN NOT NULL DEFAULT 0 CHECK (covers_activities IN (0, 1)),
    method TEXT NOT NULL CHECK (method IN ('written', 'electronic', 'in_person')),
    consented_at TIMESTAMP NOT NULL,
    recorded_by BIGINT REFERENCES users (id),
    withdrawn_at TIMESTAMP
);
CREATE INDEX guardian_consents_volunteer_idx ON guardian_consents (volunteer_id);

CREATE TABLE insurance_policies (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    volunteer_id BIGINT NOT NULL REFERENCES volunteers (id),
    insurer TEXT NOT NULL,
    policy_number TEXT NOT NULL,
    valid_from DATE NOT NULL,
    valid_to DATE NOT NULL,
    recorded_by BIGINT REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    CHECK (valid_to >= valid_from)
);
CREATE INDEX insurance_policies_volunteer_idx ON insurance_policies (volunteer_id);

-- MIN-08 / PI-06: correction and deletion requests, actioned or exempted, never lost.
CREATE TABLE personal_data_requests (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    volunteer_id BIGINT NOT NULL REFERENCES volunteers (id),
    kind TEXT NOT NULL CHECK (kind IN ('correction', 'deletion')),
    details TEXT NOT NULL,
    requested_by BIGINT REFERENCES users (id),
    status TEXT NOT NULL CHECK (status IN ('pending', 'actioned', 'exempted')),
    resolution TEXT,
    created_at TIMESTAMP NOT NULL,
    resolved_at TIMESTAMP,
    resolved_by BIGINT REFERENCES users (id)
);
CREATE INDEX personal_data_requests_volunteer_idx ON personal_data_requests (volunteer_id);

-- Volunteer numbers (SR + province + 8-digit sequence) come from a per-province counter, so
-- a bulk import can reserve a block in one statement; numbers are never reused.
CREATE TABLE volunteer_number_counters (
    province TEXT PRIMARY KEY NOT NULL,
    next_value BIGINT NOT NULL CHECK (next_value > 0)
);
INSERT INTO volunteer_number_counters (province, next_value) VALUES
('11', 1),
('12', 1),
('13', 1),
('14', 1),
('15', 1),
('21', 1),
('22', 1),
('23', 1),
('31', 1),
('32', 1),
('33', 1),
('34', 1),
('35', 1),
('36', 1),
('37', 1),
('41', 1),
('42', 1),
('43', 1),
('44', 1),
('45', 1),
('46', 1),
('50', 1),
('51', 1),
('52', 1),
('53', 1),
('54', 1),
('61', 1),
('62', 1),
('63', 1),
('64', 1),
('65', 1),
('66', 1),
('71', 1),
('81', 1),
('82', 1),
('00', 1);

ALTER TABLE users ADD COLUMN volunteer_id BIGINT REFERENCES volunteers (id);
CREATE UNIQUE INDEX users_volunteer_idx ON users (volunteer_id);
