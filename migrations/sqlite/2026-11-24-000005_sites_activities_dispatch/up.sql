-- Sites, activities and the dispatch workflow: assignments (with written agreements), the
-- service records verified from them, star awards and record certificates. Headcount is a
-- write-first counter bounded by a CHECK; a partial unique index keeps one live assignment
-- per volunteer and activity; service records are versioned, never deleted.
CREATE TABLE sites (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    organization_id BIGINT NOT NULL REFERENCES organizations (id),
    org_path TEXT NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('community', 'village', 'school', 'elderly_home', 'border_township', 'library_branch', 'cultural_station', 'cultural_centre', 'other')),
    region_code TEXT NOT NULL CHECK (length(region_code) = 6),
    address TEXT NOT NULL,
    latitude REAL,
    longitude REAL,
    location_type TEXT NOT NULL CHECK (location_type IN ('rural', 'grassroots', 'street', 'community', 'public_cultural_facility')),
    local_languages TEXT NOT NULL,
    target_groups TEXT NOT NULL,
    contact TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX sites_org_path_idx ON sites (org_path, id);

CREATE TABLE activities (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    organization_id BIGINT NOT NULL REFERENCES organizations (id),
    org_path TEXT NOT NULL,
    site_id BIGINT NOT NULL REFERENCES sites (id),
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    category TEXT NOT NULL CHECK (category IN ('facility_service', 'grassroots_culture', 'special_groups', 'mass_activities', 'heritage_and_market', 'other')),
    form TEXT NOT NULL REFERENCES activity_forms (code),
    programme TEXT NOT NULL CHECK (programme IN ('general', 'spring_rain')),
    sending_province TEXT,
    starts_at TIMESTAMP NOT NULL,
    ends_at TIMESTAMP NOT NULL,
    time_zone TEXT NOT NULL,
    region_code TEXT NOT NULL,
    headcount_min INTEGER NOT NULL CHECK (headcount_min >= 0),
    headcount_max INTEGER NOT NULL CHECK (headcount_max >= 1),
    confirmed_count INTEGER NOT NULL DEFAULT 0 CHECK (confirmed_count >= 0 AND confirmed_count <= headcount_max),
    target_groups TEXT NOT NULL,
    -- JSON {"skills":[{"code","level"}],"languages":[…],"course_ids":[…],"qualification"};
    -- validated by the domain.
    requirements TEXT NOT NULL,
    requires_special_skills BOOLEAN NOT NULL DEFAULT 0 CHECK (requires_special_skills IN (0, 1)),
    min_age INTEGER,
    max_age INTEGER,
    physical_demand INTEGER NOT NULL CHECK (physical_demand BETWEEN 0 AND 3),
    risk_level TEXT NOT NULL CHECK (risk_level IN ('low', 'personal_danger_possible', 'hazardous')),
    risk_disclosure TEXT NOT NULL,
    agreement_required BOOLEAN NOT NULL DEFAULT 0 CHECK (agreement_required IN (0, 1)),
    -- ACT-02: service recipients are never charged; kept only so the rule has a backstop.
    recipient_fee_cents INTEGER NOT NULL DEFAULT 0 CHECK (recipient_fee_cents = 0),
    status TEXT NOT NULL CHECK (status IN ('draft', 'published', 'in_progress', 'completed', 'cancelled')),
    cancel_reason TEXT,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CHECK (ends_at > starts_at),
    CHECK (headcount_min <= headcount_max),
    CHECK ((programme = 'spring_rain') = (sending_province IS NOT NULL))
);
CREATE INDEX activities_org_path_idx ON activities (org_path, id);
CREATE INDEX activities_status_idx ON activities (status, starts_at);

CREATE TABLE assignments (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    activity_id BIGINT NOT NULL REFERENCES activities (id),
    volunteer_id BIGINT NOT NULL REFERENCES volunteers (id),
    org_path TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('offered', 'confirmed', 'declined', 'withdrawn', 'cancelled', 'checked_in', 'completed', 'no_show')),
    -- Copied from the activity: the overlap check reads one table.
    starts_at TIMESTAMP NOT NULL,
    ends_at TIMESTAMP NOT NULL,
    accompanying_guardian TEXT,
    offered_by BIGINT REFERENCES users (id),
    offered_at TIMESTAMP NOT NULL,
    responded_at TIMESTAMP,
    withdrawn_at TIMESTAMP,
    cancelled_at TIMESTAMP,
    cancel_reason TEXT,
    checked_in_at TIMESTAMP,
    checked_out_at TIMESTAMP,
    break_minutes INTEGER NOT NULL DEFAULT 0 CHECK (break_minutes >= 0),
    verified_at TIMESTAMP,
    verified_by BIGINT REFERENCES users (id),
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX assignments_live_idx ON assignments (activity_id, volunteer_id)
    WHERE status IN ('offered', 'confirmed', 'checked_in');
CREATE INDEX assignments_volunteer_idx ON assignments (volunteer_id, starts_at);
CREATE INDEX assignments_activity_idx ON assignments (activity_id, status);

-- ACT-10: the six elements of 文化志愿服务管理办法 Art 18 ("other matters" may be empty).
CREATE TABLE agreements (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    assignment_id BIGINT NOT NULL UNIQUE REFERENCES assignments (id),
    content_time_place TEXT NOT NULL CHECK (length(content_time_place) > 0),
    rights_and_duties TEXT NOT NULL CHECK (length(rights_and_duties) > 0),
    risk_protection TEXT NOT NULL CHECK (length(risk_protection) > 0),
    modification_termination TEXT NOT NULL CHECK (length(modification_termination) > 0),
    liability_disputes TEXT NOT NULL CHECK (length(liability_disputes) > 0),
    other_matters TEXT NOT NULL,
    recorded_by BIGINT REFERENCES users (id),
    signed_at TIMESTAMP NOT NULL
);

-- ACT-06: professional qualifications (e.g. medical), with expiry.
CREATE TABLE qualifications (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    volunteer_id BIGINT NOT NULL REFERENCES volunteers (id),
    code TEXT NOT NULL,
    issuer TEXT NOT NULL,
    expires_on DATE,
    recorded_by BIGINT REFERENCES users (id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX qualifications_volunteer_idx ON qualifications (volunteer_id);

-- HRS-01…05: versioned, never deleted. The current version of each record has is_current.
CREATE TABLE service_records (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    record_key BIGINT NOT NULL,
    version INTEGER NOT NULL CHECK (version >= 1),
    is_current BOOLEAN NOT NULL DEFAULT 0 CHECK (is_current IN (0, 1)),
    assignment_id BIGINT NOT NULL REFERENCES assignments (id),
    volunteer_id BIGINT NOT NULL REFERENCES volunteers (id),
    activity_id BIGINT NOT NULL REFERENCES activities (id),
    organization_id BIGINT NOT NULL REFERENCES organizations (id),
    org_path TEXT NOT NULL,
    activity_title TEXT NOT NULL,
    region_code TEXT NOT NULL,
    service_date DATE NOT NULL,
    started_at TIMESTAMP NOT NULL,
    ended_at TIMESTAMP NOT NULL,
    break_minutes INTEGER NOT NULL CHECK (break_minutes >= 0),
    minutes INTEGER NOT NULL CHECK (minutes > 0 AND minutes <= 1440),
    content TEXT NOT NULL,
    recorder_user_id BIGINT REFERENCES users (id),
    recorded_at TIMESTAMP NOT NULL,
    change_reason TEXT,
    UNIQUE (record_key, version),
    CHECK (ended_at > started_at)
);
CREATE INDEX service_records_volunteer_idx ON service_records (volunteer_id, is_current, started_at);
CREATE UNIQUE INDEX service_records_assignment_idx ON service_records (assignment_id) WHERE version = 1;

CREATE TABLE record_corrections (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    record_key BIGINT NOT NULL,
    volunteer_id BIGINT NOT NULL REFERENCES volunteers (id),
    requested_by BIGINT REFERENCES users (id),
    proposed_started_at TIMESTAMP,
    proposed_ended_at TIMESTAMP,
    proposed_break_minutes INTEGER,
    reason TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'accepted', 'rejected')),
    resolution TEXT,
    resolved_by BIGINT REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    resolved_at TIMESTAMP
);
CREATE INDEX record_corrections_key_idx ON record_corrections (record_key);

-- STAR-02: stars are applied for and granted one level at a time; a granted award is final.
CREATE TABLE star_awards (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    volunteer_id BIGINT NOT NULL REFERENCES volunteers (id),
    level INTEGER NOT NULL CHECK (level BETWEEN 1 AND 5),
    status TEXT NOT NULL CHECK (status IN ('pending', 'granted', 'rejected')),
    award_number TEXT UNIQUE,
    requested_at TIMESTAMP NOT NULL,
    decided_at TIMESTAMP,
    decided_by BIGINT REFERENCES users (id),
    decision_note TEXT
);
CREATE UNIQUE INDEX star_awards_level_idx ON star_awards (volunteer_id, level) WHERE status IN ('pending', 'granted');

-- CRT-01…05: free, numbered, issued by the recording organisation for its own records.
CREATE TABLE record_certificates (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    number TEXT NOT NULL UNIQUE,
    volunteer_id BIGINT NOT NULL REFERENCES volunteers (id),
    organization_id BIGINT NOT NULL REFERENCES organizations (id),
    org_path TEXT NOT NULL,
    volunteer_name TEXT NOT NULL,
    id_type TEXT NOT NULL,
    id_number_masked TEXT NOT NULL,
    volunteer_number TEXT NOT NULL,
    total_minutes INTEGER NOT NULL CHECK (total_minutes >= 0),
    record_keys TEXT NOT NULL,
    content_summary TEXT NOT NULL,
    issuer_name TEXT NOT NULL,
    person_in_charge TEXT NOT NULL,
    handler TEXT NOT NULL,
    contact TEXT NOT NULL,
    seal_ref TEXT NOT NULL,
    issued_on DATE NOT NULL,
    publicity_ends_on DATE NOT NULL,
    issued_by BIGINT REFERENCES users (id),
    revoked_at TIMESTAMP,
    revoked_reason TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX record_certificates_volunteer_idx ON record_certificates (volunteer_id);
