-- Substring search (name, address, part of a file number) without reading every case of the
-- authority (issue #4, docs/benchmarks.md): an FTS5 index of the trigrams of
-- `cases.search_text`, the SQLite counterpart of PostgreSQL's pg_trgm index. `detail=none`
-- keeps it small (no positions); the store asks it with GLOB on the lower-case text, which
-- FTS5 answers from the trigrams and then checks against its copy of the text. It keeps the
-- case id, not the rowid: VACUUM may renumber the rowids of `cases`.
CREATE VIRTUAL TABLE cases_search USING fts5(
    case_id UNINDEXED,
    search_text,
    tokenize = 'trigram case_sensitive 1',
    detail = 'none'
);
INSERT INTO cases_search (case_id, search_text) SELECT id, search_text FROM cases;

CREATE TRIGGER cases_search_insert AFTER INSERT ON cases BEGIN
    INSERT INTO cases_search (case_id, search_text) VALUES (new.id, new.search_text);
END;
-- The search text is written once, at submission, and cases are not deleted; should either
-- happen, the index follows (slowly: the FTS table cannot look up a case id).
CREATE TRIGGER cases_search_update AFTER UPDATE OF search_text ON cases BEGIN
    UPDATE cases_search SET search_text = new.search_text WHERE case_id = old.id;
END;
CREATE TRIGGER cases_search_delete AFTER DELETE ON cases BEGIN
    DELETE FROM cases_search WHERE case_id = old.id;
END;
