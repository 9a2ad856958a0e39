-- Skill and language codes are closed lists (src/domain/reference.rs), like statuses and
-- proficiencies: a CHECK constraint now keeps them, instead of a foreign key to the reference
-- tables. Each such foreign key cost PostgreSQL a trigger and an index lookup per row, about a
-- fifth of the database's work in a bulk import (docs/benchmarks.md). The reference tables stay:
-- they name the codes for /api/v1/reference/*, and a test keeps these lists equal to them.
ALTER TABLE volunteer_skills
    DROP CONSTRAINT volunteer_skills_skill_code_fkey,
    ADD CONSTRAINT volunteer_skills_skill_code_check CHECK (skill_code IN (
        'performance.music', 'performance.dance', 'performance.opera', 'performance.quyi',
        'performance.drama', 'fine_arts.painting', 'fine_arts.calligraphy',
        'fine_arts.photography', 'reading.storytelling', 'reading.promotion',
        'library.services', 'lecture.general', 'lecture.heritage', 'heritage.crafts',
        'film.screening', 'digital.literacy', 'event.organising', 'sign_language', 'first_aid',
        'elder_care', 'child_care', 'translation'
    ));
ALTER TABLE volunteer_languages
    DROP CONSTRAINT volunteer_languages_language_code_fkey,
    ADD CONSTRAINT volunteer_languages_language_code_check CHECK (language_code IN (
        'zh', 'ug', 'bo', 'mn', 'kk', 'ko', 'za', 'ii', 'tdd', 'ky', 'yue', 'en'
    ));
