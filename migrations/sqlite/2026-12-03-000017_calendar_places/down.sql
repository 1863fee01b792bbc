ALTER TABLE users DROP COLUMN calendar_places;
