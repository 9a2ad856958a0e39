DROP TRIGGER audit_events_no_delete;
DROP TRIGGER audit_events_no_update;
DROP TABLE deregistrations;
DROP TABLE privacy_withdrawals;
DROP TABLE privacy_consents;
DROP TABLE privacy_notices;
ALTER TABLE record_certificates DROP COLUMN volunteer_name_enc;
ALTER TABLE guardian_consents DROP COLUMN relationship_enc;
DROP TABLE volunteer_protected_fields;
