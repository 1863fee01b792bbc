-- Membership dates: a member may have left (the union or the employer). Denominators of the
-- evidence count members in membership on a date.
ALTER TABLE members ADD COLUMN left_on DATE CHECK (left_on IS NULL OR start_date IS NULL OR left_on >= start_date);

-- Workload at the time: a record keeps the FTE and the employer the member had when it was
-- taken, so that a later change of hours or of employer rewrites no past caseload, threshold or
-- exposure. Existing records take the member's present values (the best there is). The
-- application always sets both (from the member when a record does not give them).
ALTER TABLE workload_records ADD COLUMN fte DOUBLE PRECISION CHECK (fte > 0 AND fte <= 1.5);
ALTER TABLE workload_records ADD COLUMN employer_id BIGINT REFERENCES employers (id);
UPDATE workload_records w SET fte = m.fte, employer_id = m.employer_id
FROM members m WHERE m.id = w.member_id;

-- The summaries now take FTE and employer from the record; only a move of branch moves a
-- member's records.
CREATE OR REPLACE FUNCTION workload_latest_refresh(member BIGINT) RETURNS void AS $$
BEGIN
    DELETE FROM workload_latest WHERE member_id = member;
    INSERT INTO workload_latest (member_id, workload_id, recorded_on, open_cases, branch_id, employer_id, fte)
    SELECT m.id, w.id, w.recorded_on, w.open_cases, m.branch_id, w.employer_id, w.fte
    FROM members m JOIN workload_records w ON w.id = (
        SELECT w2.id FROM workload_records w2 WHERE w2.member_id = m.id
        ORDER BY w2.recorded_on DESC, w2.id DESC LIMIT 1)
    WHERE m.id = member;
END;
$$ LANGUAGE plpgsql;

-- Adds `delta` records to the month and bucket of one record.
CREATE FUNCTION workload_monthly_add_record(member BIGINT, employer BIGINT, recorded DATE,
        open_count INTEGER, record_fte DOUBLE PRECISION, delta BIGINT) RETURNS void AS $$
BEGIN
    INSERT INTO workload_monthly (branch_id, employer_id, month, bucket, records)
    SELECT m.branch_id, employer, to_char(recorded, 'YYYY-MM'),
           CAST(FLOOR(open_count * 10.0 / record_fte + 0.5) AS BIGINT), delta
    FROM members m WHERE m.id = member
    ON CONFLICT (branch_id, employer_id, month, bucket)
    DO UPDATE SET records = workload_monthly.records + excluded.records;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION workload_records_summaries() RETURNS trigger AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM summaries_paused) THEN
        RETURN NULL;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM workload_monthly_add_record(OLD.member_id, OLD.employer_id, OLD.recorded_on, OLD.open_cases, OLD.fte, -1);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM workload_monthly_add_record(NEW.member_id, NEW.employer_id, NEW.recorded_on, NEW.open_cases, NEW.fte, 1);
    END IF;
    IF TG_OP = 'INSERT' THEN
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

DROP TRIGGER workload_records_summaries_update ON workload_records;
CREATE TRIGGER workload_records_summaries_update AFTER UPDATE OF member_id, recorded_on, open_cases, fte, employer_id ON workload_records
    FOR EACH ROW EXECUTE FUNCTION workload_records_summaries();

CREATE OR REPLACE FUNCTION members_summaries() RETURNS trigger AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM summaries_paused) THEN
        RETURN NULL;
    END IF;
    UPDATE workload_latest SET branch_id = NEW.branch_id WHERE member_id = NEW.id;
    UPDATE workload_monthly s SET records = s.records - g.n
    FROM (SELECT w.employer_id AS employer_id, to_char(w.recorded_on, 'YYYY-MM') AS month,
                 CAST(FLOOR(w.open_cases * 10.0 / w.fte + 0.5) AS BIGINT) AS bucket, COUNT(*) AS n
          FROM workload_records w WHERE w.member_id = OLD.id GROUP BY 1, 2, 3) g
    WHERE s.branch_id = OLD.branch_id AND s.employer_id = g.employer_id
      AND s.month = g.month AND s.bucket = g.bucket;
    INSERT INTO workload_monthly (branch_id, employer_id, month, bucket, records)
    SELECT NEW.branch_id, w.employer_id, to_char(w.recorded_on, 'YYYY-MM'),
           CAST(FLOOR(w.open_cases * 10.0 / w.fte + 0.5) AS BIGINT), COUNT(*)
    FROM workload_records w WHERE w.member_id = NEW.id
    GROUP BY 2, 3, 4
    ON CONFLICT (branch_id, employer_id, month, bucket)
    DO UPDATE SET records = workload_monthly.records + excluded.records;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER members_summaries_update ON members;
CREATE TRIGGER members_summaries_update AFTER UPDATE OF branch_id ON members
    FOR EACH ROW
    WHEN (OLD.branch_id <> NEW.branch_id)
    EXECUTE FUNCTION members_summaries();

-- The summaries again from the records.
DELETE FROM workload_latest;
INSERT INTO workload_latest (member_id, workload_id, recorded_on, open_cases, branch_id, employer_id, fte)
SELECT DISTINCT ON (w.member_id) w.member_id, w.id, w.recorded_on, w.open_cases, m.branch_id, w.employer_id, w.fte
FROM workload_records w JOIN members m ON m.id = w.member_id
ORDER BY w.member_id, w.recorded_on DESC, w.id DESC;
DELETE FROM workload_monthly;
INSERT INTO workload_monthly (branch_id, employer_id, month, bucket, records)
SELECT m.branch_id, w.employer_id, to_char(w.recorded_on, 'YYYY-MM'),
       CAST(FLOOR(w.open_cases * 10.0 / w.fte + 0.5) AS BIGINT), COUNT(*)
FROM workload_records w JOIN members m ON m.id = w.member_id
GROUP BY 1, 2, 3, 4;

-- Exposure at a period's start is the latest workload record within this many days before it.
INSERT INTO settings (key, value) VALUES ('evidence_lookback_days', '183');
