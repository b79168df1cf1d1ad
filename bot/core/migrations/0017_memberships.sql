-- Who is in which group, as the bot learned it (bot/core/chat_members.py): from the messages
-- people send in a group, the join and leave updates, and now and then one getChatMember. So
-- "may this person see the phone numbers" and "which community's meeting" cost no burst of
-- questions to Telegram (each one spends the group's 20-a-minute budget). A cache: a lost row
-- costs one question, and the bot's own copy in memory is loaded from here at start.
CREATE TABLE memberships (
    chat_id INTEGER NOT NULL,                 -- a group (follows a supergroup upgrade)
    user_id INTEGER NOT NULL,
    status  TEXT    NOT NULL CHECK (status IN ('member', 'left')),
    seen_at TEXT    NOT NULL,                 -- when this was last learned (UTC, ISO)
    PRIMARY KEY (chat_id, user_id)
) WITHOUT ROWID;
