-- Evidence is published as releases (docs/EVIDENCE.md): one per scope and period from a fixed
-- menu, computed once and stored with the settings it was made with. Every later request, in
-- any format, is answered from the stored body, so that no write, setting change or restart
-- can draw fresh noise over a published period. A release is never recomputed in place; an
-- administrator may withdraw one, with a reason that is shown in its place.
CREATE TABLE evidence_releases (
    id INTEGER PRIMARY KEY,
    scope TEXT NOT NULL CHECK (length(scope) <= 40),
    period TEXT NOT NULL CHECK (length(period) <= 20),
    published_at TIMESTAMP NOT NULL,
    body TEXT NOT NULL,
    withdrawn_at TIMESTAMP,
    withdrawn_by BIGINT REFERENCES users (id),
    withdrawn_reason TEXT CHECK (length(withdrawn_reason) <= 500),
    UNIQUE (scope, period)
);

-- The daily allowance of distinct summaries guarded a free query space; the space is now a
-- fixed menu of frozen releases, so repeating or combining requests gains nothing.
DROP TABLE evidence_requests;
DELETE FROM settings WHERE key IN ('evidence_daily_allowance', 'evidence_min_months');
INSERT INTO settings (key, value) VALUES
    ('evidence_settling_days', '30'),
    ('evidence_min_group', '10');
