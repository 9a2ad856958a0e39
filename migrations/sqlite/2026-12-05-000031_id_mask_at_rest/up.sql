-- A database reader must not rebuild an ID number (PI-01). The documented mask keeps the
-- first 6 and last 4 characters, and the birth date is stored in clear for the age rules, so
-- the two columns together were the whole number. The clear column now keeps only the first 6
-- and the last character (dozens of candidates remain even with the birth date); the
-- documented mask is derived from the encrypted number when a reader may see it.
UPDATE volunteers
SET id_number_masked = substr(id_number_masked, 1, 6)
    || replace(hex(zeroblob(length(id_number_masked) - 7)), '00', '*')
    || substr(id_number_masked, -1)
WHERE length(id_number_masked) >= 12;

-- Certificates keep their snapshot of the documented mask (CRT-03), encrypted; the service
-- encrypts the existing ones at start-up (SQL has no key) and restricts the clear column.
ALTER TABLE record_certificates ADD COLUMN id_number_masked_enc TEXT;
