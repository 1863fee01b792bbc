-- Email reminders. A user's address (set by an administrator) and whether they chose the
-- morning digest (off unless they do).
ALTER TABLE users ADD COLUMN email TEXT CHECK (email IS NULL OR length(email) BETWEEN 3 AND 254);
ALTER TABLE users ADD COLUMN email_digest BOOLEAN NOT NULL DEFAULT FALSE;

-- The outbox: each message to send, claimed in a transaction before it is sent, so that it
-- goes once however many processes deliver. `dedupe_key` makes a message (a user's digest of a
-- day, a notice of one referral) exist once. `payload` holds case references, deadline kinds
-- and dates only, never a name or case text; it is emptied once the message is sent or given
-- up, and the row is deleted after 30 days. The address is read from `users` when sending.
CREATE TABLE outbox (
    id BIGSERIAL PRIMARY KEY,
    dedupe_key TEXT NOT NULL UNIQUE,
    user_id BIGINT NOT NULL REFERENCES users (id),
    kind TEXT NOT NULL CHECK (kind IN ('digest', 'referred', 'taken')),
    items INTEGER NOT NULL,
    payload TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'interrupted')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    claimed_until TIMESTAMP,
    last_error TEXT,
    created_at TIMESTAMP NOT NULL,
    sent_at TIMESTAMP
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);

-- The days whose digests have all been queued, so that a restart does not queue them again.
CREATE TABLE digest_days (
    day DATE PRIMARY KEY,
    queued_at TIMESTAMP NOT NULL
);
