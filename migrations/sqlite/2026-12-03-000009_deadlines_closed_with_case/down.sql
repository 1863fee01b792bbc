ALTER TABLE deadlines DROP COLUMN closed_with_case;
