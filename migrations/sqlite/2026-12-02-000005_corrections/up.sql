-- Corrections and authorship. A hearing has a time and a place; a deadline keeps who added it
-- and who last changed it, and when. A timeline entry corrected by its author keeps each earlier
-- version (date and text, who replaced it and when) in case_event_revisions, so the timeline
-- shows what was first written beside the correction. SQLite cannot drop a column that
-- references another table, so the user columns are checked by the application here and by
-- foreign keys on PostgreSQL.
ALTER TABLE deadlines ADD COLUMN starts_at TEXT
    CHECK (starts_at IS NULL OR (length(starts_at) = 5 AND starts_at GLOB '[0-2][0-9]:[0-5][0-9]'));
ALTER TABLE deadlines ADD COLUMN place TEXT CHECK (place IS NULL OR length(place) <= 200);
ALTER TABLE deadlines ADD COLUMN created_by BIGINT;
ALTER TABLE deadlines ADD COLUMN updated_by BIGINT;
ALTER TABLE deadlines ADD COLUMN updated_at TIMESTAMP;

CREATE TABLE case_event_revisions (
    id INTEGER PRIMARY KEY,
    event_id BIGINT NOT NULL REFERENCES case_events (id) ON DELETE CASCADE,
    occurred_on DATE NOT NULL,
    body TEXT NOT NULL,
    revised_by BIGINT REFERENCES users (id),
    revised_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX case_event_revisions_event ON case_event_revisions (event_id);
