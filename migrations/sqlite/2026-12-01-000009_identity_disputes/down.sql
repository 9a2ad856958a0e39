DROP TABLE identity_disputes;
