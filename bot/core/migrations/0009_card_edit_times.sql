-- When each card was last edited: a card is brought up to date at most once every
-- CARD_EDIT_INTERVAL (bot/storage/outbox.py), whatever the number of changes in between.
ALTER TABLE issues ADD COLUMN card_edited_at TEXT;
ALTER TABLE activity_cards ADD COLUMN edited_at TEXT;
