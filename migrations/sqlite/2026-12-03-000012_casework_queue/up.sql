-- Entries the workflow writes on a timeline (stage changes, outcomes, referrals, a rep taking
-- a case, a hearing moved, deadlines closed with the case) are its record of what changed:
-- they cannot be corrected as a rep's own entries can.
ALTER TABLE case_events ADD COLUMN system_entry BOOLEAN NOT NULL DEFAULT 0;
UPDATE case_events SET system_entry = 1
WHERE kind IN ('stage_change', 'outcome')
   OR body IN ('Referred to the region', 'Referral to the region withdrawn')
   OR body LIKE 'Closed with the case: %'
   OR body LIKE 'Reopened with the case: %';

-- Why a branch referred a case to its region, for the organiser's queue.
ALTER TABLE cases ADD COLUMN referral_reason TEXT;
