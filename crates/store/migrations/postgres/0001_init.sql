-- amtsweg schema, PostgreSQL. The same tables as the SQLite schema, with native UUIDs.
-- Times stay RFC 3339 text in UTC and dates YYYY-MM-DD text, exactly as the application
-- wrote them (audit hashes are computed over that text); COLLATE "C" makes them sort
-- byte-wise, i.e. in time order, as in SQLite. JSON stays text so it round-trips unchanged.

CREATE TABLE authorities (
    id          UUID PRIMARY KEY,
    name        TEXT NOT NULL,
    address     TEXT NOT NULL,
    kind        TEXT NOT NULL,           -- building_authority | municipality
    state_code  TEXT NOT NULL,           -- Land, e.g. BW
    created_at  TEXT COLLATE "C" NOT NULL
);

CREATE TABLE users (
    id            UUID PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE,  -- stored lower-case
    display_name  TEXT NOT NULL,
    password_hash TEXT NOT NULL,         -- Argon2id PHC string
    role          TEXT NOT NULL,
    authority_id  UUID REFERENCES authorities(id),
    created_at    TEXT COLLATE "C" NOT NULL
);
CREATE INDEX users_authority ON users(authority_id);

CREATE TABLE sessions (
    token_hash  TEXT PRIMARY KEY,        -- SHA-256 of the token; the token itself is never stored
    user_id     UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind        TEXT NOT NULL,           -- web | api
    csrf_token  TEXT NOT NULL,
    created_at  TEXT COLLATE "C" NOT NULL,
    expires_at  TEXT COLLATE "C" NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE drafts (
    id              UUID PRIMARY KEY,
    owner_id        UUID NOT NULL REFERENCES users(id),
    authority_id    UUID NOT NULL REFERENCES authorities(id),
    service_id      TEXT NOT NULL,
    service_version TEXT NOT NULL,
    form_json       TEXT NOT NULL,
    created_at      TEXT COLLATE "C" NOT NULL,
    updated_at      TEXT COLLATE "C" NOT NULL,
    case_id         UUID                 -- set once submitted: a draft becomes one case only
);
CREATE INDEX drafts_owner ON drafts(owner_id);

CREATE TABLE cases (
    id              UUID PRIMARY KEY,
    authority_id    UUID NOT NULL REFERENCES authorities(id),
    file_number     TEXT COLLATE "C" NOT NULL,
    service_id      TEXT NOT NULL,
    service_version TEXT NOT NULL,
    applicant_id    UUID NOT NULL REFERENCES users(id),
    draft_id        UUID NOT NULL UNIQUE REFERENCES drafts(id),
    idempotency_key TEXT,
    state           TEXT NOT NULL,
    assignee_id     UUID REFERENCES users(id),
    applicant_name  TEXT NOT NULL,
    site_address    TEXT NOT NULL,
    search_text     TEXT NOT NULL,       -- lower-case file number, name and address, for search
    next_deadline   TEXT COLLATE "C",
    submitted_at    TEXT COLLATE "C" NOT NULL,
    updated_at      TEXT COLLATE "C" NOT NULL,
    version         BIGINT NOT NULL,     -- optimistic concurrency
    case_json       TEXT NOT NULL,       -- domain state of the case
    form_json       TEXT NOT NULL,
    UNIQUE (authority_id, file_number),
    UNIQUE (applicant_id, idempotency_key)
);
CREATE INDEX cases_inbox ON cases(authority_id, state, next_deadline, submitted_at);
CREATE INDEX cases_applicant ON cases(applicant_id, submitted_at);

-- One row per (authority, prefix, year): `INSERT … ON CONFLICT … DO UPDATE … RETURNING` inside
-- the submitting transaction locks the row until commit, so numbers are unique and gap-free
-- across every instance that uses this database.
CREATE TABLE file_number_counters (
    authority_id UUID NOT NULL,
    prefix       TEXT NOT NULL,
    year         INTEGER NOT NULL,
    last_number  BIGINT NOT NULL,
    PRIMARY KEY (authority_id, prefix, year)
);

CREATE TABLE documents (
    id            UUID PRIMARY KEY,
    draft_id      UUID REFERENCES drafts(id),
    case_id       UUID REFERENCES cases(id),
    document_type TEXT NOT NULL,
    file_name     TEXT NOT NULL,
    content_type  TEXT NOT NULL,
    size_bytes    BIGINT NOT NULL,
    sha256        TEXT NOT NULL,          -- blob address
    uploaded_by   UUID NOT NULL REFERENCES users(id),
    uploaded_at   TEXT COLLATE "C" NOT NULL,
    origin        TEXT NOT NULL           -- application | supplement | notice | pending_supplement
);
CREATE INDEX documents_draft ON documents(draft_id);
CREATE INDEX documents_case ON documents(case_id);

CREATE TABLE events (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id      UUID NOT NULL REFERENCES cases(id),
    case_version BIGINT NOT NULL,
    kind         TEXT NOT NULL,
    payload      TEXT NOT NULL,
    state_after  TEXT NOT NULL,
    actor_id     TEXT NOT NULL,
    at           TEXT COLLATE "C" NOT NULL,
    UNIQUE (case_id, case_version)
);

CREATE TABLE messages (
    id           UUID PRIMARY KEY,
    recipient_id UUID NOT NULL REFERENCES users(id),
    case_id      UUID REFERENCES cases(id),
    kind         TEXT NOT NULL,           -- receipt | document_request | notice | info
    subject_de   TEXT NOT NULL,
    subject_en   TEXT NOT NULL,
    body_de      TEXT NOT NULL,
    body_en      TEXT NOT NULL,
    document_id  UUID REFERENCES documents(id),
    created_at   TEXT COLLATE "C" NOT NULL,
    read_at      TEXT COLLATE "C"
);
CREATE INDEX messages_recipient ON messages(recipient_id, created_at);

CREATE TABLE audit_entries (
    seq       BIGINT PRIMARY KEY,
    at        TEXT NOT NULL,
    actor     TEXT NOT NULL,
    action    TEXT NOT NULL,
    object    TEXT NOT NULL,
    detail    TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL
);

-- The last sequence number, kept apart from the entries so that removing entries at the end
-- shows. The row exists from the start (seq 0 = empty chain): every append locks it with
-- `SELECT … FOR UPDATE`, which puts appends from all transactions of all instances in one order.
CREATE TABLE audit_head (
    id        INTEGER PRIMARY KEY CHECK (id = 1),
    seq       BIGINT NOT NULL,
    hash      TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '');

-- Every version of every service definition ever loaded, so a case runs under the version it started with.
CREATE TABLE service_versions (
    service_id     TEXT NOT NULL,
    version        TEXT NOT NULL,
    service_toml   TEXT NOT NULL,
    form_toml      TEXT NOT NULL,
    documents_toml TEXT NOT NULL,
    process_toml   TEXT NOT NULL,
    loaded_at      TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (service_id, version)
);
