-- PLAN-01: the ministry's campaigns (a year's call for implementation plans, with a due date,
-- a period and stages) and each province's implementation plan with its targets.
CREATE TABLE plan_campaigns (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    year INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    title TEXT NOT NULL,
    due_date DATE NOT NULL,
    period_from DATE NOT NULL,
    period_to DATE NOT NULL,
    created_by BIGINT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    CONSTRAINT plan_campaigns_period_check CHECK (period_to >= period_from),
    CONSTRAINT plan_campaigns_year_title_key UNIQUE (year, title)
);

-- The campaign's stages (e.g. learning, identifying problems, rectification): ordered,
-- inside the period, not overlapping.
CREATE TABLE plan_campaign_stages (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    campaign_id BIGINT NOT NULL REFERENCES plan_campaigns (id),
    position INTEGER NOT NULL,
    name TEXT NOT NULL,
    starts_on DATE NOT NULL,
    ends_on DATE NOT NULL,
    CONSTRAINT plan_campaign_stages_dates_check CHECK (ends_on >= starts_on),
    CONSTRAINT plan_campaign_stages_position_key UNIQUE (campaign_id, position)
);

-- PLAN-01: one plan per province-level bureau (the XPCC included) and campaign. Targets are
-- whole numbers; the actual figures are computed from the data, never stored. `late` is
-- decided at the first submission (after the campaign's due date, China time) and stays.
CREATE TABLE implementation_plans (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    campaign_id BIGINT NOT NULL REFERENCES plan_campaigns (id),
    organization_id BIGINT NOT NULL REFERENCES organizations (id),
    org_path TEXT NOT NULL,
    province TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('draft', 'submitted', 'approved', 'returned')),
    measures TEXT NOT NULL,
    target_volunteers_registered INTEGER NOT NULL CHECK (target_volunteers_registered >= 0),
    target_volunteers_trained INTEGER NOT NULL CHECK (target_volunteers_trained >= 0),
    target_teams_sent INTEGER NOT NULL CHECK (target_teams_sent >= 0),
    target_teams_received INTEGER NOT NULL CHECK (target_teams_received >= 0),
    target_verified_hours INTEGER NOT NULL CHECK (target_verified_hours >= 0),
    late BOOLEAN NOT NULL DEFAULT FALSE,
    first_submitted_at TIMESTAMP,
    submitted_at TIMESTAMP,
    submitted_by BIGINT REFERENCES users (id),
    decided_at TIMESTAMP,
    decided_by BIGINT REFERENCES users (id),
    review_comment TEXT,
    summary_evaluation TEXT,
    summary_written_at TIMESTAMP,
    created_by BIGINT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    CONSTRAINT implementation_plans_campaign_org_key UNIQUE (campaign_id, organization_id)
);
CREATE INDEX implementation_plans_org_path_idx ON implementation_plans (org_path);

-- Activity targets per target group or per form.
CREATE TABLE implementation_plan_activity_targets (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    plan_id BIGINT NOT NULL REFERENCES implementation_plans (id),
    dimension TEXT NOT NULL CHECK (dimension IN ('target_group', 'form')),
    code TEXT NOT NULL,
    target INTEGER NOT NULL CHECK (target >= 0),
    CONSTRAINT implementation_plan_activity_targets_key UNIQUE (plan_id, dimension, code)
);
