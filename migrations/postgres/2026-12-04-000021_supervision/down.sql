ALTER TABLE employers DROP COLUMN supervision_regular_days_override;
DELETE FROM settings WHERE key = 'supervision_regular_days';
DROP TABLE supervision_records;
