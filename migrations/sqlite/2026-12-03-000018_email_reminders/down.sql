DROP TABLE digest_days;
DROP TABLE outbox;
ALTER TABLE users DROP COLUMN email_digest;
ALTER TABLE users DROP COLUMN email;
