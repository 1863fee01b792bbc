-- Membership dates: a member may have left (the union or the employer). Denominators of the
-- evidence count members in membership on a date.
ALTER TABLE members ADD COLUMN left_on DATE CHECK (left_on IS NULL OR start_date IS NULL OR left_on >= start_date);

-- Workload at the time: a record keeps the FTE and the employer the member had when it was
-- taken, so that a later change of hours or of employer rewrites no past caseload, threshold or
-- exposure. Existing records take the member's present values (the best there is). The
-- application always sets both (from the member when a record does not give them); SQLite
-- cannot drop a column that references another table, so the employer is checked by the
-- application here and by a foreign key on PostgreSQL.
ALTER TABLE workload_records ADD COLUMN fte REAL CHECK (fte > 0 AND fte <= 1.5);
ALTER TABLE workload_records ADD COLUMN employer_id BIGINT;
UPDATE workload_records SET
    fte = (SELECT m.fte FROM members m WHERE m.id = workload_records.member_id),
    employer_id = (SELECT m.employer_id FROM members m WHERE m.id = workload_records.member_id);

-- The summaries now take FTE and employer from the record; only a move of branch moves a
-- member's records.
DROP TRIGGER members_summaries_update;
DROP TRIGGER workload_records_summaries_delete;
DROP TRIGGER workload_records_summaries_update;
DROP TRIGGER workload_records_summaries_insert;

CREATE TRIGGER workload_records_summaries_insert AFTER INSERT ON workload_records
WHEN NOT EXISTS (SELECT 1 FROM summaries_paused)
BEGIN
    INSERT INTO workload_monthly (branch_id, employer_id, month, bucket, records)
    SELECT m.branch_id, NEW.employer_id, strftime('%Y-%m', NEW.recorded_on),
           CAST(ROUND(NEW.open_cases * 10.0 / NEW.fte) AS BIGINT), 1
    FROM members m WHERE m.id = NEW.member_id
    ON CONFLICT (branch_id, employer_id, month, bucket) DO UPDATE SET records = records + 1;
    INSERT INTO workload_latest (member_id, workload_id, recorded_on, open_cases, branch_id, employer_id, fte)
    SELECT NEW.member_id, NEW.id, NEW.recorded_on, NEW.open_cases, m.branch_id, NEW.employer_id, NEW.fte
    FROM members m WHERE m.id = NEW.member_id
    ON CONFLICT (member_id) DO UPDATE SET
        workload_id = excluded.workload_id,
        recorded_on = excluded.recorded_on,
        open_cases = excluded.open_cases,
        employer_id = excluded.employer_id,
        fte = excluded.fte
    WHERE excluded.recorded_on > workload_latest.recorded_on
       OR (excluded.recorded_on = workload_latest.recorded_on AND excluded.workload_id > workload_latest.workload_id);
END;

CREATE TRIGGER workload_records_summaries_update AFTER UPDATE OF member_id, recorded_on, open_cases, fte, employer_id ON workload_records
WHEN NOT EXISTS (SELECT 1 FROM summaries_paused)
BEGIN
    UPDATE workload_monthly SET records = records - 1
    WHERE (branch_id, employer_id, month, bucket) = (
        SELECT m.branch_id, OLD.employer_id, strftime('%Y-%m', OLD.recorded_on),
               CAST(ROUND(OLD.open_cases * 10.0 / OLD.fte) AS BIGINT)
        FROM members m WHERE m.id = OLD.member_id);
    INSERT INTO workload_monthly (branch_id, employer_id, month, bucket, records)
    SELECT m.branch_id, NEW.employer_id, strftime('%Y-%m', NEW.recorded_on),
           CAST(ROUND(NEW.open_cases * 10.0 / NEW.fte) AS BIGINT), 1
    FROM members m WHERE m.id = NEW.member_id
    ON CONFLICT (branch_id, employer_id, month, bucket) DO UPDATE SET records = records + 1;
    DELETE FROM workload_latest WHERE member_id IN (OLD.member_id, NEW.member_id);
    INSERT INTO workload_latest (member_id, workload_id, recorded_on, open_cases, branch_id, employer_id, fte)
    SELECT m.id, w.id, w.recorded_on, w.open_cases, m.branch_id, w.employer_id, w.fte
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
        SELECT m.branch_id, OLD.employer_id, strftime('%Y-%m', OLD.recorded_on),
               CAST(ROUND(OLD.open_cases * 10.0 / OLD.fte) AS BIGINT)
        FROM members m WHERE m.id = OLD.member_id);
    DELETE FROM workload_latest WHERE member_id = OLD.member_id;
    INSERT INTO workload_latest (member_id, workload_id, recorded_on, open_cases, branch_id, employer_id, fte)
    SELECT m.id, w.id, w.recorded_on, w.open_cases, m.branch_id, w.employer_id, w.fte
    FROM members m JOIN workload_records w ON w.id = (
        SELECT w2.id FROM workload_records w2 WHERE w2.member_id = m.id
        ORDER BY w2.recorded_on DESC, w2.id DESC LIMIT 1)
    WHERE m.id = OLD.member_id;
END;

CREATE TRIGGER members_summaries_update AFTER UPDATE OF branch_id ON members
WHEN OLD.branch_id <> NEW.branch_id AND NOT EXISTS (SELECT 1 FROM summaries_paused)
BEGIN
    UPDATE workload_latest SET branch_id = NEW.branch_id WHERE member_id = NEW.id;
    UPDATE workload_monthly SET records = records - (
        SELECT COUNT(*) FROM workload_records w
        WHERE w.member_id = OLD.id
          AND w.employer_id = workload_monthly.employer_id
          AND strftime('%Y-%m', w.recorded_on) = workload_monthly.month
          AND CAST(ROUND(w.open_cases * 10.0 / w.fte) AS BIGINT) = workload_monthly.bucket)
    WHERE branch_id = OLD.branch_id
      AND (employer_id, month, bucket) IN (
        SELECT w.employer_id, strftime('%Y-%m', w.recorded_on), CAST(ROUND(w.open_cases * 10.0 / w.fte) AS BIGINT)
        FROM workload_records w WHERE w.member_id = OLD.id);
    INSERT INTO workload_monthly (branch_id, employer_id, month, bucket, records)
    SELECT NEW.branch_id, w.employer_id, strftime('%Y-%m', w.recorded_on),
           CAST(ROUND(w.open_cases * 10.0 / w.fte) AS BIGINT), COUNT(*)
    FROM workload_records w WHERE w.member_id = NEW.id
    GROUP BY 2, 3, 4
    ON CONFLICT (branch_id, employer_id, month, bucket) DO UPDATE SET records = records + excluded.records;
END;

-- The summaries again from the records.
DELETE FROM workload_latest;
INSERT INTO workload_latest (member_id, workload_id, recorded_on, open_cases, branch_id, employer_id, fte)
SELECT m.id, w.id, w.recorded_on, w.open_cases, m.branch_id, w.employer_id, w.fte
FROM members m JOIN workload_records w ON w.id = (
    SELECT w2.id FROM workload_records w2 WHERE w2.member_id = m.id
    ORDER BY w2.recorded_on DESC, w2.id DESC LIMIT 1);
DELETE FROM workload_monthly;
INSERT INTO workload_monthly (branch_id, employer_id, month, bucket, records)
SELECT m.branch_id, w.employer_id, strftime('%Y-%m', w.recorded_on),
       CAST(ROUND(w.open_cases * 10.0 / w.fte) AS BIGINT), COUNT(*)
FROM workload_records w JOIN members m ON m.id = w.member_id
GROUP BY 1, 2, 3, 4;

-- Exposure at a period's start is the latest workload record within this many days before it.
INSERT INTO settings (key, value) VALUES ('evidence_lookback_days', '183');
