-- Spring Rain as a programme (issue 9): editions (one per year), pairings (SR-03, persistent
-- across editions), the pairings taking part in an edition, and the deployments' details:
-- the edition, pairing and optional action type (SR-02, from 2023) of a Spring Rain activity. People
-- reached per target group are recorded on an activity once it has run (ACT-11 reports).
CREATE TABLE spring_rain_editions (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    year INTEGER NOT NULL CONSTRAINT spring_rain_editions_year_check CHECK (year BETWEEN 2010 AND 2100),
    title TEXT NOT NULL,
    theme TEXT NOT NULL,
    -- PLAN-01: provinces hand in their deployment plans by this day.
    plans_due_on DATE NOT NULL,
    status TEXT NOT NULL CONSTRAINT spring_rain_editions_status_check CHECK (status IN ('planning', 'open', 'closed')),
    created_by BIGINT REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX spring_rain_editions_year_key ON spring_rain_editions (year);

CREATE TABLE spring_rain_pairings (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    -- Province-level codes (`330000`); the receiving side may be a prefecture (`653100`).
    sending_province TEXT NOT NULL,
    receiving_region TEXT NOT NULL,
    start_year INTEGER NOT NULL CONSTRAINT spring_rain_pairings_start_year_check CHECK (start_year BETWEEN 2010 AND 2100),
    counterpart_aid BOOLEAN NOT NULL DEFAULT 0 CHECK (counterpart_aid IN (0, 1)),
    -- SR-01: a land-border sender only with the override and a stated reason.
    intra_border_override BOOLEAN NOT NULL DEFAULT 0 CHECK (intra_border_override IN (0, 1)),
    override_reason TEXT,
    created_by BIGINT REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    CONSTRAINT spring_rain_pairings_distinct_check CHECK (substr(sending_province, 1, 2) <> substr(receiving_region, 1, 2)),
    CONSTRAINT spring_rain_pairings_reason_check CHECK (intra_border_override = 0 OR override_reason IS NOT NULL)
);
CREATE UNIQUE INDEX spring_rain_pairings_route_key ON spring_rain_pairings (sending_province, receiving_region);

CREATE TABLE spring_rain_edition_pairings (
    edition_id BIGINT NOT NULL REFERENCES spring_rain_editions (id),
    pairing_id BIGINT NOT NULL REFERENCES spring_rain_pairings (id),
    added_by BIGINT REFERENCES users (id),
    added_at TIMESTAMP NOT NULL,
    PRIMARY KEY (edition_id, pairing_id)
);

-- A deployment's Spring Rain details, one row per Spring Rain activity (kept beside
-- `activities`, which has as many columns as the shared schema's tables take).
CREATE TABLE spring_rain_deployments (
    activity_id BIGINT PRIMARY KEY NOT NULL REFERENCES activities (id),
    edition_id BIGINT REFERENCES spring_rain_editions (id),
    pairing_id BIGINT REFERENCES spring_rain_pairings (id),
    action_type TEXT CONSTRAINT spring_rain_deployments_action_type_check
        CHECK (action_type IN ('cultural_benefit', 'art_creation', 'public_culture', 'heritage', 'industry')),
    -- SR-03: a deployment in an edition names its pairing.
    CONSTRAINT spring_rain_deployments_pairing_check CHECK (edition_id IS NULL OR pairing_id IS NOT NULL)
);
CREATE INDEX spring_rain_deployments_edition_idx ON spring_rain_deployments (edition_id, pairing_id);

CREATE TABLE activity_people_reached (
    activity_id BIGINT NOT NULL REFERENCES activities (id),
    target_group_code TEXT NOT NULL REFERENCES target_groups (code),
    people INTEGER NOT NULL CONSTRAINT activity_people_reached_people_check CHECK (people >= 0),
    recorded_by BIGINT REFERENCES users (id),
    recorded_at TIMESTAMP NOT NULL,
    PRIMARY KEY (activity_id, target_group_code)
);

-- SR-03: the 2010 pilot pairings (Ministry of Culture, Spring Rain pilot year).
INSERT INTO spring_rain_pairings (sending_province, receiving_region, start_year, counterpart_aid, intra_border_override, override_reason, created_by, created_at) VALUES
('110000', '650000', 2010, 0, 0, NULL, NULL, '2010-01-01 00:00:00'),
('330000', '650000', 2010, 0, 0, NULL, NULL, '2010-01-01 00:00:00'),
('350000', '540000', 2010, 0, 0, NULL, NULL, '2010-01-01 00:00:00'),
('500000', '540000', 2010, 0, 0, NULL, NULL, '2010-01-01 00:00:00');
