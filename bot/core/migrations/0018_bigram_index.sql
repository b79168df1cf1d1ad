-- Near-duplicate reports without reading the grid's backlog (issue 16): the character bigrams of
-- every open or escalated issue, by grid, so a new report finds the issues sharing enough of its
-- bigrams through an index instead of re-reading and re-tokenising every active issue.
-- `issues.bigram_count` is the size of the issue's bigram set (NULL: not indexed yet; the issues
-- feature indexes those at start, so a database from before this migration is indexed once).
CREATE TABLE issue_bigrams (
    grid_id  INTEGER NOT NULL,
    bigram   TEXT    NOT NULL,
    issue_id INTEGER NOT NULL REFERENCES issues (id),
    PRIMARY KEY (grid_id, bigram, issue_id)
) WITHOUT ROWID;
CREATE INDEX issue_bigrams_issue ON issue_bigrams (issue_id);
ALTER TABLE issues ADD COLUMN bigram_count INTEGER;
