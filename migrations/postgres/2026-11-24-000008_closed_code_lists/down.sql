ALTER TABLE volunteer_skills
    DROP CONSTRAINT volunteer_skills_skill_code_check,
    ADD CONSTRAINT volunteer_skills_skill_code_fkey FOREIGN KEY (skill_code) REFERENCES skills (code);
ALTER TABLE volunteer_languages
    DROP CONSTRAINT volunteer_languages_language_code_check,
    ADD CONSTRAINT volunteer_languages_language_code_fkey FOREIGN KEY (language_code) REFERENCES languages (code);
