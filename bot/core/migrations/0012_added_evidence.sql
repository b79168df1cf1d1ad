-- Evidence added after the report (SPEC "Evidence" → "Added later", "With the work"): a history
-- line may carry one photo or one voice note (Telegram file ids; never the files themselves).
ALTER TABLE issue_history ADD COLUMN photo_file_id TEXT;
ALTER TABLE issue_history ADD COLUMN voice_file_id TEXT;

-- An album whose captioned photo was a /report or an /add: its other photos (one update each,
-- sharing the media_group_id) join the same issue. Kept a day: each new row removes older ones.
CREATE TABLE albums (
    chat_id        INTEGER NOT NULL,
    media_group_id TEXT    NOT NULL,
    user_id        INTEGER NOT NULL,
    issue_id       INTEGER NOT NULL REFERENCES issues (id),
    kind           TEXT    NOT NULL CHECK (kind IN ('report', 'add')),
    created_at     TEXT    NOT NULL,
    PRIMARY KEY (chat_id, media_group_id)
) WITHOUT ROWID;
