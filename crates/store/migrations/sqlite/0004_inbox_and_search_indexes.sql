-- The inbox's first page without sorting every case of the authority: its ORDER BY
-- (cases without a deadline last, then nearest deadline, receipt, id) as index order, with
-- and without a state filter (issue #4, see docs/benchmarks.md). Substring search
-- (`search_text LIKE '%…%'`) stays a scan of the authority's cases here; see
-- docs/benchmarks.md for the numbers and the FTS5 trigram alternative.
CREATE INDEX cases_inbox_order ON cases (authority_id, state, next_deadline IS NULL, next_deadline, submitted_at, id);
CREATE INDEX cases_inbox_order_all ON cases (authority_id, next_deadline IS NULL, next_deadline, submitted_at, id);
DROP INDEX cases_inbox;
