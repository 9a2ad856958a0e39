DROP TABLE login_attempts;
DROP TABLE login_throttles;
