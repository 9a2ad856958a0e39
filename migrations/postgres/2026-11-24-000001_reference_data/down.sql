DROP TABLE course_categories;
DROP TABLE activity_forms;
DROP TABLE target_groups;
DROP TABLE languages;
DROP TABLE skills;
DROP TABLE regions;
