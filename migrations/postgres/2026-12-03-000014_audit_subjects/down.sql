DROP TABLE audit_subjects;
DROP FUNCTION audit_subjects_append_only();
ALTER TABLE audit_log DROP COLUMN principal;
