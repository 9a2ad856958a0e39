DROP TABLE rectification_items;
DROP TABLE opinions;
DROP TABLE feedback_links;
