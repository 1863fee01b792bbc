-- Case papers: the invitation to a hearing, a report, a fit note, an outcome letter. The file is
-- kept encrypted (AES-256-GCM) in `document_contents`, apart from the facts about it so that a
-- list never reads a file; `key_fingerprint` names the key that sealed it (the key itself is
-- never in the database) and `nonce` is drawn at random for each document.
CREATE TABLE documents (
    id INTEGER PRIMARY KEY,
    case_id BIGINT NOT NULL REFERENCES cases (id),
    title TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    kind TEXT NOT NULL CHECK (kind IN ('letter', 'report', 'medical', 'evidence', 'submission', 'other')),
    file_name TEXT NOT NULL CHECK (length(file_name) BETWEEN 1 AND 255),
    content_type TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    key_fingerprint TEXT NOT NULL,
    nonce BLOB NOT NULL,
    added_by BIGINT REFERENCES users (id),
    added_at TIMESTAMP NOT NULL
);
CREATE INDEX documents_case ON documents (case_id);
CREATE INDEX documents_key ON documents (key_fingerprint);

CREATE TABLE document_contents (
    document_id BIGINT PRIMARY KEY REFERENCES documents (id) ON DELETE CASCADE,
    ciphertext BLOB NOT NULL
);

-- The largest file taken, in megabytes.
INSERT INTO settings (key, value) VALUES ('document_max_mb', '10');
