-- Cases opened per month, kept by triggers in the same transaction as the write, so that
-- reports over whole months read a few rows per branch and month instead of every case. Each
-- case counts once under each dimension: its type, the stage it has reached, whether workload
-- was a factor ('yes' or 'no'), and each workload factor named (only while workload is a factor).
-- `key_sum` is the sum of the counted cases' record keys (the evidence's perturbation needs it).
-- A case counts under the branch and employer it was opened under (employer 0 when none).
-- Reports read partial months at the ends of a period from the cases themselves.
CREATE TABLE case_monthly (
    dimension TEXT NOT NULL CHECK (dimension IN ('type', 'stage', 'workload', 'factor')),
    month TEXT NOT NULL,
    value TEXT NOT NULL,
    branch_id BIGINT NOT NULL,
    employer_id BIGINT NOT NULL,
    cases BIGINT NOT NULL,
    key_sum BIGINT NOT NULL,
    PRIMARY KEY (dimension, month, value, branch_id, employer_id)
);
CREATE INDEX case_monthly_branch ON case_monthly (branch_id, dimension, month);

-- A database that already holds cases has its summaries rebuilt from the records before the
-- server next serves (`reports::summaries::resume_if_paused`, the one rebuild there is): they
-- are paused until then, so no write in between half-counts.
INSERT INTO summaries_paused (since) SELECT CURRENT_TIMESTAMP WHERE EXISTS (SELECT 1 FROM cases);

-- Adds `delta` (1 or -1) to each row the case counts in; its factors only with `factors`.
CREATE FUNCTION case_monthly_add(c cases, delta BIGINT, factors BOOLEAN) RETURNS void AS $$
BEGIN
    INSERT INTO case_monthly (dimension, month, value, branch_id, employer_id, cases, key_sum)
    SELECT d.dimension, to_char(c.opened_on, 'YYYY-MM'), d.value, c.branch_id,
           COALESCE(c.employer_id, 0), delta, delta * c.record_key
    FROM (SELECT 'type' AS dimension, c.case_type AS value
          UNION ALL SELECT 'stage', c.stage
          UNION ALL SELECT 'workload', CASE WHEN c.workload_factor THEN 'yes' ELSE 'no' END
          UNION ALL SELECT 'factor', f.factor FROM case_workload_factors f
                    WHERE factors AND f.case_id = c.id AND c.workload_factor) d
    ON CONFLICT (dimension, month, value, branch_id, employer_id)
    DO UPDATE SET cases = case_monthly.cases + excluded.cases,
                  key_sum = case_monthly.key_sum + excluded.key_sum;
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION cases_monthly() RETURNS trigger AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM summaries_paused) THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'UPDATE' THEN
        PERFORM case_monthly_add(OLD, -1, true);
    END IF;
    PERFORM case_monthly_add(NEW, 1, true);
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

-- A removed case: its factors go first (their own trigger takes them out while the case is
-- still there to say where they counted), then its other rows.
CREATE FUNCTION cases_monthly_delete() RETURNS trigger AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM summaries_paused) THEN
        DELETE FROM case_workload_factors WHERE case_id = OLD.id;
        PERFORM case_monthly_add(OLD, -1, false);
    END IF;
    RETURN OLD;
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION case_workload_factors_monthly() RETURNS trigger AS $$
DECLARE
    row case_workload_factors;
    delta BIGINT;
BEGIN
    IF EXISTS (SELECT 1 FROM summaries_paused) THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'INSERT' THEN
        row := NEW; delta := 1;
    ELSE
        row := OLD; delta := -1;
    END IF;
    INSERT INTO case_monthly (dimension, month, value, branch_id, employer_id, cases, key_sum)
    SELECT 'factor', to_char(c.opened_on, 'YYYY-MM'), row.factor, c.branch_id,
           COALESCE(c.employer_id, 0), delta, delta * c.record_key
    FROM cases c WHERE c.id = row.case_id AND c.workload_factor
    ON CONFLICT (dimension, month, value, branch_id, employer_id)
    DO UPDATE SET cases = case_monthly.cases + excluded.cases,
                  key_sum = case_monthly.key_sum + excluded.key_sum;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER cases_monthly
AFTER INSERT OR UPDATE OF opened_on, branch_id, employer_id, case_type, stage, workload_factor, record_key ON cases
    FOR EACH ROW EXECUTE FUNCTION cases_monthly();
CREATE TRIGGER cases_monthly_delete BEFORE DELETE ON cases
    FOR EACH ROW EXECUTE FUNCTION cases_monthly_delete();
CREATE TRIGGER case_workload_factors_monthly AFTER INSERT OR DELETE ON case_workload_factors
    FOR EACH ROW EXECUTE FUNCTION case_workload_factors_monthly();
