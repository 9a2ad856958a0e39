DROP INDEX service_records_assignment_day_idx;
CREATE UNIQUE INDEX service_records_assignment_idx ON service_records (assignment_id) WHERE version = 1;
DROP TABLE team_evaluations;
DROP TABLE team_leaders;
DROP TABLE attendance_days;
