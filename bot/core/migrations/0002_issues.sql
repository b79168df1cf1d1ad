-- Issues on the three boards, their followers and history; per-community follow-up settings;
-- the outbox of messages to many chats; drafts waiting for a button press.
CREATE TABLE community_settings (
    community_id       INTEGER PRIMARY KEY REFERENCES communities (id),
    sla_remind_days    INTEGER NOT NULL DEFAULT 7,
    sla_escalate_days  INTEGER NOT NULL DEFAULT 14
);

CREATE TABLE issues (
    id              INTEGER PRIMARY KEY,             -- #N, unique across the deployment
    community_id    INTEGER NOT NULL REFERENCES communities (id),
    grid_id         INTEGER NOT NULL REFERENCES grids (id),
    chat_id         INTEGER REFERENCES chats (id) ON UPDATE CASCADE,  -- the group showing its card
    card_message_id INTEGER,                          -- the card in that group, once sent
    reporter_id     INTEGER NOT NULL REFERENCES users (id),
    anonymous       INTEGER NOT NULL DEFAULT 0,
    text            TEXT    NOT NULL,
    category        TEXT    NOT NULL,
    priority        TEXT    NOT NULL DEFAULT 'minor' CHECK (priority IN ('minor', 'major', 'urgent')),
    state           TEXT    NOT NULL DEFAULT 'open'
                    CHECK (state IN ('open', 'escalated', 'resolved', 'rejected')),
    location_text   TEXT,
    latitude        REAL,
    longitude       REAL,
    voice_file_id   TEXT,
    solution        TEXT,
    reason          TEXT,                             -- why it was rejected
    duplicate_of    INTEGER REFERENCES issues (id),
    created_at      TEXT    NOT NULL,
    updated_at      TEXT    NOT NULL,                 -- last change: the follow-up clock
    resolved_at     TEXT,
    fixed_state     TEXT,                             -- NULL, 'asked', 'fixed', 'not_fixed'
    reminded_on     TEXT                              -- local date of the last overdue reminder
);
CREATE INDEX issues_grid_state ON issues (grid_id, state, id);
CREATE INDEX issues_community_state ON issues (community_id, state, priority);
CREATE INDEX issues_reporter ON issues (reporter_id, created_at);
CREATE INDEX issues_open_updated ON issues (state, updated_at);

CREATE TABLE issue_photos (
    issue_id INTEGER NOT NULL REFERENCES issues (id),
    position INTEGER NOT NULL,
    file_id  TEXT    NOT NULL,
    PRIMARY KEY (issue_id, position)
);

CREATE TABLE issue_followers (
    issue_id   INTEGER NOT NULL REFERENCES issues (id),
    user_id    INTEGER NOT NULL REFERENCES users (id),
    created_at TEXT    NOT NULL,
    PRIMARY KEY (issue_id, user_id)
);
CREATE INDEX issue_followers_user ON issue_followers (user_id);

CREATE TABLE issue_history (
    id         INTEGER PRIMARY KEY,
    issue_id   INTEGER NOT NULL REFERENCES issues (id),
    at         TEXT    NOT NULL,
    actor_id   INTEGER,                               -- NULL: the bot itself (follow-up jobs)
    action     TEXT    NOT NULL,                      -- report, escalate, close, reopen, …
    from_state TEXT,
    to_state   TEXT,
    note       TEXT
);
CREATE INDEX issue_history_issue ON issue_history (issue_id, id);

-- Messages to many chats, written in the same transaction as the change that caused them and
-- sent by the outbox worker within Telegram's limits; nothing is lost if the process dies.
CREATE TABLE outbox (
    id            INTEGER PRIMARY KEY,
    chat_id       INTEGER NOT NULL,
    method        TEXT    NOT NULL DEFAULT 'send',    -- send | edit
    text          TEXT    NOT NULL,
    markup        TEXT,                               -- reply_markup as JSON
    reply_to      INTEGER,                            -- a message id in chat_id
    reply_to_card INTEGER,                            -- or: the card of this issue (known at send time)
    card_of       INTEGER,                            -- sending the card of this issue: remember its id
    edit_card     INTEGER,                            -- method edit: the card of this issue
    not_before    TEXT    NOT NULL,
    attempts      INTEGER NOT NULL DEFAULT 0,
    created_at    TEXT    NOT NULL,
    done_at       TEXT,
    outcome       TEXT                                -- sent | skipped: <why>
);
CREATE INDEX outbox_pending ON outbox (not_before, id) WHERE done_at IS NULL;

-- A report waiting for "Report anyway" after a near-duplicate warning.
CREATE TABLE drafts (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL,
    payload    TEXT    NOT NULL,
    created_at TEXT    NOT NULL
);

-- The last day each daily job ran (local date), so a restart never runs it twice a day.
CREATE TABLE job_runs (
    name     TEXT PRIMARY KEY,
    last_run TEXT NOT NULL
);
