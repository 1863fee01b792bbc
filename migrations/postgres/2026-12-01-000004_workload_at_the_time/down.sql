DELETE FROM settings WHERE key = 'evidence_lookback_days';
DROP TRIGGER members_summaries_update ON members;
CREATE TRIGGER members_summaries_update AFTER UPDATE OF branch_id, employer_id, fte ON members
    FOR EACH ROW
    WHEN (OLD.branch_id <> NEW.branch_id OR OLD.employer_id <> NEW.employer_id OR OLD.fte <> NEW.fte)
    EXECUTE FUNCTION members_summaries();
DROP TRIGGER workload_records_summaries_update ON workload_records;
CREATE TRIGGER workload_records_summaries_update AFTER UPDATE OF member_id, recorded_on, open_cases ON workload_records
    FOR EACH ROW EXECUTE FUNCTION workload_records_summaries();
CREATE OR REPLACE FUNCTION members_summaries() RETURNS trigger AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM summaries_paused) THEN
        RETURN NULL;
    END IF;
    UPDATE workload_latest SET branch_id = NEW.branch_id, employer_id = NEW.employer_id, fte = NEW.fte
    WHERE member_id = NEW.id;
    UPDATE workload_monthly s SET records = s.records - g.n
    FROM (SELECT to_char(w.recorded_on, 'YYYY-MM') AS month,
                 CAST(FLOOR(w.open_cases * 10.0 / OLD.fte + 0.5) AS BIGINT) AS bucket, COUNT(*) AS n
          FROM workload_records w WHERE w.member_id = OLD.id GROUP BY 1, 2) g
    WHERE s.branch_id = OLD.branch_id AND s.employer_id = OLD.employer_id
      AND s.month = g.month AND s.bucket = g.bucket;
    INSERT INTO workload_monthly (branch_id, employer_id, month, bucket, records)
    SELECT NEW.branch_id, NEW.employer_id, to_char(w.recorded_on, 'YYYY-MM'),
           CAST(FLOOR(w.open_cases * 10.0 / NEW.fte + 0.5) AS BIGINT), COUNT(*)
    FROM workload_records w WHERE w.member_id = NEW.id
    GROUP BY 3, 4
    ON CONFLICT (branch_id, employer_id, month, bucket)
    DO UPDATE SET records = workload_monthly.records + excluded.records;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE OR REPLACE FUNCTION workload_records_summaries() RETURNS trigger AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM summaries_paused) THEN
        RETURN NULL;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM workload_monthly_add(OLD.member_id, OLD.recorded_on, OLD.open_cases, -1);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM workload_monthly_add(NEW.member_id, NEW.recorded_on, NEW.open_cases, 1);
    END IF;
    IF TG_OP = 'INSERT' THEN
        INSERT INTO workload_latest (member_id, workload_id, recorded_on, open_cases, branch_id, employer_id, fte)
        SELECT NEW.member_id, NEW.id, NEW.recorded_on, NEW.open_cases, m.branch_id, m.employer_id, m.fte
        FROM members m WHERE m.id = NEW.member_id
        ON CONFLICT (member_id) DO UPDATE SET
            workload_id = excluded.workload_id,
            recorded_on = excluded.recorded_on,
            open_cases = excluded.open_cases
        WHERE excluded.recorded_on > workload_latest.recorded_on
           OR (excluded.recorded_on = workload_latest.recorded_on AND excluded.workload_id > workload_latest.workload_id);
    ELSIF TG_OP = 'UPDATE' THEN
        PERFORM workload_latest_refresh(OLD.member_id);
        IF NEW.member_id <> OLD.member_id THEN
            PERFORM workload_latest_refresh(NEW.member_id);
        END IF;
    ELSE
        PERFORM workload_latest_refresh(OLD.member_id);
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE OR REPLACE FUNCTION workload_latest_refresh(member BIGINT) RETURNS void AS $$
BEGIN
    DELETE FROM workload_latest WHERE member_id = member;
    INSERT INTO workload_latest (member_id, workload_id, recorded_on, open_cases, branch_id, employer_id, fte)
    SELECT m.id, w.id, w.recorded_on, w.open_cases, m.branch_id, m.employer_id, m.fte
    FROM members m JOIN workload_records w ON w.id = (
        SELECT w2.id FROM workload_records w2 WHERE w2.member_id = m.id
        ORDER BY w2.recorded_on DESC, w2.id DESC LIMIT 1)
    WHERE m.id = member;
END;
$$ LANGUAGE plpgsql;
DROP FUNCTION workload_monthly_add_record(BIGINT, BIGINT, DATE, INTEGER, DOUBLE PRECISION, BIGINT);
ALTER TABLE workload_records DROP COLUMN employer_id;
ALTER TABLE workload_records DROP COLUMN fte;
DELETE FROM workload_latest;
INSERT INTO workload_latest (member_id, workload_id, recorded_on, open_cases, branch_id, employer_id, fte)
SELECT DISTINCT ON (w.member_id) w.member_id, w.id, w.recorded_on, w.open_cases, m.branch_id, m.employer_id, m.fte
FROM workload_records w JOIN members m ON m.id = w.member_id
ORDER BY w.member_id, w.recorded_on DESC, w.id DESC;
DELETE FROM workload_monthly;
INSERT INTO workload_monthly (branch_id, employer_id, month, bucket, records)
SELECT m.branch_id, m.employer_id, to_char(w.recorded_on, 'YYYY-MM'),
       CAST(FLOOR(w.open_cases * 10.0 / m.fte + 0.5) AS BIGINT), COUNT(*)
FROM workload_records w JOIN members m ON m.id = w.member_id
GROUP BY 1, 2, 3, 4;

ALTER TABLE members DROP COLUMN left_on;
