-- Indexes for a town's years of history (100,000 issues): the resolved board is read newest
-- change first within one grid, and the outbox worker walks only what is still pending.
CREATE INDEX issues_grid_state_updated ON issues (grid_id, state, updated_at, id);
CREATE INDEX outbox_pending_order ON outbox (id) WHERE done_at IS NULL;
