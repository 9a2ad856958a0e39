-- Multi-day deployments (issue 9): a member is checked in and out once per local service day
-- (a rest day simply has no row), and verification writes one service record per member and
-- day, so the 1,440-minute cap of service_records holds per day. The organiser or the
-- receiving side of a Spring Rain deployment records attendance; who did is kept.
CREATE TABLE attendance_days (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    assignment_id BIGINT NOT NULL REFERENCES assignments (id),
    service_date DATE NOT NULL,
    checked_in_at TIMESTAMP NOT NULL,
    checked_out_at TIMESTAMP,
    break_minutes INTEGER NOT NULL DEFAULT 0 CHECK (break_minutes >= 0),
    -- HRS-01: kept for the itinerary, never counted.
    travel_minutes INTEGER NOT NULL DEFAULT 0 CHECK (travel_minutes >= 0),
    recorded_by BIGINT NOT NULL REFERENCES users (id),
    recorded_by_org BIGINT NOT NULL REFERENCES organizations (id),
    recorded_at TIMESTAMP NOT NULL,
    CONSTRAINT attendance_days_assignment_date_key UNIQUE (assignment_id, service_date),
    CONSTRAINT attendance_days_out_after_in CHECK (checked_out_at IS NULL OR checked_out_at > checked_in_at)
);

-- A deployment team has one leader, one of its members.
CREATE TABLE team_leaders (
    activity_id BIGINT PRIMARY KEY NOT NULL REFERENCES activities (id),
    assignment_id BIGINT NOT NULL REFERENCES assignments (id),
    appointed_by BIGINT NOT NULL REFERENCES users (id),
    appointed_at TIMESTAMP NOT NULL
);

-- The receiving side's written evaluation of a team.
CREATE TABLE team_evaluations (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    activity_id BIGINT NOT NULL REFERENCES activities (id),
    author_user_id BIGINT NOT NULL REFERENCES users (id),
    organization_id BIGINT NOT NULL REFERENCES organizations (id),
    body TEXT NOT NULL CHECK (length(body) > 0),
    rating INTEGER CHECK (rating BETWEEN 1 AND 5),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX team_evaluations_activity_idx ON team_evaluations (activity_id, id);

-- One first version per assignment and service day (was: per assignment).
DROP INDEX service_records_assignment_idx;
CREATE UNIQUE INDEX service_records_assignment_day_idx ON service_records (assignment_id, service_date) WHERE version = 1;
