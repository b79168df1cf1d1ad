-- Questions the bot asked with a reply prompt ("reply with the solution for #12"), kept in the
-- database so that an answer given after a restart is not lost.
CREATE TABLE prompts (
    chat_id    INTEGER NOT NULL REFERENCES chats (id) ON UPDATE CASCADE,
    message_id INTEGER NOT NULL,
    user_id    INTEGER NOT NULL,
    command    TEXT    NOT NULL,
    issue_id   INTEGER NOT NULL REFERENCES issues (id),
    created_at TEXT    NOT NULL,
    PRIMARY KEY (chat_id, message_id)
);
