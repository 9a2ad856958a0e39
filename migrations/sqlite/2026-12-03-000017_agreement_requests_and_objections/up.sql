-- ACT-09 (b): either party may ask for a written agreement; from then on confirmation needs
-- one signed by both (when the policy keeps case (b) on).
ALTER TABLE assignments ADD COLUMN agreement_requested_at TIMESTAMP;

-- CRT-05: anyone shown a certificate's public page may object. While an objection is
-- undecided the certificate is held (`objected`, never `final`); the issuer upholds it
-- (the certificate is revoked) or dismisses it (the publicity status resumes).
ALTER TABLE record_certificates ADD COLUMN objected_at TIMESTAMP;

CREATE TABLE certificate_objections (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    certificate_id BIGINT NOT NULL REFERENCES record_certificates (id),
    -- Free text from the public: may name people, so stored encrypted (PI-01).
    reason_enc TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'upheld', 'dismissed')),
    lodged_at TIMESTAMP NOT NULL,
    decided_by BIGINT REFERENCES users (id),
    decided_at TIMESTAMP,
    decision_note TEXT,
    CHECK ((status = 'pending') = (decided_at IS NULL))
);
CREATE INDEX certificate_objections_certificate_idx ON certificate_objections (certificate_id, id);
