-- The weekly account (公开上榜, SPEC "Follow-through"): every Monday at 09:00 each registered
-- group gets its grid's week. A row per group and week is written in the transaction that
-- queues the account in the outbox, so a restart (or the start-up catch-up) never sends it
-- twice: claiming a group's week is one INSERT OR IGNORE on this key.
CREATE TABLE weekly_accounts (
    week    TEXT    NOT NULL,                     -- ISO week of the account's Monday: 2026-W49
    chat_id INTEGER NOT NULL REFERENCES chats (id) ON UPDATE CASCADE ON DELETE CASCADE,
    sent_at TEXT    NOT NULL,                     -- when it was queued (UTC)
    PRIMARY KEY (week, chat_id)
) WITHOUT ROWID;
CREATE INDEX weekly_accounts_chat ON weekly_accounts (chat_id);  -- a group's new id cascades

-- The account's reads for one grid of a town's years (100,000 issues), none of them a scan:
-- resolved in the week (by resolution time), raised in the week, and what is still open,
-- oldest first (the index's rowid breaks ties in created order), counted and cut at ten.
CREATE INDEX issues_grid_resolved_at ON issues (grid_id, resolved_at) WHERE state = 'resolved';
CREATE INDEX issues_grid_created ON issues (grid_id, created_at);
CREATE INDEX issues_grid_active_created ON issues (grid_id, created_at)
    WHERE state IN ('open', 'escalated');
