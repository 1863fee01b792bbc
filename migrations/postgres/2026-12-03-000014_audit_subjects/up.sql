-- Who acted: a signed-in user ('user'), a job of the system ('system:retention', …) or the
-- holder of a capability link ('link:calendar'), recorded beside the user the link belongs to.
ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update;
ALTER TABLE audit_log ADD COLUMN principal TEXT NOT NULL DEFAULT 'user';
UPDATE audit_log SET principal = 'system' WHERE user_id IS NULL;
ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update;

-- Every record an entry showed or changed, one row each, so "who saw member X" is a query:
-- a read, a list page, an export, an import, a write.
CREATE TABLE audit_subjects (
    entry_id BIGINT NOT NULL REFERENCES audit_log (id),
    entity TEXT NOT NULL,
    entity_id BIGINT NOT NULL,
    PRIMARY KEY (entry_id, entity, entity_id)
);
CREATE INDEX audit_subjects_entity ON audit_subjects (entity, entity_id);
CREATE FUNCTION audit_subjects_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit_subjects is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_subjects_no_change BEFORE UPDATE OR DELETE ON audit_subjects
    FOR EACH ROW EXECUTE FUNCTION audit_subjects_append_only();

-- The entries written before: their own record, and the ids their detail listed ("… ids=1,2");
-- the calendar feed's listed the cases of the deadlines it served.
INSERT INTO audit_subjects (entry_id, entity, entity_id)
SELECT id, entity, entity_id FROM audit_log WHERE entity_id IS NOT NULL
ON CONFLICT DO NOTHING;
INSERT INTO audit_subjects (entry_id, entity, entity_id)
SELECT a.id, CASE WHEN a.entity = 'calendar' THEN 'case' ELSE a.entity END, item::BIGINT
FROM audit_log a,
     unnest(string_to_array(substring(a.detail from 'ids=([0-9,]+)'), ',')) AS item
WHERE a.detail LIKE '%ids=%' AND item <> ''
ON CONFLICT DO NOTHING;
