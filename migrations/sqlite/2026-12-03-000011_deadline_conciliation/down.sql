ALTER TABLE deadlines DROP COLUMN unextended_on;
ALTER TABLE deadlines DROP COLUMN acas_day_b;
ALTER TABLE deadlines DROP COLUMN acas_day_a;
ALTER TABLE deadlines DROP COLUMN counted_from;
