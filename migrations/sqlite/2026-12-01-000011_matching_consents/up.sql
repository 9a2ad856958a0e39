-- HRS-06: a volunteer's consent to be matched by coordinators anywhere in their province, not
-- only by the organisations that registered them. Versioned like the privacy consent; a
-- withdrawal closes the row and a new consent opens another, so the history stays.
CREATE TABLE matching_consents (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    volunteer_id BIGINT NOT NULL REFERENCES volunteers (id),
    scope TEXT NOT NULL CHECK (scope IN ('province')),
    notice_version TEXT NOT NULL,
    consented_at TIMESTAMP NOT NULL,
    recorded_by BIGINT REFERENCES users (id),
    withdrawn_at TIMESTAMP,
    withdrawn_by BIGINT REFERENCES users (id)
);
CREATE INDEX matching_consents_volunteer_idx ON matching_consents (volunteer_id);
-- At most one open consent per volunteer and scope.
CREATE UNIQUE INDEX matching_consents_open_idx ON matching_consents (volunteer_id, scope)
    WHERE withdrawn_at IS NULL;
