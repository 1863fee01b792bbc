DROP TRIGGER case_workload_factors_monthly ON case_workload_factors;
DROP TRIGGER cases_monthly_delete ON cases;
DROP TRIGGER cases_monthly ON cases;
DROP FUNCTION case_workload_factors_monthly();
DROP FUNCTION cases_monthly_delete();
DROP FUNCTION cases_monthly();
DROP FUNCTION case_monthly_add(cases, BIGINT, BOOLEAN);
DROP TABLE case_monthly;
