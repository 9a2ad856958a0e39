-- Idempotency keys (API.md "Writes"): the first result of a POST sent with an
-- `Idempotency-Key` header, so that a client retrying after a lost response gets that result
-- back instead of a second write. Keys are per account. A row with no status is a request
-- still in progress (a concurrent retry is refused). Response bodies may hold one-time
-- activation codes, so they are stored encrypted with the data key. Rows expire after a day.
CREATE TABLE idempotency_keys (
    user_id BIGINT NOT NULL REFERENCES users (id),
    idempotency_key TEXT COLLATE "C" NOT NULL,
    request_hash TEXT NOT NULL,
    status_code INTEGER,
    content_type TEXT,
    location TEXT,
    etag TEXT,
    body_enc TEXT,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, idempotency_key),
    CHECK ((status_code IS NULL) = (body_enc IS NULL))
);
CREATE INDEX idempotency_keys_created_at_idx ON idempotency_keys (created_at);
