-- ACT-09: a written agreement binds both sides. The first side records the terms and signs;
-- the other side countersigns the same terms. Agreements recorded before this change by one
-- side are kept as signed by both (they were accepted as complete then).
ALTER TABLE agreements ADD COLUMN organiser_signed_by BIGINT REFERENCES users (id);
ALTER TABLE agreements ADD COLUMN organiser_signed_at TIMESTAMP;
ALTER TABLE agreements ADD COLUMN volunteer_signed_at TIMESTAMP;
UPDATE agreements SET organiser_signed_at = signed_at, volunteer_signed_at = signed_at;
