DROP TABLE activity_people_reached;
DROP TABLE spring_rain_deployments;
DROP TABLE spring_rain_edition_pairings;
DROP TABLE spring_rain_pairings;
DROP TABLE spring_rain_editions;
