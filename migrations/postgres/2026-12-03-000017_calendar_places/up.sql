-- Whether a user's calendar feed carries a hearing's place. Off unless its owner chooses it:
-- a place can say where a member lives or why they are at home, and calendars are synced to
-- phones and shared more loosely than caseload.
ALTER TABLE users ADD COLUMN calendar_places BOOLEAN NOT NULL DEFAULT FALSE;
