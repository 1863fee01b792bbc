-- Cell-key perturbation of the evidence (docs/EVIDENCE.md): every member and every case has a
-- fixed secret record key from 0 to 4095. New rows get theirs from the application's
-- cryptographically secure generator; existing rows here from SQLite's, which is ChaCha20
-- seeded by the operating system. The key never leaves the database except as a sum modulo
-- 4096 inside the evidence code.
ALTER TABLE members ADD COLUMN record_key INTEGER NOT NULL DEFAULT 0 CHECK (record_key BETWEEN 0 AND 4095);
UPDATE members SET record_key = random() & 4095;
ALTER TABLE cases ADD COLUMN record_key INTEGER NOT NULL DEFAULT 0 CHECK (record_key BETWEEN 0 AND 4095);
UPDATE cases SET record_key = random() & 4095;

-- The grouped case counts sum the keys beside the count, still from the index alone.
DROP INDEX cases_opened_on;
CREATE INDEX cases_opened_on ON cases (opened_on, case_type, workload_factor, stage, branch_id, employer_id, record_key);
DROP INDEX cases_branch_status_opened_on;
CREATE INDEX cases_branch_status_opened_on ON cases (branch_id, status, opened_on, case_type, workload_factor, stage, employer_id, record_key);
DROP INDEX cases_closed_on;
CREATE INDEX cases_closed_on ON cases (closed_on, outcome, branch_id, record_key);

-- The distinct evidence summaries each user asked for each day, for the daily allowance.
CREATE TABLE evidence_requests (
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    day DATE NOT NULL,
    scope TEXT NOT NULL,
    from_on DATE NOT NULL,
    to_on DATE NOT NULL,
    PRIMARY KEY (user_id, day, scope, from_on, to_on)
);

INSERT INTO settings (key, value) VALUES
    ('evidence_max_noise', '2'),
    ('evidence_min_months', '3'),
    ('evidence_min_scope_members', '100'),
    ('evidence_daily_allowance', '100');
