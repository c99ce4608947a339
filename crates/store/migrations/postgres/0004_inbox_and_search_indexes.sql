-- The inbox's first page without sorting every case of the authority: its ORDER BY
-- (cases without a deadline last, then nearest deadline, receipt, id) as index order, with
-- and without a state filter, so the first 50 rows are read off the index (issue #4, see
-- docs/benchmarks.md).
CREATE INDEX cases_inbox_order ON cases (authority_id, state, (next_deadline IS NULL), next_deadline, submitted_at, id);
CREATE INDEX cases_inbox_order_all ON cases (authority_id, (next_deadline IS NULL), next_deadline, submitted_at, id);
DROP INDEX cases_inbox;

-- Substring search on file number, name and address (`search_text LIKE '%…%'`): trigrams.
-- pg_trgm ships with PostgreSQL (contrib) and is a trusted extension since PostgreSQL 13, so
-- the database owner may create it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX cases_search_trgm ON cases USING gin (search_text gin_trgm_ops);
