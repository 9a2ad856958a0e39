DROP TABLE matching_consents;
