-- Guided dialogs survive a restart (SPEC "Limits and bad input"): PTB's persistence interface
-- backed by these tables (bot/core/dialogs.py). `user_data` holds a dialog's draft, `dialogs`
-- each conversation's step; both pickled, as PTB's own PicklePersistence stores them.
CREATE TABLE dialog_user_data (
    user_id    INTEGER PRIMARY KEY,
    data       BLOB    NOT NULL,
    updated_at TEXT    NOT NULL
);
CREATE TABLE dialog_states (
    name       TEXT NOT NULL,  -- the ConversationHandler's name: report, activity
    key        TEXT NOT NULL,  -- its conversation key (chat, user) as JSON
    state      BLOB NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (name, key)
) WITHOUT ROWID;
