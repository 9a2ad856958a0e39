-- SR-05, the reverse flow ("请进来"): training-base events hosted by an inland organisation
-- for grassroots cultural staff of the border and ethnic regions. The trainees are nominated
-- by their province's bureau and need not be registered volunteers, so they are rows of their
-- own, not enrolments; their name and mobile are personal data, encrypted at rest, with the
-- masked mobile kept beside it so lists need not decrypt it and a blind index of the mobile
-- so one person is nominated to an event once.
CREATE TABLE training_base_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    place TEXT NOT NULL,
    starts_on DATE NOT NULL,
    ends_on DATE NOT NULL,
    capacity INTEGER NOT NULL CHECK (capacity BETWEEN 1 AND 1000),
    host_organization_id BIGINT NOT NULL REFERENCES organizations (id),
    host_org_path TEXT NOT NULL,
    host_province TEXT NOT NULL,
    -- The receiving provinces (SR-01 set, `;`-separated 2-digit codes) whose bureaus may
    -- nominate: they, and only they, besides the host see the event.
    invited_provinces TEXT NOT NULL,
    created_by BIGINT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    CONSTRAINT training_base_events_dates_check CHECK (ends_on >= starts_on)
);
CREATE INDEX training_base_events_host_idx ON training_base_events (host_org_path);

CREATE TABLE training_base_trainees (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    event_id BIGINT NOT NULL REFERENCES training_base_events (id),
    nominating_organization_id BIGINT NOT NULL REFERENCES organizations (id),
    nominating_org_path TEXT NOT NULL,
    name_enc TEXT NOT NULL,
    mobile_enc TEXT NOT NULL,
    mobile_masked TEXT NOT NULL,
    mobile_index TEXT NOT NULL,
    work_unit TEXT NOT NULL,
    post TEXT NOT NULL,
    region_code TEXT NOT NULL,
    trainee_province TEXT NOT NULL,
    attended BOOLEAN,
    attendance_recorded_at TIMESTAMP,
    certificate_no TEXT,
    certificate_issued_on DATE,
    nominated_by BIGINT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    CONSTRAINT training_base_trainees_person_key UNIQUE (event_id, mobile_index),
    CONSTRAINT training_base_trainees_certificate_no_key UNIQUE (certificate_no),
    CONSTRAINT training_base_trainees_certificate_check
        CHECK (certificate_no IS NULL OR (attended IS NOT NULL AND attended AND certificate_issued_on IS NOT NULL))
);
CREATE INDEX training_base_trainees_event_idx ON training_base_trainees (event_id);
CREATE INDEX training_base_trainees_nominator_idx ON training_base_trainees (nominating_org_path);
