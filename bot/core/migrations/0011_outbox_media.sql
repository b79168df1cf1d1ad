-- Media in the outbox: a report's photos, voice note and place follow its card through the
-- same queue as every message (in order, paced, never lost or sent twice). `method` gains
-- photo | album | voice | location | venue; `payload` holds that request's own parameters as
-- Telegram's JSON (file ids, coordinates), and `text` its caption.
ALTER TABLE outbox ADD COLUMN payload TEXT;
