-- /stats reads one community's month of history: each history row carries its issue's
-- community (issues never change community), so the read walks that community's rows only
-- instead of the whole town's month.
ALTER TABLE issue_history ADD COLUMN community_id INTEGER REFERENCES communities (id);
UPDATE issue_history
   SET community_id = (SELECT community_id FROM issues WHERE issues.id = issue_history.issue_id);
CREATE INDEX issue_history_community_action_at ON issue_history (community_id, action, at);
