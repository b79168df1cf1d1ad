-- Places, people, chats, roles, settings and the ids of processed updates.
CREATE TABLE users (
    id            INTEGER PRIMARY KEY,            -- Telegram user id
    first_name    TEXT    NOT NULL,
    last_name     TEXT,
    username      TEXT,
    language_code TEXT,                           -- as Telegram last reported it
    locale        TEXT,                           -- the user's own /lang choice
    started       INTEGER NOT NULL DEFAULT 0,     -- has a private chat with the bot
    blocked       INTEGER NOT NULL DEFAULT 0,     -- blocked the bot (403): skipped by fan-out
    first_seen    TEXT    NOT NULL,
    last_seen     TEXT    NOT NULL
);
CREATE INDEX users_username ON users (username COLLATE NOCASE);

CREATE TABLE communities (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE COLLATE NOCASE,
    created_at TEXT NOT NULL
);

CREATE TABLE grids (
    id           INTEGER PRIMARY KEY,
    community_id INTEGER NOT NULL REFERENCES communities (id),
    name         TEXT    NOT NULL COLLATE NOCASE,
    created_at   TEXT    NOT NULL,
    UNIQUE (community_id, name)
);

CREATE TABLE chats (
    id            INTEGER PRIMARY KEY,            -- Telegram chat id; follows a supergroup upgrade
    type          TEXT    NOT NULL,
    title         TEXT,
    grid_id       INTEGER REFERENCES grids (id),  -- NULL until /setup
    locale        TEXT,                           -- the group's language, set by a moderator
    active        INTEGER NOT NULL DEFAULT 1,     -- 0 once the bot was removed
    registered_by INTEGER,
    registered_at TEXT,
    updated_at    TEXT    NOT NULL
);
CREATE INDEX chats_grid ON chats (grid_id);

CREATE TABLE roles (
    user_id      INTEGER NOT NULL REFERENCES users (id),
    community_id INTEGER NOT NULL REFERENCES communities (id),
    role         TEXT    NOT NULL CHECK (role IN ('grid', 'property', 'community', 'organizer')),
    granted_by   INTEGER,
    granted_at   TEXT    NOT NULL,
    PRIMARY KEY (user_id, community_id, role)
);
CREATE INDEX roles_community ON roles (community_id, role);

-- An update delivered twice (redelivery after a crash) must have one effect: its id is written
-- in the same transaction as the effect it caused.
CREATE TABLE processed_updates (
    update_id    INTEGER PRIMARY KEY,
    processed_at TEXT NOT NULL
);
