-- Activities recruited across groups, their cards in each group, and sign-ups.
CREATE TABLE activities (
    id            INTEGER PRIMARY KEY,               -- #N, numbered on their own
    community_id  INTEGER NOT NULL REFERENCES communities (id),
    title         TEXT    NOT NULL,
    description   TEXT,
    starts_at     TEXT    NOT NULL,
    ends_at       TEXT,
    place         TEXT    NOT NULL,
    capacity      INTEGER NOT NULL CHECK (capacity > 0),
    max_party     INTEGER NOT NULL DEFAULT 1 CHECK (max_party BETWEEN 1 AND 10),
    deadline      TEXT    NOT NULL,                  -- sign-ups close (default: the start)
    state         TEXT    NOT NULL DEFAULT 'draft'
                  CHECK (state IN ('draft', 'published', 'cancelled', 'finished')),
    created_by    INTEGER NOT NULL,
    created_at    TEXT    NOT NULL,
    published_at  TEXT,
    cancel_reason TEXT,
    reminded      INTEGER NOT NULL DEFAULT 0         -- the 24-hour reminder was queued
);
CREATE INDEX activities_state_start ON activities (state, starts_at);
CREATE INDEX activities_community ON activities (community_id, starts_at);

CREATE TABLE activity_grids (                        -- the grids it is published to
    activity_id INTEGER NOT NULL REFERENCES activities (id),
    grid_id     INTEGER NOT NULL REFERENCES grids (id),
    PRIMARY KEY (activity_id, grid_id)
);

CREATE TABLE activity_cards (                        -- its card in each group
    activity_id INTEGER NOT NULL REFERENCES activities (id),
    chat_id     INTEGER NOT NULL REFERENCES chats (id) ON UPDATE CASCADE,
    message_id  INTEGER,
    sent_text   TEXT,                                -- what the card shows (text and buttons)
    PRIMARY KEY (activity_id, chat_id)
);

CREATE TABLE signups (
    id          INTEGER PRIMARY KEY,                 -- also the waitlist order
    activity_id INTEGER NOT NULL REFERENCES activities (id),
    user_id     INTEGER NOT NULL REFERENCES users (id),
    party       INTEGER NOT NULL CHECK (party BETWEEN 1 AND 10),
    status      TEXT    NOT NULL CHECK (status IN ('confirmed', 'waitlisted', 'cancelled')),
    created_at  TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL
);
CREATE UNIQUE INDEX signups_active ON signups (activity_id, user_id) WHERE status != 'cancelled';
CREATE INDEX signups_activity ON signups (activity_id, status, id);
CREATE INDEX signups_user ON signups (user_id);

-- Cards of several kinds: an outbox message may send or edit an activity's card.
ALTER TABLE outbox ADD COLUMN card_kind TEXT NOT NULL DEFAULT 'issue';
-- What an issue's card shows (text and buttons), so that an edit that would change nothing is
-- not sent (Telegram answers "message is not modified").
ALTER TABLE issues ADD COLUMN card_text TEXT;
