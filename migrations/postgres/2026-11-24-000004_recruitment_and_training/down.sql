DROP TABLE notifications;
DROP TABLE training_certificates;
DROP TABLE enrollments;
DROP TABLE training_sessions;
DROP TABLE courses;
DROP TABLE applications;
DROP TABLE recruitments;
