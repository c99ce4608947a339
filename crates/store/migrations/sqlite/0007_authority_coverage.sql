-- What each authority covers: municipality keys (AGS, or a leading part of one) and postal
-- codes. The place of an application selects the responsible authority of a service's kind.
CREATE TABLE authority_coverage (
    authority_id TEXT NOT NULL REFERENCES authorities(id),
    kind         TEXT NOT NULL,   -- postal_code | municipality_key
    key          TEXT NOT NULL,
    PRIMARY KEY (authority_id, kind, key)
);
CREATE INDEX authority_coverage_key ON authority_coverage(kind, key);
