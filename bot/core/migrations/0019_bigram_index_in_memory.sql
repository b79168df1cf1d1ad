-- The near-duplicate index moves into memory (bot/issues/store/signatures.py, issue 16): as a
-- table, each report wrote some twenty scattered b-tree pages with it, a third of its commit.
-- It is derived from the issues' texts, so nothing is lost: each grid is indexed again from its
-- active issues at its first report after a start.
DROP INDEX issue_bigrams_issue;
DROP TABLE issue_bigrams;
ALTER TABLE issues DROP COLUMN bigram_count;
