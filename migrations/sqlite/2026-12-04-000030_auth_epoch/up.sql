-- One counter that every revocation of access raises (a session revoked, an account
-- disabled). Each instance caches who a token belongs to and reads this counter at most a
-- few times a second, instead of re-reading the session and account on every request; a
-- change made through any instance is therefore seen by all of them within that interval.
CREATE TABLE auth_epoch (
    id INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
    epoch BIGINT NOT NULL
);
INSERT INTO auth_epoch (id, epoch) VALUES (1, 0);
