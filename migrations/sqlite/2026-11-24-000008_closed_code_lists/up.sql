-- Skill and language codes are closed lists (src/domain/reference.rs), like statuses and
-- proficiencies: a CHECK constraint now keeps them, instead of a foreign key to the reference
-- tables. Each such foreign key cost PostgreSQL a trigger and an index lookup per row, about a
-- fifth of the database's work in a bulk import (docs/benchmarks.md). The reference tables stay:
-- they name the codes for /api/v1/reference/*, and a test keeps these lists equal to them.
-- SQLite cannot alter a constraint: the two tables are rebuilt (migrations run with foreign
-- keys off, and a foreign-key check follows them).
CREATE TABLE volunteer_skills_new (
    volunteer_id BIGINT NOT NULL REFERENCES volunteers (id),
    skill_code TEXT NOT NULL CHECK (skill_code IN (
        'performance.music', 'performance.dance', 'performance.opera', 'performance.quyi',
        'performance.drama', 'fine_arts.painting', 'fine_arts.calligraphy',
        'fine_arts.photography', 'reading.storytelling', 'reading.promotion',
        'library.services', 'lecture.general', 'lecture.heritage', 'heritage.crafts',
        'film.screening', 'digital.literacy', 'event.organising', 'sign_language', 'first_aid',
        'elder_care', 'child_care', 'translation'
    )),
    level INTEGER NOT NULL CHECK (level BETWEEN 1 AND 3),
    PRIMARY KEY (volunteer_id, skill_code)
) WITHOUT ROWID;
INSERT INTO volunteer_skills_new (volunteer_id, skill_code, level)
    SELECT volunteer_id, skill_code, level FROM volunteer_skills;
DROP TABLE volunteer_skills;
ALTER TABLE volunteer_skills_new RENAME TO volunteer_skills;
CREATE INDEX volunteer_skills_search_idx ON volunteer_skills (skill_code, level, volunteer_id);

CREATE TABLE volunteer_languages_new (
    volunteer_id BIGINT NOT NULL REFERENCES volunteers (id),
    language_code TEXT NOT NULL CHECK (language_code IN (
        'zh', 'ug', 'bo', 'mn', 'kk', 'ko', 'za', 'ii', 'tdd', 'ky', 'yue', 'en'
    )),
    proficiency TEXT NOT NULL CHECK (proficiency IN ('basic', 'working', 'fluent', 'native')),
    PRIMARY KEY (volunteer_id, language_code)
) WITHOUT ROWID;
INSERT INTO volunteer_languages_new (volunteer_id, language_code, proficiency)
    SELECT volunteer_id, language_code, proficiency FROM volunteer_languages;
DROP TABLE volunteer_languages;
ALTER TABLE volunteer_languages_new RENAME TO volunteer_languages;
CREATE INDEX volunteer_languages_search_idx ON volunteer_languages (language_code, volunteer_id);
