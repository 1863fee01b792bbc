-- Who acted: a signed-in user ('user'), a job of the system ('system:retention', …) or the
-- holder of a capability link ('link:calendar'), recorded beside the user the link belongs to.
ALTER TABLE audit_log ADD COLUMN principal TEXT NOT NULL DEFAULT 'user';
DROP TRIGGER audit_log_no_update;
UPDATE audit_log SET principal = 'system' WHERE user_id IS NULL;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;

-- Every record an entry showed or changed, one row each, so "who saw member X" is a query:
-- a read, a list page, an export, an import, a write.
CREATE TABLE audit_subjects (
    entry_id BIGINT NOT NULL REFERENCES audit_log (id),
    entity TEXT NOT NULL,
    entity_id BIGINT NOT NULL,
    PRIMARY KEY (entry_id, entity, entity_id)
);
CREATE INDEX audit_subjects_entity ON audit_subjects (entity, entity_id);
CREATE TRIGGER audit_subjects_no_update BEFORE UPDATE ON audit_subjects
BEGIN
    SELECT RAISE(ABORT, 'audit_subjects is append-only');
END;
CREATE TRIGGER audit_subjects_no_delete BEFORE DELETE ON audit_subjects
BEGIN
    SELECT RAISE(ABORT, 'audit_subjects is append-only');
END;

-- The entries written before: their own record, and the ids their detail listed ("… ids=1,2");
-- the calendar feed's listed the cases of the deadlines it served.
INSERT OR IGNORE INTO audit_subjects (entry_id, entity, entity_id)
SELECT id, entity, entity_id FROM audit_log WHERE entity_id IS NOT NULL;
WITH RECURSIVE split(id, entity, rest, item) AS (
    SELECT id,
           CASE WHEN entity = 'calendar' THEN 'case' ELSE entity END,
           substr(detail, instr(detail, 'ids=') + 4) || ',',
           NULL
    FROM audit_log
    WHERE instr(detail, 'ids=') > 0
    UNION ALL
    SELECT id, entity, substr(rest, instr(rest, ',') + 1), substr(rest, 1, instr(rest, ',') - 1)
    FROM split
    WHERE rest <> ''
)
INSERT OR IGNORE INTO audit_subjects (entry_id, entity, entity_id)
SELECT id, entity, CAST(item AS INTEGER) FROM split
WHERE item <> '' AND item NOT GLOB '*[^0-9]*';
