-- A computed deadline keeps the date it was counted from; a tribunal limitation date keeps the
-- ACAS early conciliation certificate's Day A and Day B and the limit it had without them
-- (Employment Rights Act 1996 s.207B; docs/RULES.md).
ALTER TABLE deadlines ADD COLUMN counted_from DATE;
ALTER TABLE deadlines ADD COLUMN acas_day_a DATE;
ALTER TABLE deadlines ADD COLUMN acas_day_b DATE;
ALTER TABLE deadlines ADD COLUMN unextended_on DATE;
