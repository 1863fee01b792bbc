-- The whole caseload domain (README.md and docs/RULES.md describe it). Keep in step with the PostgreSQL set.
-- INTEGER PRIMARY KEY is the rowid alias, 64-bit like BIGSERIAL.

CREATE TABLE regions (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 200),
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE TABLE branches (
    id INTEGER PRIMARY KEY,
    region_id BIGINT NOT NULL REFERENCES regions (id),
    name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    code TEXT NOT NULL UNIQUE CHECK (length(code) BETWEEN 2 AND 10),
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX branches_region_id ON branches (region_id);

CREATE TABLE employers (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 200),
    safe_caseload_override REAL CHECK (safe_caseload_override > 0),
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL UNIQUE CHECK (length(username) BETWEEN 1 AND 100),
    password_hash TEXT NOT NULL,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('admin', 'organiser', 'officer', 'delegate')),
    branch_id BIGINT REFERENCES branches (id),
    region_id BIGINT REFERENCES regions (id),
    active BOOLEAN NOT NULL DEFAULT TRUE,
    token_version INTEGER NOT NULL DEFAULT 0,
    calendar_token TEXT UNIQUE,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CHECK (
        (role = 'admin' AND branch_id IS NULL AND region_id IS NULL)
        OR (role = 'organiser' AND branch_id IS NULL AND region_id IS NOT NULL)
        OR (role = 'officer' AND branch_id IS NOT NULL AND region_id IS NULL)
        OR (role = 'delegate' AND branch_id IS NULL)
    )
);
CREATE INDEX users_branch_id ON users (branch_id);
CREATE INDEX users_region_id ON users (region_id);

CREATE TABLE members (
    id INTEGER PRIMARY KEY,
    branch_id BIGINT NOT NULL REFERENCES branches (id),
    employer_id BIGINT NOT NULL REFERENCES employers (id),
    membership_number TEXT NOT NULL UNIQUE CHECK (length(membership_number) BETWEEN 1 AND 40),
    first_name TEXT NOT NULL CHECK (length(first_name) BETWEEN 1 AND 100),
    last_name TEXT NOT NULL CHECK (length(last_name) BETWEEN 1 AND 100),
    email TEXT,
    phone TEXT,
    job_role TEXT NOT NULL,
    team TEXT,
    fte REAL NOT NULL CHECK (fte > 0 AND fte <= 1.5),
    start_date DATE,
    equality_consent BOOLEAN NOT NULL DEFAULT FALSE,
    age_band TEXT CHECK (age_band IN ('under_25', '25_34', '35_44', '45_54', '55_64', '65_plus')),
    ethnic_group TEXT CHECK (ethnic_group IN ('asian', 'black', 'mixed', 'white', 'other', 'not_stated')),
    search_text TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CHECK (equality_consent OR (age_band IS NULL AND ethnic_group IS NULL))
);
CREATE INDEX members_branch_last_name ON members (branch_id, last_name);
CREATE INDEX members_employer_id ON members (employer_id);

CREATE TABLE workload_records (
    id INTEGER PRIMARY KEY,
    member_id BIGINT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    recorded_on DATE NOT NULL,
    open_cases INTEGER NOT NULL CHECK (open_cases BETWEEN 0 AND 500),
    hours_worked REAL CHECK (hours_worked BETWEEN 0 AND 168),
    contracted_hours REAL CHECK (contracted_hours > 0 AND contracted_hours <= 168),
    source TEXT NOT NULL CHECK (source IN ('member_report', 'supervision', 'employer_data')),
    note TEXT,
    created_by BIGINT REFERENCES users (id),
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX workload_records_member_recorded_on ON workload_records (member_id, recorded_on);
CREATE INDEX workload_records_recorded_on ON workload_records (recorded_on);

CREATE TABLE cases (
    id INTEGER PRIMARY KEY,
    reference TEXT NOT NULL UNIQUE,
    member_id BIGINT REFERENCES members (id),
    branch_id BIGINT NOT NULL REFERENCES branches (id),
    case_type TEXT NOT NULL CHECK (case_type IN ('disciplinary', 'ill_health', 'grievance', 'capability', 'accreditation', 'restructure', 'other')),
    stage TEXT NOT NULL CHECK (stage IN ('referral', 'investigation', 'hearing', 'appeal', 'tribunal', 'closed')),
    status TEXT NOT NULL CHECK (status IN ('open', 'closed')),
    opened_on DATE NOT NULL,
    closed_on DATE,
    outcome TEXT CHECK (outcome IN (
        'no_case_to_answer', 'informal_action', 'written_warning', 'final_written_warning',
        'dismissal', 'resigned', 'redeployment', 'ill_health_retirement', 'reasonable_adjustments',
        'phased_return', 'grievance_upheld', 'grievance_partly_upheld', 'grievance_not_upheld',
        'settlement', 'withdrawn', 'other')),
    workload_factor BOOLEAN NOT NULL DEFAULT FALSE,
    assigned_to BIGINT REFERENCES users (id),
    referred_to_region BOOLEAN NOT NULL DEFAULT FALSE,
    summary TEXT,
    anonymised_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CHECK (closed_on IS NULL OR closed_on >= opened_on),
    CHECK ((status = 'closed') = (closed_on IS NOT NULL)),
    CHECK (status = 'open' OR outcome IS NOT NULL)
);
CREATE INDEX cases_branch_status_opened_on ON cases (branch_id, status, opened_on);
CREATE INDEX cases_opened_on ON cases (opened_on);
CREATE INDEX cases_type_opened_on ON cases (case_type, opened_on);
CREATE INDEX cases_member_id ON cases (member_id);
CREATE INDEX cases_assigned_to ON cases (assigned_to);

-- Next case number per branch and year: references never collide under concurrent creation.
CREATE TABLE case_reference_counters (
    branch_id BIGINT NOT NULL REFERENCES branches (id),
    year INTEGER NOT NULL,
    last_number INTEGER NOT NULL,
    PRIMARY KEY (branch_id, year)
);

CREATE TABLE case_workload_factors (
    case_id BIGINT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    factor TEXT NOT NULL CHECK (factor IN ('high_caseload', 'vacancies', 'unpaid_overtime', 'lack_of_supervision', 'admin_burden', 'work_related_stress', 'other')),
    PRIMARY KEY (case_id, factor)
);

CREATE TABLE case_events (
    id INTEGER PRIMARY KEY,
    case_id BIGINT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    occurred_on DATE NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('note', 'meeting', 'hearing', 'letter', 'stage_change', 'outcome')),
    body TEXT NOT NULL,
    author_id BIGINT REFERENCES users (id),
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX case_events_case_occurred_on ON case_events (case_id, occurred_on);

CREATE TABLE deadlines (
    id INTEGER PRIMARY KEY,
    case_id BIGINT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('hearing', 'appeal', 'tribunal', 'other')),
    due_on DATE NOT NULL,
    done BOOLEAN NOT NULL DEFAULT FALSE,
    note TEXT,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX deadlines_done_due_on ON deadlines (done, due_on);
CREATE INDEX deadlines_case_id ON deadlines (case_id);

-- Append-only: no foreign key, so entries outlive the rows they describe.
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at TIMESTAMP NOT NULL,
    user_id BIGINT,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id BIGINT,
    detail TEXT
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_entity ON audit_log (entity, entity_id);
CREATE INDEX audit_log_user_id ON audit_log (user_id, at);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;

CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);
INSERT INTO settings (key, value) VALUES
    ('safe_caseload', '15'),
    ('disclosure_threshold', '5'),
    ('appeal_working_days', '5'),
    ('retention_years', '6');
