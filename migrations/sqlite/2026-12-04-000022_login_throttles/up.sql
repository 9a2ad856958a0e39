-- Failed-login throttles (issue 15), in the database so that every instance of the service
-- sees and enforces the same limits. `login_throttles` holds one tally per (account, client
-- address) and one per account (client = ''): failures in the current window, when the window
-- began and when the last failure was. `login_attempts` holds the attempts admitted and not yet
-- settled (password still being verified); an attempt older than its lease belongs to an
-- instance that died and no longer counts. The account row is the lock every change to that
-- account's tallies takes first.
CREATE TABLE login_throttles (
    account TEXT NOT NULL,
    client TEXT NOT NULL,
    failures INTEGER NOT NULL CHECK (failures >= 0),
    window_start TIMESTAMP NOT NULL,
    last_failure TIMESTAMP NOT NULL,
    PRIMARY KEY (account, client)
);
CREATE INDEX login_throttles_window_start_idx ON login_throttles (window_start);

CREATE TABLE login_attempts (
    id INTEGER PRIMARY KEY,
    account TEXT NOT NULL,
    client TEXT NOT NULL,
    started_at TIMESTAMP NOT NULL
);
CREATE INDEX login_attempts_account_idx ON login_attempts (account, client);
CREATE INDEX login_attempts_started_at_idx ON login_attempts (started_at);
