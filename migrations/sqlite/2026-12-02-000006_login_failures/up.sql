-- Failed sign-in attempts, kept in the database so that every process serving one database sees
-- the same throttle (one kept in a process's memory could be doubled by alternating between two).
-- `key` is a fixed-size hash of the username or of the client address, never the text itself.
-- Rows older than the throttle's window are deleted as new attempts come.
CREATE TABLE login_failures (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL CHECK (length(key) <= 64),
    at TIMESTAMP NOT NULL
);
CREATE INDEX login_failures_key_at ON login_failures (key, at);
CREATE INDEX login_failures_at ON login_failures (at);
