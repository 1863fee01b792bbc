DROP TRIGGER case_workload_factors_monthly_delete;
DROP TRIGGER case_workload_factors_monthly_insert;
DROP TRIGGER cases_monthly_delete;
DROP TRIGGER cases_monthly_update;
DROP TRIGGER cases_monthly_insert;
DROP TABLE case_monthly;
