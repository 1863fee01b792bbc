-- What a change to a member or a workload record replaced, field by field: the old value and
-- the new, who changed it, when and how (an edit, an import, a deletion). The audit log says
-- that a record changed; this says what it was, so an import that overwrote a field can be
-- read back and a deleted workload record restored. It is personal data of the member, kept
-- with them: erasing the member erases it, and the subject access export includes it.
CREATE TABLE record_changes (
    id INTEGER PRIMARY KEY,
    member_id BIGINT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    entity TEXT NOT NULL CHECK (entity IN ('member', 'workload_record')),
    entity_id BIGINT NOT NULL,
    field TEXT NOT NULL,
    old_value TEXT,
    new_value TEXT,
    via TEXT NOT NULL CHECK (via IN ('edit', 'import', 'delete', 'restore')),
    changed_by BIGINT REFERENCES users (id),
    changed_at TIMESTAMP NOT NULL
);
CREATE INDEX record_changes_member ON record_changes (member_id, changed_at);
