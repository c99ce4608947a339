-- amtsweg schema, SQLite. Ids are UUID text, times RFC 3339 text in UTC, dates YYYY-MM-DD.

CREATE TABLE authorities (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    address     TEXT NOT NULL,
    kind        TEXT NOT NULL,           -- building_authority | municipality
    state_code  TEXT NOT NULL,           -- Land, e.g. BW
    created_at  TEXT NOT NULL
);

CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE,  -- stored lower-case
    display_name  TEXT NOT NULL,
    password_hash TEXT NOT NULL,         -- Argon2id PHC string
    role          TEXT NOT NULL,
    authority_id  TEXT REFERENCES authorities(id),
    created_at    TEXT NOT NULL
);

CREATE TABLE sessions (
    token_hash  TEXT PRIMARY KEY,        -- SHA-256 of the token; the token itself is never stored
    user_id     TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind        TEXT NOT NULL,           -- web | api
    csrf_token  TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE drafts (
    id              TEXT PRIMARY KEY,
    owner_id        TEXT NOT NULL REFERENCES users(id),
    authority_id    TEXT NOT NULL REFERENCES authorities(id),
    service_id      TEXT NOT NULL,
    service_version TEXT NOT NULL,
    form_json       TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    case_id         TEXT                 -- set once submitted: a draft becomes one case only
);
CREATE INDEX drafts_owner ON drafts(owner_id);

CREATE TABLE cases (
    id              TEXT PRIMARY KEY,
    authority_id    TEXT NOT NULL REFERENCES authorities(id),
    file_number     TEXT NOT NULL,
    service_id      TEXT NOT NULL,
    service_version TEXT NOT NULL,
    applicant_id    TEXT NOT NULL REFERENCES users(id),
    draft_id        TEXT NOT NULL UNIQUE REFERENCES drafts(id),
    idempotency_key TEXT,
    state           TEXT NOT NULL,
    assignee_id     TEXT REFERENCES users(id),
    applicant_name  TEXT NOT NULL,
    site_address    TEXT NOT NULL,
    search_text     TEXT NOT NULL,       -- lower-case file number, name and address, for search
    next_deadline   TEXT,
    submitted_at    TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    version         INTEGER NOT NULL,    -- optimistic concurrency
    case_json       TEXT NOT NULL,       -- domain state of the case
    form_json       TEXT NOT NULL,
    UNIQUE (authority_id, file_number),
    UNIQUE (applicant_id, idempotency_key)
);
CREATE INDEX cases_inbox ON cases(authority_id, state, next_deadline, submitted_at);
CREATE INDEX cases_applicant ON cases(applicant_id, submitted_at);

CREATE TABLE file_number_counters (
    authority_id TEXT NOT NULL,
    prefix       TEXT NOT NULL,
    year         INTEGER NOT NULL,
    last_number  INTEGER NOT NULL,
    PRIMARY KEY (authority_id, prefix, year)
);

CREATE TABLE documents (
    id            TEXT PRIMARY KEY,
    draft_id      TEXT REFERENCES drafts(id),
    case_id       TEXT REFERENCES cases(id),
    document_type TEXT NOT NULL,
    file_name     TEXT NOT NULL,
    content_type  TEXT NOT NULL,
    size_bytes    INTEGER NOT NULL,
    sha256        TEXT NOT NULL,          -- blob address
    uploaded_by   TEXT NOT NULL REFERENCES users(id),
    uploaded_at   TEXT NOT NULL,
    origin        TEXT NOT NULL           -- application | supplement | notice | pending_supplement
);
CREATE INDEX documents_draft ON documents(draft_id);
CREATE INDEX documents_case ON documents(case_id);

CREATE TABLE events (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id     TEXT NOT NULL REFERENCES cases(id),
    case_version INTEGER NOT NULL,
    kind        TEXT NOT NULL,
    payload     TEXT NOT NULL,
    state_after TEXT NOT NULL,
    actor_id    TEXT NOT NULL,
    at          TEXT NOT NULL,
    UNIQUE (case_id, case_version)
);

CREATE TABLE messages (
    id          TEXT PRIMARY KEY,
    recipient_id TEXT NOT NULL REFERENCES users(id),
    case_id     TEXT REFERENCES cases(id),
    kind        TEXT NOT NULL,            -- receipt | document_request | notice | info
    subject_de  TEXT NOT NULL,
    subject_en  TEXT NOT NULL,
    body_de     TEXT NOT NULL,
    body_en     TEXT NOT NULL,
    document_id TEXT REFERENCES documents(id),
    created_at  TEXT NOT NULL,
    read_at     TEXT
);
CREATE INDEX messages_recipient ON messages(recipient_id, created_at);

CREATE TABLE audit_entries (
    seq       INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    actor     TEXT NOT NULL,
    action    TEXT NOT NULL,
    object    TEXT NOT NULL,
    detail    TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL
);

-- The last sequence number, kept apart from the entries so that removing entries at the end shows.
CREATE TABLE audit_head (
    id        INTEGER PRIMARY KEY CHECK (id = 1),
    seq       INTEGER NOT NULL,
    hash      TEXT NOT NULL
);

-- Every version of every service definition ever loaded, so a case runs under the version it started with.
CREATE TABLE service_versions (
    service_id     TEXT NOT NULL,
    version        TEXT NOT NULL,
    service_toml   TEXT NOT NULL,
    form_toml      TEXT NOT NULL,
    documents_toml TEXT NOT NULL,
    process_toml   TEXT NOT NULL,
    loaded_at      TEXT NOT NULL,
    PRIMARY KEY (service_id, version)
);
