-- Issue 10, the people's voice: opinions of the people served (through a published
-- activity's feedback link, or gathered by staff on home visits, interviews and symposiums),
-- the written answer every issue needs before its due date, and the rectification ledger.
-- A contact left for a reply is personal data, encrypted at rest.

-- One unguessable feedback token per activity (its QR code and public URL).
CREATE TABLE feedback_links (
    activity_id BIGINT PRIMARY KEY NOT NULL REFERENCES activities (id),
    token TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    CONSTRAINT feedback_links_token_key UNIQUE (token)
);

CREATE TABLE opinions (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    activity_id BIGINT NOT NULL REFERENCES activities (id),
    -- The responsible organisation: the activity's organiser.
    organization_id BIGINT NOT NULL REFERENCES organizations (id),
    org_path TEXT NOT NULL,
    channel TEXT NOT NULL
        CHECK (channel IN ('public', 'home_visit', 'interview', 'symposium')),
    rating INTEGER CHECK (rating BETWEEN 1 AND 5),
    -- The person's comment (public), or the staff's summary of what was heard.
    body TEXT,
    target_group TEXT,
    -- Staff channels: people heard per target group, JSON {"code": count}.
    heard_counts TEXT,
    heard_on DATE NOT NULL,
    contact_enc TEXT,
    -- Public channel: the code the person looks the answer up with.
    receipt_code TEXT,
    is_issue BOOLEAN NOT NULL CHECK (is_issue IN (0, 1)),
    answer_due_on DATE,
    answer TEXT,
    answered_at TIMESTAMP,
    answered_by BIGINT REFERENCES users (id),
    recorded_by BIGINT REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    CONSTRAINT opinions_receipt_code_key UNIQUE (receipt_code),
    CONSTRAINT opinions_issue_due_check CHECK (is_issue = 0 OR answer_due_on IS NOT NULL)
);
CREATE INDEX opinions_org_path_idx ON opinions (org_path);
CREATE INDEX opinions_activity_idx ON opinions (activity_id);

CREATE TABLE rectification_items (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    -- The responsible organisation (department).
    organization_id BIGINT NOT NULL REFERENCES organizations (id),
    org_path TEXT NOT NULL,
    description TEXT NOT NULL,
    -- JSON array of opinion ids.
    source_opinion_ids TEXT NOT NULL,
    responsible_person TEXT NOT NULL,
    measures TEXT NOT NULL,
    due_on DATE NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('open', 'in_progress', 'resolved', 'rejected')),
    -- Why it was rejected or returned (the latest such step).
    status_reason TEXT,
    resolution TEXT,
    resolved_at TIMESTAMP,
    published_at TIMESTAMP,
    created_by BIGINT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX rectification_items_org_path_idx ON rectification_items (org_path);
