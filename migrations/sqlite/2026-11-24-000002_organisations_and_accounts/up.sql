-- The organisation tree (materialised path: '/1/5/42/'), staff accounts, login sessions with
-- rotating refresh tokens, and the append-only audit log. Timestamps are UTC, written by Rust.
CREATE TABLE organizations (
    id INTEGER PRIMARY KEY NOT NULL,
    parent_id BIGINT REFERENCES organizations (id),
    kind TEXT NOT NULL CHECK (kind IN ('ministry', 'provincial_bureau', 'municipal_bureau', 'county_bureau',
                                       'national_unit', 'cultural_organ', 'volunteer_team')),
    organ_type TEXT CHECK (organ_type IN ('library', 'art_gallery', 'cultural_centre', 'cultural_station',
                                          'museum', 'memorial_hall', 'sharing_centre')),
    name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    region_code TEXT NOT NULL CHECK (length(region_code) = 6),
    path TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CHECK ((kind = 'ministry') = (parent_id IS NULL))
);
CREATE INDEX organizations_parent_idx ON organizations (parent_id);
CREATE INDEX organizations_region_idx ON organizations (region_code);

CREATE TABLE users (
    id INTEGER PRIMARY KEY NOT NULL,
    username TEXT NOT NULL UNIQUE CHECK (length(username) BETWEEN 3 AND 64),
    password_hash TEXT,
    role TEXT NOT NULL CHECK (role IN ('ministry_admin', 'bureau_admin', 'coordinator', 'auditor', 'volunteer')),
    organization_id BIGINT NOT NULL REFERENCES organizations (id),
    org_path TEXT NOT NULL,
    disabled BOOLEAN NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    created_at TIMESTAMP NOT NULL,
    disabled_at TIMESTAMP
);
CREATE INDEX users_org_path_idx ON users (org_path);

CREATE TABLE sessions (
    id TEXT PRIMARY KEY NOT NULL,
    user_id BIGINT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP,
    revoked_reason TEXT
);
CREATE INDEX sessions_user_idx ON sessions (user_id);

CREATE TABLE refresh_tokens (
    token_hash TEXT PRIMARY KEY NOT NULL,
    session_id TEXT NOT NULL REFERENCES sessions (id),
    issued_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    rotated_at TIMESTAMP
);
CREATE INDEX refresh_tokens_session_idx ON refresh_tokens (session_id);

CREATE TABLE audit_events (
    id INTEGER PRIMARY KEY NOT NULL,
    occurred_at TIMESTAMP NOT NULL,
    actor_user_id BIGINT,
    actor_role TEXT,
    action TEXT NOT NULL,
    entity_type TEXT NOT NULL,
    entity_id TEXT,
    org_path TEXT,
    request_id TEXT,
    detail TEXT
);
CREATE INDEX audit_events_org_path_idx ON audit_events (org_path, id);
CREATE INDEX audit_events_entity_idx ON audit_events (entity_type, entity_id);
INSERT INTO organizations (id, parent_id, kind, organ_type, name, region_code, path, created_at, updated_at) VALUES
(1, NULL, 'ministry', NULL, '中华人民共和国文化和旅游部', '000000', '/1/', '2026-01-01 00:00:00', '2026-01-01 00:00:00'),
(2, 1, 'national_unit', 'library', '国家图书馆', '110000', '/1/2/', '2026-01-01 00:00:00', '2026-01-01 00:00:00'),
(3, 1, 'national_unit', 'art_gallery', '中国美术馆', '110000', '/1/3/', '2026-01-01 00:00:00', '2026-01-01 00:00:00'),
(4, 1, 'national_unit', 'sharing_centre', '全国文化信息资源共享工程管理中心', '110000', '/1/4/', '2026-01-01 00:00:00', '2026-01-01 00:00:00'),
(5, 1, 'provincial_bureau', NULL, '北京市文化和旅游局', '110000', '/1/5/', '2026-01-01 00:00:00', '2026-01-01 00:00:00'),
(6, 1, 'provincial_bureau', NULL, '天津市文化和旅游局', '120000', '/1/6/', '2026-01-01 00:00:00', '2026-01-01 00:00:00'),
(7, 1, 'provincial_bureau', NULL, '河北省文化和旅游厅', '130000', '/1/7/', '2026-01-01 00:00:00', '2026-01-01 00:00:00'),
(8, 1, 'provincial_bureau', NULL, '山西省文化和旅游厅', '140000', '/1/8/', '2026-01-01 00:00:00', '2026-01-01 00:00:00'),
(9, 1, 'provincial_bureau', NULL, '内蒙古自治区文化和旅游厅', '150000', '/1/9/', '2026-01-01 00:00:00', '2026-01-01 00:00:00'),
(10, 1, 'provincial_bureau', NULL, '辽宁省文化和旅游厅', '210000', '/1/10/', '2026-01-01 00:00:00', '2026-01-01 00:00:00'),
(11, 1, 'provincial_bureau', NULL, '吉林省文化和旅游厅', '220000', '/1/11/', '2026-01-01 00:00:00', '2026-01-01 00:00:00'),
(12, 1, 'provincial_bureau', NULL, '黑龙江省文化和旅游厅', '230000', '/1/12/', '2026-01-01 00:00:00', '2026-01-01 00:00:00'),
(13, 1, 'provincial_bureau', NULL, '上海市文化和旅游局', '310000', '/1/13/', '2026-01-01 00:00:00', '2026-01-01 00:00:00'),
(14, 1, 'provincial_bureau', NULL, '江苏省文化和旅游厅', '320000', '/1/14/', '2026-01-01 00:00:00', '2026-01-01 00:00:00'),
(15, 1, 'provincial_bureau', NULL, '浙江省文化和旅游厅', '330000', '/1/15/', '2026-01-01 00:00:00', '2026-01-01 00:00:00'),
(16, 1, 'provincial_bureau', NULL, '安徽省文化和旅游厅', '340000', '/1/16/', '2026-01-01 00:00:00', '2026-01-01 00:00:00'),
(17, 1, 'provincial_bureau', NULL, '福建省文化和旅游厅', '350000', '/1/17/', '2026-01-01 00:00:00', '2026-01-01 00:00:00'),
(18, 1, 'provincial_bureau', NULL, '江西省文化和旅游厅', '360000', '/1/18/', '2026-01-01 00:00:00', '2026-01-01 00:00:00'),
(19, 1, 'provincial_bureau', NULL, '山东省文化和旅游厅', '370000', '/1/19/', '2026-01-01 00:00:00', '2026-01-01 00:00:00'),
(20, 1, 'provincial_bureau', NULL, '河南省文化和旅游厅', '410000', '/1/20/', '2026-01-01 00:00:00', '2026-01-01 00:00:00'),
(21, 1, 'provincial_bureau', NULL, '湖北省文化和旅游厅', '420000', '/1/21/', '2026-01-01 00:00:00', '2026-01-01 00:00:00'),
(22, 1, 'provincial_bureau', NULL, '湖南省文化和旅游厅', '430000', '/1/22/', '2026-01-01 00:00:00', '2026-01-01 00:00:00'),
(23, 1, 'provincial_bureau', NULL, '广东省文化和旅游厅', '440000', '/1/23/', '2026-01-01 00:00:00', '2026-01-01 00:00:00'),
(24, 1, 'provincial_bureau', NULL, '广西壮族自治区文化和旅游厅', '450000', '/1/24/', '2026-01-01 00:00:00', '2026-01-01 00:00:00'),
(25, 1, 'provincial_bureau', NULL, '海南省文化和旅游厅', '460000', '/1/25/', '2026-01-01 00:00:00', '2026-01-01 00:00:00'),
(26, 1, 'provincial_bureau', NULL, '重庆市文化和旅游局', '500000', '/1/26/', '2026-01-01 00:00:00', '2026-01-01 00:00:00'),
(27, 1, 'provincial_bureau', NULL, '四川省文化和旅游厅', '510000', '/1/27/', '2026-01-01 00:00:00', '2026-01-01 00:00:00'),
(28, 1, 'provincial_bureau', NULL, '贵州省文化和旅游厅', '520000', '/1/28/', '2026-01-01 00:00:00', '2026-01-01 00:00:00'),
(29, 1, 'provincial_bureau', NULL, '云南省文化和旅游厅', '530000', '/1/29/', '2026-01-01 00:00:00', '2026-01-01 00:00:00'),
(30, 1, 'provincial_bureau', NULL, '西藏自治区文化和旅游厅', '540000', '/1/30/', '2026-01-01 00:00:00', '2026-01-01 00:00:00'),
(31, 1, 'provincial_bureau', NULL, '陕西省文化和旅游厅', '610000', '/1/31/', '2026-01-01 00:00:00', '2026-01-01 00:00:00'),
(32, 1, 'provincial_bureau', NULL, '甘肃省文化和旅游厅', '620000', '/1/32/', '2026-01-01 00:00:00', '2026-01-01 00:00:00'),
(33, 1, 'provincial_bureau', NULL, '青海省文化和旅游厅', '630000', '/1/33/', '2026-01-01 00:00:00', '2026-01-01 00:00:00'),
(34, 1, 'provincial_bureau', NULL, '宁夏回族自治区文化和旅游厅', '640000', '/1/34/', '2026-01-01 00:00:00', '2026-01-01 00:00:00'),
(35, 1, 'provincial_bureau', NULL, '新疆维吾尔自治区文化和旅游厅', '650000', '/1/35/', '2026-01-01 00:00:00', '2026-01-01 00:00:00'),
(36, 1, 'provincial_bureau', NULL, '新疆生产建设兵团文化体育广电和旅游局', '660000', '/1/36/', '2026-01-01 00:00:00', '2026-01-01 00:00:00');
