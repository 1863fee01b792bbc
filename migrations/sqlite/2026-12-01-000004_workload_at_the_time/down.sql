DELETE FROM settings WHERE key = 'evidence_lookback_days';
DROP TRIGGER members_summaries_update;
DROP TRIGGER workload_records_summaries_delete;
DROP TRIGGER workload_records_summaries_update;
DROP TRIGGER workload_records_summaries_insert;

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

ALTER TABLE workload_records DROP COLUMN employer_id;
ALTER TABLE workload_records DROP COLUMN fte;
DELETE FROM workload_latest;
INSERT INTO workload_latest (member_id, workload_id, recorded_on, open_cases, branch_id, employer_id, fte)
SELECT m.id, w.id, w.recorded_on, w.open_cases, m.branch_id, m.employer_id, m.fte
FROM members m JOIN workload_records w ON w.id = (
    SELECT w2.id FROM workload_records w2 WHERE w2.member_id = m.id
    ORDER BY w2.recorded_on DESC, w2.id DESC LIMIT 1);
DELETE FROM workload_monthly;
INSERT INTO workload_monthly (branch_id, employer_id, month, bucket, records)
SELECT m.branch_id, m.employer_id, strftime('%Y-%m', w.recorded_on),
       CAST(ROUND(w.open_cases * 10.0 / m.fte) AS BIGINT), COUNT(*)
FROM workload_records w JOIN members m ON m.id = w.member_id
GROUP BY 1, 2, 3, 4;

ALTER TABLE members DROP COLUMN left_on;
