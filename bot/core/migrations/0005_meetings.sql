-- The monthly residents' meeting (民情茶角): per-community settings, who subscribes to its
-- reminder, which reminders were sent (once per community and month), and the minutes.
CREATE TABLE meeting_settings (
    community_id INTEGER PRIMARY KEY REFERENCES communities (id),
    day          INTEGER NOT NULL DEFAULT 15 CHECK (day BETWEEN 1 AND 31),
    at           TEXT    NOT NULL DEFAULT '19:30',
    place        TEXT    NOT NULL DEFAULT '民情茶角'
);

CREATE TABLE meeting_subscriptions (                 -- /remind on|off; role holders default on
    user_id      INTEGER NOT NULL REFERENCES users (id),
    community_id INTEGER NOT NULL REFERENCES communities (id),
    subscribed   INTEGER NOT NULL,
    PRIMARY KEY (user_id, community_id)
);

CREATE TABLE meeting_reminders (
    community_id INTEGER NOT NULL REFERENCES communities (id),
    month        TEXT    NOT NULL,                   -- YYYY-MM of the meeting
    sent_at      TEXT    NOT NULL,
    PRIMARY KEY (community_id, month)
);

CREATE TABLE meeting_decisions (
    community_id INTEGER NOT NULL REFERENCES communities (id),
    month        TEXT    NOT NULL,
    issue_id     INTEGER NOT NULL REFERENCES issues (id),
    decision     TEXT    NOT NULL CHECK (decision IN ('close', 'keep', 'reject')),
    decided_by   INTEGER NOT NULL,
    decided_at   TEXT    NOT NULL,
    PRIMARY KEY (community_id, month, issue_id)
);
