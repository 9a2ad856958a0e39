DROP TABLE certificate_objections;
ALTER TABLE record_certificates DROP COLUMN objected_at;
ALTER TABLE assignments DROP COLUMN agreement_requested_at;
