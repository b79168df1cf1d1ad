-- Votes (大事大议, SPEC "Visits, urgent meetings and votes"): a question with 2–6 options, open
-- in a community's groups (or, with #N, in the groups of the issue's grid) for 1–14 days.
CREATE TABLE votes (
    id           INTEGER PRIMARY KEY,               -- P1, P2, …: numbered on their own
    community_id INTEGER NOT NULL REFERENCES communities (id),
    issue_id     INTEGER REFERENCES issues (id),    -- #N: the result goes into its history
    question     TEXT    NOT NULL,
    options      TEXT    NOT NULL,                  -- a JSON list of the option texts, in order
    created_by   INTEGER NOT NULL,
    created_at   TEXT    NOT NULL,
    closes_at    TEXT    NOT NULL,                  -- created_at + days × 24 h
    closed_at    TEXT,                              -- set once, with the result queued
    closed_by    INTEGER                            -- NULL: closed by the job at closes_at
);
CREATE INDEX votes_due ON votes (closes_at) WHERE closed_at IS NULL;
CREATE INDEX votes_community_open ON votes (community_id, id) WHERE closed_at IS NULL;

-- One ballot per person and vote: the primary key is what makes a double count impossible,
-- however many presses come at once; a changed vote updates the row. Tallies are counted
-- from here, never kept beside it.
CREATE TABLE ballots (
    vote_id  INTEGER NOT NULL REFERENCES votes (id),
    user_id  INTEGER NOT NULL,
    choice   INTEGER NOT NULL,                     -- the option's index, 0-based
    at       TEXT    NOT NULL,
    PRIMARY KEY (vote_id, user_id)
) WITHOUT ROWID;
CREATE INDEX ballots_choice ON ballots (vote_id, choice);

-- A feature's card in each group it is shown in, for card kinds after "issue" and "activity"
-- (which keep their own columns): where it is, what it shows and when it was last edited, as
-- the outbox needs them to coalesce and pace its edits (bot/delivery/pending.py). The rows of
-- a vote are also the vote's groups.
CREATE TABLE group_cards (
    kind       TEXT    NOT NULL,                   -- "vote", …
    card_id    INTEGER NOT NULL,
    chat_id    INTEGER NOT NULL REFERENCES chats (id) ON UPDATE CASCADE,
    message_id INTEGER,
    sent_text  TEXT,                               -- what the card shows (text and buttons)
    edited_at  TEXT,
    PRIMARY KEY (kind, card_id, chat_id)
) WITHOUT ROWID;
CREATE INDEX group_cards_chat ON group_cards (chat_id);  -- a group's new id cascades
