-- Participation: the agencies and municipalities an authority may ask, and the requests to
-- them (the requests themselves live in the case; this table lets a party find its own).
-- Authorities gain the kind `agency`.

CREATE TABLE directory_entries (
    authority_id UUID NOT NULL REFERENCES authorities(id),
    party_id     UUID NOT NULL REFERENCES authorities(id),  -- an agency or a municipality
    topic        TEXT NOT NULL,                              -- e.g. fire_protection
    PRIMARY KEY (authority_id, party_id)
);

CREATE TABLE participation_requests (
    id           UUID PRIMARY KEY,
    case_id      UUID NOT NULL REFERENCES cases(id),
    party_id     UUID NOT NULL REFERENCES authorities(id),
    open         BOOLEAN NOT NULL,       -- true while no answer (given or deemed) is on record
    due          TEXT COLLATE "C" NOT NULL,
    requested_at TEXT COLLATE "C" NOT NULL
);
CREATE INDEX participation_party ON participation_requests(party_id, open, due);
CREATE INDEX participation_case ON participation_requests(case_id);

-- The scheduler's own date: when a case next needs a look (a reminder's lead time, the day
-- after a deadline). Kept apart from next_deadline, which stays on an overdue date for the
-- inbox while the scheduler has nothing more to do.
ALTER TABLE cases ADD COLUMN next_job_on TEXT COLLATE "C";
UPDATE cases SET next_job_on = next_deadline;
DROP INDEX cases_due;
CREATE INDEX cases_jobs ON cases(next_job_on);
