-- Supervision: the motion's second demand. One row per supervision session a member had, or
-- that was cancelled or postponed, with who called it off and where the record came from. The
-- note is free text that stays on the member's page. Scoped, audited, erased and exported as
-- workload records are.
CREATE TABLE supervision_records (
    id INTEGER PRIMARY KEY,
    member_id BIGINT NOT NULL REFERENCES members (id),
    held_on DATE NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('reflective', 'case_management', 'both')),
    minutes INTEGER CHECK (minutes BETWEEN 1 AND 600),
    status TEXT NOT NULL CHECK (status IN ('held', 'cancelled', 'postponed')),
    called_off_by TEXT CHECK (called_off_by IN ('employer', 'member')),
    source TEXT NOT NULL CHECK (source IN ('member_report', 'supervision_notes', 'employer_data')),
    employer_id BIGINT NOT NULL REFERENCES employers (id),
    note TEXT CHECK (length(note) <= 2000),
    created_by BIGINT REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    CHECK ((status = 'held') = (called_off_by IS NULL))
);
CREATE INDEX supervision_records_member ON supervision_records (member_id, held_on);
-- The longest gap between reflective supervisions that still counts as regular.
INSERT INTO settings (key, value) VALUES ('supervision_regular_days', '28');
ALTER TABLE employers ADD COLUMN supervision_regular_days_override INTEGER;
