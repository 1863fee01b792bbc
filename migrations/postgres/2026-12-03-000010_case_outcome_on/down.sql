ALTER TABLE cases DROP COLUMN outcome_on;
