-- The scheduler looks for cases whose nearest deadline has come.
CREATE INDEX cases_due ON cases(next_deadline);
