ALTER TABLE cases DROP COLUMN referral_reason;
ALTER TABLE case_events DROP COLUMN system_entry;
