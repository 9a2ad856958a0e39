-- Identity disputes (issue 13): an anonymous registration or application that carries an ID
-- number already registered is not refused (that would tell an outsider the number exists);
-- it is recorded here for the bureau of the existing registration to decide. The claimant's
-- personal data is encrypted like the volunteer fields; only masked forms are in the clear.
CREATE TABLE identity_disputes (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    volunteer_id BIGINT NOT NULL REFERENCES volunteers (id),
    organization_id BIGINT NOT NULL REFERENCES organizations (id),
    org_path TEXT NOT NULL,
    channel TEXT NOT NULL CHECK (channel IN ('self_registration', 'application')),
    recruitment_id BIGINT REFERENCES recruitments (id),
    claimant_name_enc TEXT NOT NULL,
    claimant_name_masked TEXT NOT NULL,
    claimant_mobile_enc TEXT,
    claimant_mobile_masked TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'upheld', 'rejected')),
    decision_reason TEXT,
    decided_by BIGINT REFERENCES users (id),
    decided_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    CHECK ((status = 'open') = (decided_at IS NULL))
);
CREATE INDEX identity_disputes_org_path_idx ON identity_disputes (org_path, id);
