DROP TABLE honour_publication_consents;
DROP TABLE commendations;
DROP TABLE volunteer_complaints;
DROP TABLE volunteer_evaluations;
