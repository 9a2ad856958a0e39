ALTER TABLE agreements DROP COLUMN volunteer_signed_at;
ALTER TABLE agreements DROP COLUMN organiser_signed_at;
ALTER TABLE agreements DROP COLUMN organiser_signed_by;
