-- Visits (接访进小区) and urgent meetings (急事立议): a meeting on a chosen day with an agenda of
-- issues, published in its grids' groups and reminded the day before at 09:00 and an hour
-- before, each reminder once (visit_reminders), to everyone it was told to (visit_told), who
-- also hear of a cancellation. A draft (the preview before Publish) has no number yet.
CREATE TABLE visits (
    id            INTEGER PRIMARY KEY,
    number        INTEGER UNIQUE,                   -- V1, V2, …: given when published
    community_id  INTEGER NOT NULL REFERENCES communities (id),
    kind          TEXT    NOT NULL CHECK (kind IN ('visit', 'urgent')),
    state         TEXT    NOT NULL CHECK (state IN ('draft', 'published', 'cancelled')),
    title         TEXT    NOT NULL,
    starts_at     TEXT    NOT NULL,
    place         TEXT    NOT NULL,
    created_by    INTEGER NOT NULL,
    created_at    TEXT    NOT NULL,
    published_at  TEXT,
    cancel_reason TEXT
);
CREATE INDEX visits_by_start ON visits (state, starts_at);

CREATE TABLE visit_grids (
    visit_id INTEGER NOT NULL REFERENCES visits (id) ON DELETE CASCADE,
    grid_id  INTEGER NOT NULL REFERENCES grids (id),
    PRIMARY KEY (visit_id, grid_id)
) WITHOUT ROWID;

CREATE TABLE visit_items (
    visit_id INTEGER NOT NULL REFERENCES visits (id) ON DELETE CASCADE,
    issue_id INTEGER NOT NULL REFERENCES issues (id),
    position INTEGER NOT NULL,
    decision TEXT CHECK (decision IN ('close', 'keep', 'reject')),
    decided_by INTEGER,
    decided_at TEXT,
    PRIMARY KEY (visit_id, issue_id)
) WITHOUT ROWID;

CREATE TABLE visit_reminders (
    visit_id INTEGER NOT NULL REFERENCES visits (id) ON DELETE CASCADE,
    which    TEXT    NOT NULL CHECK (which IN ('day', 'hour')),
    sent_at  TEXT    NOT NULL,
    PRIMARY KEY (visit_id, which)
) WITHOUT ROWID;

CREATE TABLE visit_told (
    visit_id INTEGER NOT NULL REFERENCES visits (id) ON DELETE CASCADE,
    chat_id  INTEGER NOT NULL,
    PRIMARY KEY (visit_id, chat_id)
) WITHOUT ROWID;
