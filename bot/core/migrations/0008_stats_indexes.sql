-- /stats reads a community's month (issues raised in it, changes made in it); private boards
-- read a whole community, newest first.
CREATE INDEX issues_community_created ON issues (community_id, created_at);
CREATE INDEX issue_history_action_at ON issue_history (action, at);
-- A community's boards (in private chat), newest first without sorting the whole community.
CREATE INDEX issues_community_state_id ON issues (community_id, state, id);
CREATE INDEX issues_community_state_updated ON issues (community_id, state, updated_at, id);
