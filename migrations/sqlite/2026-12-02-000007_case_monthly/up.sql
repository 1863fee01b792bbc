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

CREATE TRIGGER cases_monthly_insert AFTER INSERT ON cases
WHEN NOT EXISTS (SELECT 1 FROM summaries_paused)
BEGIN
    INSERT INTO case_monthly (dimension, month, value, branch_id, employer_id, cases, key_sum)
    SELECT d.dimension, strftime('%Y-%m', NEW.opened_on), d.value, NEW.branch_id,
           COALESCE(NEW.employer_id, 0), 1, NEW.record_key
    FROM (SELECT 'type' AS dimension, NEW.case_type AS value
          UNION ALL SELECT 'stage', NEW.stage
          UNION ALL SELECT 'workload', CASE WHEN NEW.workload_factor THEN 'yes' ELSE 'no' END) d
    WHERE true
    ON CONFLICT (dimension, month, value, branch_id, employer_id)
    DO UPDATE SET cases = cases + 1, key_sum = key_sum + excluded.key_sum;
END;

-- A changed case leaves its old rows (factors included) and joins its new ones.
CREATE TRIGGER cases_monthly_update
AFTER UPDATE OF opened_on, branch_id, employer_id, case_type, stage, workload_factor, record_key ON cases
WHEN NOT EXISTS (SELECT 1 FROM summaries_paused)
BEGIN
    INSERT INTO case_monthly (dimension, month, value, branch_id, employer_id, cases, key_sum)
    SELECT d.dimension, strftime('%Y-%m', OLD.opened_on), d.value, OLD.branch_id,
           COALESCE(OLD.employer_id, 0), -1, -OLD.record_key
    FROM (SELECT 'type' AS dimension, OLD.case_type AS value
          UNION ALL SELECT 'stage', OLD.stage
          UNION ALL SELECT 'workload', CASE WHEN OLD.workload_factor THEN 'yes' ELSE 'no' END
          UNION ALL SELECT 'factor', f.factor FROM case_workload_factors f
                    WHERE f.case_id = OLD.id AND OLD.workload_factor) d
    WHERE true
    ON CONFLICT (dimension, month, value, branch_id, employer_id)
    DO UPDATE SET cases = cases - 1, key_sum = key_sum + excluded.key_sum;
    INSERT INTO case_monthly (dimension, month, value, branch_id, employer_id, cases, key_sum)
    SELECT d.dimension, strftime('%Y-%m', NEW.opened_on), d.value, NEW.branch_id,
           COALESCE(NEW.employer_id, 0), 1, NEW.record_key
    FROM (SELECT 'type' AS dimension, NEW.case_type AS value
          UNION ALL SELECT 'stage', NEW.stage
          UNION ALL SELECT 'workload', CASE WHEN NEW.workload_factor THEN 'yes' ELSE 'no' END
          UNION ALL SELECT 'factor', f.factor FROM case_workload_factors f
                    WHERE f.case_id = NEW.id AND NEW.workload_factor) d
    WHERE true
    ON CONFLICT (dimension, month, value, branch_id, employer_id)
    DO UPDATE SET cases = cases + 1, key_sum = key_sum + excluded.key_sum;
END;

-- A removed case: its factors go first (their own trigger takes them out while the case is
-- still there to say where they counted), then its other rows.
CREATE TRIGGER cases_monthly_delete BEFORE DELETE ON cases
WHEN NOT EXISTS (SELECT 1 FROM summaries_paused)
BEGIN
    DELETE FROM case_workload_factors WHERE case_id = OLD.id;
    INSERT INTO case_monthly (dimension, month, value, branch_id, employer_id, cases, key_sum)
    SELECT d.dimension, strftime('%Y-%m', OLD.opened_on), d.value, OLD.branch_id,
           COALESCE(OLD.employer_id, 0), -1, -OLD.record_key
    FROM (SELECT 'type' AS dimension, OLD.case_type AS value
          UNION ALL SELECT 'stage', OLD.stage
          UNION ALL SELECT 'workload', CASE WHEN OLD.workload_factor THEN 'yes' ELSE 'no' END) d
    WHERE true
    ON CONFLICT (dimension, month, value, branch_id, employer_id)
    DO UPDATE SET cases = cases - 1, key_sum = key_sum + excluded.key_sum;
END;

CREATE TRIGGER case_workload_factors_monthly_insert AFTER INSERT ON case_workload_factors
WHEN NOT EXISTS (SELECT 1 FROM summaries_paused)
BEGIN
    INSERT INTO case_monthly (dimension, month, value, branch_id, employer_id, cases, key_sum)
    SELECT 'factor', strftime('%Y-%m', c.opened_on), NEW.factor, c.branch_id,
           COALESCE(c.employer_id, 0), 1, c.record_key
    FROM cases c WHERE c.id = NEW.case_id AND c.workload_factor
    ON CONFLICT (dimension, month, value, branch_id, employer_id)
    DO UPDATE SET cases = cases + 1, key_sum = key_sum + excluded.key_sum;
END;

CREATE TRIGGER case_workload_factors_monthly_delete AFTER DELETE ON case_workload_factors
WHEN NOT EXISTS (SELECT 1 FROM summaries_paused)
BEGIN
    INSERT INTO case_monthly (dimension, month, value, branch_id, employer_id, cases, key_sum)
    SELECT 'factor', strftime('%Y-%m', c.opened_on), OLD.factor, c.branch_id,
           COALESCE(c.employer_id, 0), -1, -c.record_key
    FROM cases c WHERE c.id = OLD.case_id AND c.workload_factor
    ON CONFLICT (dimension, month, value, branch_id, employer_id)
    DO UPDATE SET cases = cases - 1, key_sum = key_sum + excluded.key_sum;
END;
