-- Member surveys. A survey goes to the members of its scope by one-time links; an answer is
-- stored with no member, no link and no time of day: the link records only that it was used,
-- the response a random id, its survey and the date. Responses and answers are kept in the
-- order of their random ids (WITHOUT ROWID), so no row order joins them to the links.
CREATE TABLE surveys (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    introduction TEXT CHECK (length(introduction) <= 4000),
    scope TEXT NOT NULL,
    employer_id BIGINT REFERENCES employers (id),
    job_role TEXT CHECK (length(job_role) <= 100),
    opens_on DATE NOT NULL,
    closes_on DATE NOT NULL,
    created_by BIGINT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    -- The results, worked out once after the survey closed and never again.
    results TEXT,
    CHECK (closes_on >= opens_on)
);
CREATE TABLE survey_questions (
    id INTEGER PRIMARY KEY,
    survey_id BIGINT NOT NULL REFERENCES surveys (id),
    position INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('single', 'several', 'scale', 'number', 'text')),
    text TEXT NOT NULL CHECK (length(text) BETWEEN 1 AND 500),
    -- The choices of a single or several-choice question, one per line.
    choices TEXT,
    min_value DOUBLE PRECISION,
    max_value DOUBLE PRECISION,
    UNIQUE (survey_id, position)
);
CREATE TABLE survey_links (
    id INTEGER PRIMARY KEY,
    survey_id BIGINT NOT NULL REFERENCES surveys (id),
    member_id BIGINT NOT NULL REFERENCES members (id),
    token_hash TEXT NOT NULL UNIQUE,
    used BOOLEAN NOT NULL DEFAULT FALSE,
    UNIQUE (survey_id, member_id)
);
CREATE TABLE survey_responses (
    id TEXT PRIMARY KEY,
    survey_id BIGINT NOT NULL REFERENCES surveys (id),
    answered_on DATE NOT NULL,
    record_key INTEGER NOT NULL CHECK (record_key BETWEEN 0 AND 4095),
    -- The member's employer and job role, each kept only when at least the minimum group of
    -- the survey's recipients share it (otherwise NULL), for results by group.
    employer_id BIGINT REFERENCES employers (id),
    job_role TEXT CHECK (length(job_role) <= 100)
) WITHOUT ROWID;
CREATE TABLE survey_answers (
    response_id TEXT NOT NULL REFERENCES survey_responses (id),
    question_id BIGINT NOT NULL REFERENCES survey_questions (id),
    -- Single, several and scale: the chosen choices as bits (choice i is bit i).
    chosen BIGINT,
    number DOUBLE PRECISION,
    text TEXT CHECK (length(text) <= 2000),
    PRIMARY KEY (response_id, question_id)
) WITHOUT ROWID;
