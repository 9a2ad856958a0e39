DROP TABLE training_base_trainees;
DROP TABLE training_base_events;
