CREATE TABLE volunteer_skills_old (
    volunteer_id BIGINT NOT NULL REFERENCES volunteers (id),
    skill_code TEXT NOT NULL REFERENCES skills (code),
    level INTEGER NOT NULL CHECK (level BETWEEN 1 AND 3),
    PRIMARY KEY (volunteer_id, skill_code)
) WITHOUT ROWID;
INSERT INTO volunteer_skills_old SELECT volunteer_id, skill_code, level FROM volunteer_skills;
DROP TABLE volunteer_skills;
ALTER TABLE volunteer_skills_old RENAME TO volunteer_skills;
CREATE INDEX volunteer_skills_search_idx ON volunteer_skills (skill_code, level, volunteer_id);

CREATE TABLE volunteer_languages_old (
    volunteer_id BIGINT NOT NULL REFERENCES volunteers (id),
    language_code TEXT NOT NULL REFERENCES languages (code),
    proficiency TEXT NOT NULL CHECK (proficiency IN ('basic', 'working', 'fluent', 'native')),
    PRIMARY KEY (volunteer_id, language_code)
) WITHOUT ROWID;
INSERT INTO volunteer_languages_old
    SELECT volunteer_id, language_code, proficiency FROM volunteer_languages;
DROP TABLE volunteer_languages;
ALTER TABLE volunteer_languages_old RENAME TO volunteer_languages;
CREATE INDEX volunteer_languages_search_idx ON volunteer_languages (language_code, volunteer_id);
