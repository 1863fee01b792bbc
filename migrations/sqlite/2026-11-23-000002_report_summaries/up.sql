-- Summaries for dashboards and evidence, kept right by triggers in the same transaction as the
-- write that changes them, so every writer (API, pages, import, seed, demo, erasure) agrees with
-- them. Reports read these instead of every workload record.

-- A case counts under the employer its member had when it was opened, as it counts under the
-- branch that opened it (the application sets both when it creates the case).
ALTER TABLE cases ADD COLUMN employer_id BIGINT REFERENCES employers (id);
UPDATE cases SET employer_id = (SELECT m.employer_id FROM members m WHERE m.id = cases.member_id);

-- Indexes that answer the grouped case counts on their own, in the order they group by.
DROP INDEX cases_opened_on;
DROP INDEX cases_type_opened_on;
CREATE INDEX cases_opened_on ON cases (opened_on, case_type, workload_factor, stage, branch_id, employer_id);
DROP INDEX cases_branch_status_opened_on;
CREATE INDEX cases_branch_status_opened_on ON cases (branch_id, status, opened_on, case_type, workload_factor, stage, employer_id);
CREATE INDEX cases_closed_on ON cases (closed_on, outcome, branch_id);
CREATE INDEX members_branch_employer ON members (branch_id, employer_id);
DROP INDEX cases_member_id;
CREATE INDEX cases_member_id ON cases (member_id, opened_on, case_type);
-- A member's record on a past date, read from the index alone.
DROP INDEX workload_records_member_recorded_on;
CREATE INDEX workload_records_member_recorded_on ON workload_records (member_id, recorded_on, id, open_cases);

-- Each member's latest workload record (latest date, then latest entry), with the member's
-- branch, employer and FTE.
CREATE TABLE workload_latest (
    member_id INTEGER PRIMARY KEY REFERENCES members (id) ON DELETE CASCADE,
    workload_id BIGINT NOT NULL,
    recorded_on DATE NOT NULL,
    open_cases INTEGER NOT NULL,
    branch_id BIGINT NOT NULL,
    employer_id BIGINT NOT NULL,
    fte REAL NOT NULL
);
CREATE INDEX workload_latest_groups ON workload_latest (branch_id, employer_id, open_cases, fte, recorded_on);
CREATE INDEX workload_latest_recorded_on ON workload_latest (recorded_on);

-- Workload records per calendar month by caseload per FTE in tenths (the member's current
-- branch, employer and FTE), for monthly medians.
CREATE TABLE workload_monthly (
    branch_id BIGINT NOT NULL,
    employer_id BIGINT NOT NULL,
    month TEXT NOT NULL,
    bucket BIGINT NOT NULL,
    records BIGINT NOT NULL,
    PRIMARY KEY (branch_id, employer_id, month, bucket)
);
CREATE INDEX workload_monthly_month ON workload_monthly (month, bucket, records);

INSERT INTO workload_latest (member_id, workload_id, recorded_on, open_cases, branch_id, employer_id, fte)
SELECT m.id, w.id, w.recorded_on, w.open_cases, m.branch_id, m.employer_id, m.fte
FROM members m JOIN workload_records w ON w.id = (
    SELECT w2.id FROM workload_records w2 WHERE w2.member_id = m.id
    ORDER BY w2.recorded_on DESC, w2.id DESC LIMIT 1);

INSERT INTO workload_monthly (branch_id, employer_id, month, bucket, records)
SELECT m.branch_id, m.employer_id, strftime('%Y-%m', w.recorded_on),
       CAST(ROUND(w.open_cases * 10.0 / m.fte) AS BIGINT), COUNT(*)
FROM workload_records w JOIN members m ON m.id = w.member_id
GROUP BY 1, 2, 3, 4;

-- `caseload seed` pauses the triggers while it bulk-loads a new database (a row here), then
-- rebuilds both summaries from the records and removes the row, in one transaction.
CREATE TABLE summaries_paused (since TIMESTAMP NOT NULL);

CREATE TRIGGER workload_records_summaries_insert AFTER INSERT ON workload_records
WHEN NOT EXISTS (SELECT 1 FROM summaries_paused)
BEGIN
    INSERT INTO workload_monthly (branch_id, employer_id, month, bucket, records)
    SELECT m.branch_id, m.employer_id, strftime('%Y-%m', NEW.recorded_on),
           CAST(ROUND(NEW.open_cases * 10.0 / m.fte) AS BIGINT), 1
    FROM members m WHERE m.id = NEW.member_id
    ON CONFLICT (branch_id, employer_id, month, bucket) DO UPDATE SET records = records + 1;
    INSERT INTO workload_latest (member_id, workload_id, recorded_on, open_cases, branch_id, employer_id, fte)
    SELECT NEW.member_id, NEW.id, NEW.recorded_on, NEW.open_cases, m.branch_id, m.employer_id, m.fte
    FROM members m WHERE m.id = NEW.member_id
    ON CONFLICT (member_id) DO UPDATE SET
        workload_id = excluded.workload_id,
        recorded_on = excluded.recorded_on,
        open_cases = excluded.open_cases
    WHERE excluded.recorded_on > workload_latest.recorded_on
       OR (excluded.recorded_on = workload_latest.recorded_on AND excluded.workload_id > workload_latest.workload_id);
END;

-- An edited or removed record: take the old one out of its month, put the new one in, and
-- look the member's latest record up again.
CREATE TRIGGER workload_records_summaries_update AFTER UPDATE OF member_id, recorded_on, open_cases ON workload_records
WHEN NOT EXISTS (SELECT 1 FROM summaries_paused)
BEGIN
    UPDATE workload_monthly SET records = records - 1
    WHERE (branch_id, employer_id, month, bucket) = (
        SELECT m.branch_id, m.employer_id, strftime('%Y-%m', OLD.recorded_on),
               CAST(ROUND(OLD.open_cases * 10.0 / m.fte) AS BIGINT)
        FROM members m WHERE m.id = OLD.member_id);
    INSERT INTO workload_monthly (branch_id, employer_id, month, bucket, records)
    SELECT m.branch_id, m.employer_id, strftime('%Y-%m', NEW.recorded_on),
           CAST(ROUND(NEW.open_cases * 10.0 / m.fte) AS BIGINT), 1
    FROM members m WHERE m.id = NEW.member_id
    ON CONFLICT (branch_id, employer_id, month, bucket) DO UPDATE SET records = records + 1;
    DELETE FROM workload_latest WHERE member_id IN (OLD.member_id, NEW.member_id);
    INSERT INTO workload_latest (member_id, workload_id, recorded_on, open_cases, branch_id, employer_id, fte)
    SELECT m.id, w.id, w.recorded_on, w.open_cases, m.branch_id, m.employer_id, m.fte
    FROM members m JOIN workload_records w ON w.id = (
        SELECT w2.id FROM workload_records w2 WHERE w2.member_id = m.id
        ORDER BY w2.recorded_on DESC, w2.id DESC LIMIT 1)
    WHERE m.id IN (OLD.member_id, NEW.member_id);
END;

CREATE TRIGGER workload_records_summaries_delete AFTER DELETE ON workload_records
WHEN NOT EXISTS (SELECT 1 FROM summaries_paused)
BEGIN
    UPDATE workload_monthly SET records = records - 1
    WHERE (branch_id, employer_id, month, bucket) = (
        SELECT m.branch_id, m.employer_id, strftime('%Y-%m', OLD.recorded_on),
               CAST(ROUND(OLD.open_cases * 10.0 / m.fte) AS BIGINT)
        FROM members m WHERE m.id = OLD.member_id);
    DELETE FROM workload_latest WHERE member_id = OLD.member_id;
    INSERT INTO workload_latest (member_id, workload_id, recorded_on, open_cases, branch_id, employer_id, fte)
    SELECT m.id, w.id, w.recorded_on, w.open_cases, m.branch_id, m.employer_id, m.fte
    FROM members m JOIN workload_records w ON w.id = (
        SELECT w2.id FROM workload_records w2 WHERE w2.member_id = m.id
        ORDER BY w2.recorded_on DESC, w2.id DESC LIMIT 1)
    WHERE m.id = OLD.member_id;
END;

-- A member moving branch or employer, or changing FTE, moves all their records with them.
CREATE TRIGGER members_summaries_update AFTER UPDATE OF branch_id, employer_id, fte ON members
WHEN (OLD.branch_id <> NEW.branch_id OR OLD.employer_id <> NEW.employer_id OR OLD.fte <> NEW.fte)
 AND NOT EXISTS (SELECT 1 FROM summaries_paused)
BEGIN
    UPDATE workload_latest SET branch_id = NEW.branch_id, employer_id = NEW.employer_id, fte = NEW.fte
    WHERE member_id = NEW.id;
    UPDATE workload_monthly SET records = records - (
        SELECT COUNT(*) FROM workload_records w
        WHERE w.member_id = OLD.id
          AND strftime('%Y-%m', w.recorded_on) = workload_monthly.month
          AND CAST(ROUND(w.open_cases * 10.0 / OLD.fte) AS BIGINT) = workload_monthly.bucket)
    WHERE branch_id = OLD.branch_id AND employer_id = OLD.employer_id
      AND (month, bucket) IN (
        SELECT strftime('%Y-%m', w.recorded_on), CAST(ROUND(w.open_cases * 10.0 / OLD.fte) AS BIGINT)
        FROM workload_records w WHERE w.member_id = OLD.id);
    INSERT INTO workload_monthly (branch_id, employer_id, month, bucket, records)
    SELECT NEW.branch_id, NEW.employer_id, strftime('%Y-%m', w.recorded_on),
           CAST(ROUND(w.open_cases * 10.0 / NEW.fte) AS BIGINT), COUNT(*)
    FROM workload_records w WHERE w.member_id = NEW.id
    GROUP BY 3, 4
    ON CONFLICT (branch_id, employer_id, month, bucket) DO UPDATE SET records = records + excluded.records;
END;
