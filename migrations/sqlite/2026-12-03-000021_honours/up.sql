-- Evaluations, complaints, commendations and the consent to publish one's name (issue 10).
-- A volunteer's service on an assignment is evaluated by the organiser and by the receiving
-- side of a Spring Rain deployment: one evaluation per evaluating organisation and assignment.
CREATE TABLE volunteer_evaluations (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    assignment_id BIGINT NOT NULL REFERENCES assignments (id),
    volunteer_id BIGINT NOT NULL REFERENCES volunteers (id),
    activity_id BIGINT NOT NULL REFERENCES activities (id),
    evaluator_organization_id BIGINT NOT NULL REFERENCES organizations (id),
    evaluator_org_path TEXT NOT NULL,
    side TEXT NOT NULL CHECK (side IN ('organiser', 'receiving')),
    rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
    note TEXT NOT NULL,
    created_by BIGINT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    CONSTRAINT volunteer_evaluations_once UNIQUE (assignment_id, evaluator_organization_id)
);
CREATE INDEX volunteer_evaluations_volunteer_idx ON volunteer_evaluations (volunteer_id, id);

-- A complaint against a volunteer, lodged by staff of an organisation the volunteer served
-- with (through an assignment), investigated and decided by the registering organisation or
-- above (`org_path` is the volunteer's registering organisation's path when lodged).
CREATE TABLE volunteer_complaints (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    volunteer_id BIGINT NOT NULL REFERENCES volunteers (id),
    org_path TEXT NOT NULL,
    assignment_id BIGINT NOT NULL REFERENCES assignments (id),
    activity_id BIGINT NOT NULL REFERENCES activities (id),
    lodging_organization_id BIGINT NOT NULL REFERENCES organizations (id),
    lodging_org_path TEXT NOT NULL,
    description TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'investigating'
        CHECK (status IN ('investigating', 'upheld', 'dismissed')),
    outcome_reason TEXT,
    decided_by BIGINT REFERENCES users (id),
    decided_at TIMESTAMP,
    lodged_by BIGINT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    CHECK ((status = 'investigating') = (decided_at IS NULL))
);
CREATE INDEX volunteer_complaints_volunteer_idx ON volunteer_complaints (volunteer_id, status);

-- STAR-03: a commendation of a volunteer, a team (an activity's team), an organisation, a
-- post or station (a site or a standing activity) or a project (an activity), at a level;
-- nominated by an organisation, approved or returned by one at that level or above.
CREATE TABLE commendations (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    kind TEXT NOT NULL
        CHECK (kind IN ('model_volunteer', 'model_collective', 'lei_feng_post', 'excellent_project')),
    level TEXT NOT NULL CHECK (level IN ('national', 'provincial', 'municipal')),
    target_type TEXT NOT NULL
        CHECK (target_type IN ('volunteer', 'team', 'organization', 'site', 'activity')),
    target_id BIGINT NOT NULL,
    citation TEXT NOT NULL,
    year INTEGER NOT NULL,
    nominating_organization_id BIGINT NOT NULL REFERENCES organizations (id),
    nominating_org_path TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'nominated'
        CHECK (status IN ('nominated', 'approved', 'returned')),
    decision_note TEXT,
    deciding_organization_id BIGINT REFERENCES organizations (id),
    decided_by BIGINT REFERENCES users (id),
    decided_at TIMESTAMP,
    nominated_by BIGINT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    CHECK ((status = 'nominated') = (decided_at IS NULL))
);
CREATE INDEX commendations_org_path_idx ON commendations (nominating_org_path, id);
CREATE INDEX commendations_status_idx ON commendations (status, id);
CREATE INDEX commendations_target_idx ON commendations (target_type, target_id);

-- PI-07: a volunteer's consent to show their full name on public honour lists (withdrawable:
-- the row is removed). Without it the name is masked.
CREATE TABLE honour_publication_consents (
    volunteer_id BIGINT PRIMARY KEY NOT NULL REFERENCES volunteers (id),
    consented_at TIMESTAMP NOT NULL
);
