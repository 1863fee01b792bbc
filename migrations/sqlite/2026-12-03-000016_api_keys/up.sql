-- Long-lived API keys for integrations (a membership system, a regional spreadsheet): issued by
-- an administrator to a user account made for the integration, which gives the key its role
-- and scope. Only the key's SHA-256 hash is kept (the key is shown once); a revoked key stays,
-- with when it was revoked, so the audit trail can name it.
CREATE TABLE api_keys (
    id INTEGER PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id),
    name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    secret_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    created_by BIGINT NOT NULL REFERENCES users (id),
    revoked_at TIMESTAMP
);
CREATE INDEX api_keys_user ON api_keys (user_id);
