-- Issue 14, personal information (PIPL).
--
-- PI-01: all data on under-14s and all guardian data are encrypted field by field. The clear
-- columns the rules and searches read keep, for an under-14, only a coarse value: the last
-- day of the birth year (ages computed from it are never above the real age, so every
-- minors' rule errs on the protective side), the province of the home region, and no sex.
-- The exact values live in `volunteer_protected_fields`. SQL has no key, so rows stored in
-- clear before this migration are encrypted by the service at start-up
-- (`registry::at_rest::encrypt_backlog`).
CREATE TABLE volunteer_protected_fields (
    volunteer_id BIGINT PRIMARY KEY NOT NULL REFERENCES volunteers (id),
    birth_date_enc TEXT NOT NULL,
    sex_enc TEXT NOT NULL,
    home_region_enc TEXT NOT NULL
);

-- `sex` may now be NULL (an under-14's is only in `sex_enc`). SQLite changes a column's
-- constraints only by replacing it; its CHECK belongs to the column, so DROP COLUMN works.
ALTER TABLE volunteers ADD COLUMN sex_clear TEXT CHECK (sex_clear IN ('male', 'female'));
UPDATE volunteers SET sex_clear = sex;
ALTER TABLE volunteers DROP COLUMN sex;
ALTER TABLE volunteers RENAME COLUMN sex_clear TO sex;

ALTER TABLE guardian_consents ADD COLUMN relationship_enc TEXT;
ALTER TABLE guardian_consents ADD COLUMN relationship_clear TEXT;
UPDATE guardian_consents SET relationship_clear = relationship;
ALTER TABLE guardian_consents DROP COLUMN relationship;
ALTER TABLE guardian_consents RENAME COLUMN relationship_clear TO relationship;

-- CRT-04: the clear name on a certificate is the masked surname form public verification
-- shows; the full name, for the holder and the issuer, is encrypted.
ALTER TABLE record_certificates ADD COLUMN volunteer_name_enc TEXT;

-- PI-02: privacy notices published by the ministry, and each volunteer's consent history.
CREATE TABLE privacy_notices (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    version TEXT NOT NULL CHECK (length(version) BETWEEN 1 AND 32),
    purpose TEXT NOT NULL CHECK (purpose IN ('registration', 'matching')),
    fresh_consent_required BOOLEAN NOT NULL CHECK (fresh_consent_required IN (0, 1)),
    summary TEXT NOT NULL,
    created_by BIGINT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    published_by BIGINT REFERENCES users (id),
    published_at TIMESTAMP
);
CREATE UNIQUE INDEX privacy_notices_version_key ON privacy_notices (version);

CREATE TABLE privacy_consents (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    volunteer_id BIGINT NOT NULL REFERENCES volunteers (id),
    event TEXT NOT NULL CHECK (event IN ('given', 'withdrawn')),
    notice_id BIGINT REFERENCES privacy_notices (id),
    given_by TEXT NOT NULL CHECK (given_by IN ('volunteer', 'guardian')),
    recorded_by BIGINT NOT NULL REFERENCES users (id),
    occurred_at TIMESTAMP NOT NULL,
    CHECK ((event = 'given') = (notice_id IS NOT NULL))
);
CREATE INDEX privacy_consents_volunteer_idx ON privacy_consents (volunteer_id, id);
CREATE INDEX privacy_consents_notice_idx ON privacy_consents (notice_id, volunteer_id);

-- A volunteer whose consent is withdrawn (a row here) leaves every candidate pool; a fresh
-- consent removes the row (the history stays in privacy_consents).
CREATE TABLE privacy_withdrawals (
    volunteer_id BIGINT PRIMARY KEY NOT NULL REFERENCES volunteers (id),
    withdrawn_at TIMESTAMP NOT NULL
);

-- PI-06: when a volunteer deregistered, and when their contact and guardian data went.
CREATE TABLE deregistrations (
    volunteer_id BIGINT PRIMARY KEY NOT NULL REFERENCES volunteers (id),
    deregistered_at TIMESTAMP NOT NULL,
    erased_at TIMESTAMP
);
CREATE INDEX deregistrations_pending_idx ON deregistrations (erased_at, deregistered_at);

-- PI-04: the audit log is append-only in the database itself.
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit_events is append-only (PI-04)');
END;
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit_events is append-only (PI-04)');
END;
