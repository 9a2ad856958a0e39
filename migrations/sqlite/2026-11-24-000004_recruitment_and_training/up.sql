-- Recruitment campaigns and applications; courses, training sessions, enrolments and the
-- certificates a pass earns; the notification outbox. Counters (`places_taken`,
-- `enrolled_count`) are bumped write-first and bounded by CHECK constraints, so no quota or
-- capacity can be exceeded even by concurrent requests.
CREATE TABLE recruitments (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    organization_id BIGINT NOT NULL REFERENCES organizations (id),
    org_path TEXT NOT NULL,
    title TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    description TEXT NOT NULL,
    -- JSON: {"skills":[{"code","level"}],"languages":[…],"min_age","max_age","target_groups":[…]}
    requirements TEXT NOT NULL,
    quota INTEGER NOT NULL CHECK (quota > 0),
    places_taken INTEGER NOT NULL DEFAULT 0 CHECK (places_taken >= 0 AND places_taken <= quota),
    opens_at TIMESTAMP NOT NULL,
    closes_at TIMESTAMP NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('draft', 'open', 'closed')),
    created_by BIGINT REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CHECK (closes_at > opens_at)
);
CREATE INDEX recruitments_org_path_idx ON recruitments (org_path, id);
CREATE INDEX recruitments_status_idx ON recruitments (status, id);

CREATE TABLE applications (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    recruitment_id BIGINT NOT NULL REFERENCES recruitments (id),
    volunteer_id BIGINT NOT NULL REFERENCES volunteers (id),
    status TEXT NOT NULL CHECK (status IN ('submitted', 'accepted', 'rejected', 'withdrawn')),
    reason TEXT,
    created_at TIMESTAMP NOT NULL,
    decided_at TIMESTAMP,
    decided_by BIGINT REFERENCES users (id),
    UNIQUE (recruitment_id, volunteer_id)
);
CREATE INDEX applications_volunteer_idx ON applications (volunteer_id);

CREATE TABLE courses (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    code TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    category TEXT NOT NULL CHECK (category IN ('orientation', 'skill', 'safety', 'child_safeguarding', 'elder_care', 'border_orientation')),
    minutes INTEGER NOT NULL CHECK (minutes > 0),
    validity_months INTEGER CHECK (validity_months > 0),
    organization_id BIGINT NOT NULL REFERENCES organizations (id),
    org_path TEXT NOT NULL,
    grants_skill_code TEXT REFERENCES skills (code),
    grants_skill_level INTEGER CHECK (grants_skill_level BETWEEN 1 AND 3),
    created_at TIMESTAMP NOT NULL,
    CHECK ((grants_skill_code IS NULL) = (grants_skill_level IS NULL))
);
CREATE INDEX courses_org_path_idx ON courses (org_path, id);

CREATE TABLE training_sessions (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    course_id BIGINT NOT NULL REFERENCES courses (id),
    organization_id BIGINT NOT NULL REFERENCES organizations (id),
    org_path TEXT NOT NULL,
    starts_at TIMESTAMP NOT NULL,
    ends_at TIMESTAMP NOT NULL,
    time_zone TEXT NOT NULL,
    region_code TEXT NOT NULL CHECK (length(region_code) = 6),
    place TEXT NOT NULL,
    capacity INTEGER NOT NULL CHECK (capacity > 0),
    enrolled_count INTEGER NOT NULL DEFAULT 0 CHECK (enrolled_count >= 0 AND enrolled_count <= capacity),
    trainer TEXT NOT NULL,
    created_by BIGINT REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    CHECK (ends_at > starts_at)
);
CREATE INDEX training_sessions_course_idx ON training_sessions (course_id);
CREATE INDEX training_sessions_org_path_idx ON training_sessions (org_path, id);

CREATE TABLE enrollments (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    session_id BIGINT NOT NULL REFERENCES training_sessions (id),
    volunteer_id BIGINT NOT NULL REFERENCES volunteers (id),
    status TEXT NOT NULL CHECK (status IN ('enrolled', 'attended', 'passed', 'failed', 'no_show', 'cancelled')),
    score INTEGER CHECK (score BETWEEN 0 AND 100),
    enrolled_at TIMESTAMP NOT NULL,
    enrolled_by BIGINT REFERENCES users (id),
    result_recorded_at TIMESTAMP,
    recorded_by BIGINT REFERENCES users (id),
    UNIQUE (session_id, volunteer_id)
);
CREATE INDEX enrollments_volunteer_idx ON enrollments (volunteer_id);

CREATE TABLE training_certificates (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    volunteer_id BIGINT NOT NULL REFERENCES volunteers (id),
    course_id BIGINT NOT NULL REFERENCES courses (id),
    session_id BIGINT NOT NULL REFERENCES training_sessions (id),
    enrollment_id BIGINT NOT NULL UNIQUE REFERENCES enrollments (id),
    issued_on DATE NOT NULL,
    expires_on DATE,
    revoked_at TIMESTAMP,
    revoked_reason TEXT,
    revoked_by BIGINT REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    CHECK (expires_on IS NULL OR expires_on > issued_on)
);
CREATE INDEX training_certificates_volunteer_idx ON training_certificates (volunteer_id, course_id);
CREATE INDEX training_certificates_expiry_idx ON training_certificates (expires_on);

-- The outbox clients read through /me/notifications. `dedupe_key` makes periodic reminders
-- ("certificate expires in 30 days") idempotent.
CREATE TABLE notifications (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    recipient_user_id BIGINT REFERENCES users (id),
    recipient_volunteer_id BIGINT REFERENCES volunteers (id),
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    entity_type TEXT,
    entity_id TEXT,
    dedupe_key TEXT UNIQUE,
    created_at TIMESTAMP NOT NULL,
    read_at TIMESTAMP,
    CHECK (recipient_user_id IS NOT NULL OR recipient_volunteer_id IS NOT NULL)
);
CREATE INDEX notifications_user_idx ON notifications (recipient_user_id, id);
CREATE INDEX notifications_volunteer_idx ON notifications (recipient_volunteer_id, id);

-- National courses owned by the ministry, usable everywhere (issue: seed orientation,
-- border orientation and child safeguarding; elder care backs the empty-nest default).
INSERT INTO courses (code, title, description, category, minutes, validity_months, organization_id, org_path, created_at) VALUES
('NAT-ORIENTATION', '文化志愿服务通用培训：志愿服务法规、雷锋精神与安全', 'Volunteer Service Regulation, the Lei Feng spirit, safety basics.', 'orientation', 240, 36, 1, '/1/', '2026-01-01 00:00:00'),
('NAT-BORDER', '边疆民族地区文化与“春雨工程”行前培训', 'Border and ethnic-region culture, customs and conduct for Spring Rain teams.', 'border_orientation', 480, 24, 1, '/1/', '2026-01-01 00:00:00'),
('NAT-CHILD-SAFE', '儿童保护与留守儿童服务规范', 'Child safeguarding for services to minors and left-behind children.', 'child_safeguarding', 360, 24, 1, '/1/', '2026-01-01 00:00:00'),
('NAT-ELDER-CARE', '助老服务基础', 'Basic care and communication for services to empty-nest elderly.', 'elder_care', 360, 24, 1, '/1/', '2026-01-01 00:00:00');
