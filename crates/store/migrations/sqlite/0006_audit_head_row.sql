-- One shape of the audit head on both engines (issue #9): an empty chain is the head row
-- with seq 0, as on PostgreSQL since 0001; until now SQLite had no row until the first entry.
INSERT INTO audit_head (id, seq, hash) SELECT 1, 0, '' WHERE NOT EXISTS (SELECT 1 FROM audit_head WHERE id = 1);
