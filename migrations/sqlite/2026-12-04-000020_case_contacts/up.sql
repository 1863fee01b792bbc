-- The people around a case: the investigating officer, the hearing manager, an HR adviser,
-- the line manager, a companion, occupational health. Third parties' details, kept with the
-- case: scoped, audited, cleared by retention and erasure, and in the subject access export.
CREATE TABLE case_contacts (
    id INTEGER PRIMARY KEY,
    case_id BIGINT NOT NULL REFERENCES cases (id),
    role TEXT NOT NULL CHECK (role IN ('investigating_officer', 'hearing_manager', 'hr_adviser', 'line_manager', 'companion', 'occupational_health', 'other')),
    name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    organisation TEXT CHECK (length(organisation) <= 200),
    email TEXT CHECK (length(email) <= 254),
    phone TEXT CHECK (length(phone) <= 40),
    note TEXT CHECK (length(note) <= 500),
    added_by BIGINT REFERENCES users (id),
    added_at TIMESTAMP NOT NULL
);
CREATE INDEX case_contacts_case ON case_contacts (case_id);
