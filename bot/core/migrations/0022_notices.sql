-- Public notices with an objection window (公示, SPEC "Visits, urgent meetings and votes"):
-- posted in every group of a community, objections taken privately, the count told at the close.
CREATE TABLE notices (
    id           INTEGER PRIMARY KEY,                -- shown as G<id>
    community_id INTEGER NOT NULL REFERENCES communities (id),
    text         TEXT    NOT NULL,
    days         INTEGER NOT NULL CHECK (days BETWEEN 1 AND 30),
    created_by   INTEGER NOT NULL,
    created_at   TEXT    NOT NULL,
    closes_at    TEXT    NOT NULL,                   -- created_at + days × 24 hours
    closed_at    TEXT                                -- the close was queued (once, in its transaction)
);
CREATE INDEX notices_due ON notices (closes_at) WHERE closed_at IS NULL;
CREATE INDEX notices_community ON notices (community_id, closes_at);

CREATE TABLE notice_chats (                          -- the groups it was posted to, told at the close
    notice_id INTEGER NOT NULL REFERENCES notices (id),
    chat_id   INTEGER NOT NULL REFERENCES chats (id) ON UPDATE CASCADE,
    PRIMARY KEY (notice_id, chat_id)
) WITHOUT ROWID;

CREATE TABLE objections (                            -- one per person and notice, replaceable
    notice_id  INTEGER NOT NULL REFERENCES notices (id),
    user_id    INTEGER NOT NULL REFERENCES users (id),
    text       TEXT    NOT NULL,
    created_at TEXT    NOT NULL,
    updated_at TEXT    NOT NULL,
    PRIMARY KEY (notice_id, user_id)
) WITHOUT ROWID;
