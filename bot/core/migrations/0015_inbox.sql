-- The inbox (SPEC "Limits and bad input": an update the bot has fetched is handled, once, even
-- when the bot dies before handling it). Every update is written here before Telegram is told
-- it arrived (the next getUpdates offset, or the webhook's 200); it is handled when its id is in
-- processed_updates. On start, those recorded and not handled are handled first, in order.
CREATE TABLE inbox (
    update_id   INTEGER PRIMARY KEY,
    payload     TEXT    NOT NULL,  -- the update as Telegram sent it (JSON)
    received_at TEXT    NOT NULL
);
CREATE INDEX inbox_received ON inbox (received_at);
