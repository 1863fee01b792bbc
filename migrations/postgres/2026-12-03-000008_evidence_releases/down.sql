DELETE FROM settings WHERE key IN ('evidence_settling_days', 'evidence_min_group');
INSERT INTO settings (key, value) VALUES
    ('evidence_min_months', '3'),
    ('evidence_daily_allowance', '100');
CREATE TABLE evidence_requests (
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    day DATE NOT NULL,
    scope TEXT NOT NULL,
    from_on DATE NOT NULL,
    to_on DATE NOT NULL,
    PRIMARY KEY (user_id, day, scope, from_on, to_on)
);
DROP TABLE evidence_releases;
