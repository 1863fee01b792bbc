-- An outcome can be recorded while a case is still open ("Dismissal — appeal pending"), on the
-- day it was given: the appeal window and the tribunal limitation date run from it. Outcomes
-- recorded before this were recorded by closing, on the day the case closed.
ALTER TABLE cases ADD COLUMN outcome_on DATE;
UPDATE cases SET outcome_on = closed_on WHERE outcome IS NOT NULL;
