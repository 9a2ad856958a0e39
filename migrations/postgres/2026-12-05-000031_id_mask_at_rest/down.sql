-- The documented masks of volunteers are not restored (the clear column stays restricted);
-- certificates get their documented mask back only where the service had not restricted it.
ALTER TABLE record_certificates DROP COLUMN id_number_masked_enc;
