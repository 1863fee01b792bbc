-- Closing a case closes its hearings and other deadlines, and marks them, so that reopening
-- the case reopens exactly those. Appeal windows and tribunal limitation dates stay live after
-- a case closes (an appeal or a claim follows the outcome): docs/RULES.md.
ALTER TABLE deadlines ADD COLUMN closed_with_case BOOLEAN NOT NULL DEFAULT FALSE;

-- Until now closing a case marked every open deadline done, appeal and tribunal dates too. A
-- deadline marked done by a closing was changed by the person who closed it within moments of
-- the timeline line that lists it ("Closed with the case: ..."): those appeal and tribunal
-- deadlines are live again (an overdue one shows as overdue, for a rep to check), and the
-- hearings and others are marked as closed with their case.
UPDATE deadlines SET closed_with_case = TRUE
WHERE done AND EXISTS (
    SELECT 1 FROM case_events e
    WHERE e.case_id = deadlines.case_id
      AND e.body LIKE 'Closed with the case:%'
      AND e.author_id = deadlines.updated_by
      AND deadlines.updated_at IS NOT NULL
      AND abs(extract(epoch FROM e.created_at - deadlines.updated_at)) < 5
);
UPDATE deadlines SET done = FALSE, closed_with_case = FALSE
WHERE closed_with_case AND kind IN ('appeal', 'tribunal');
