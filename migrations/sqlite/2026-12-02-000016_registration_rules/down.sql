DROP TABLE volunteer_attestations;
DROP TABLE region_divisions;
DROP TABLE reference_editions;
