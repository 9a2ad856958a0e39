-- HRS-07: the exchange status of each service record (one row per record version) towards the
-- national volunteer-service system. No row means `pending`: a record is never sent before
-- an exchange job has picked it up. Kept beside service_records, which is near diesel's
-- column limit.
CREATE TABLE service_record_sync (
    record_id BIGINT PRIMARY KEY REFERENCES service_records (id),
    status TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'acknowledged', 'failed')),
    updated_at TIMESTAMP NOT NULL,
    updated_by BIGINT NOT NULL REFERENCES users (id)
);

-- Statistics: the aggregates scan these instead of the tables.
CREATE INDEX service_records_stats_idx
    ON service_records (service_date, org_path, volunteer_id, minutes) WHERE is_current;
CREATE INDEX service_records_scope_idx ON service_records (org_path, service_date) WHERE is_current;
CREATE INDEX activities_stats_idx ON activities (org_path, starts_at, status, programme, form);
CREATE INDEX volunteers_stats_idx ON volunteers (org_path, status, sex, birth_date);
CREATE INDEX star_awards_stats_idx ON star_awards (status, level, volunteer_id);
