DROP TABLE case_event_revisions;
ALTER TABLE deadlines DROP COLUMN updated_at;
ALTER TABLE deadlines DROP COLUMN updated_by;
ALTER TABLE deadlines DROP COLUMN created_by;
ALTER TABLE deadlines DROP COLUMN place;
ALTER TABLE deadlines DROP COLUMN starts_at;
