"""What a card in a group shows now, asked of the feature the card belongs to.

A change to an issue or an activity does not render its cards: it queues a "refresh" of each
(one pending per card and chat, however many changes come), and the outbox renders the card
when the refresh's turn comes. 500 sign-up presses in a minute thus cost the few edits a group
can take (20 a minute), not 500 renderings per card (measured in bench/throughput.py).

Delivery knows cards only by the kind the outbox stores with them ("issue", "activity", "vote");
each feature registers how its kind is rendered (bot/issues/card.py, bot/activities/card.py,
bot/votes/card.py), so that delivery imports no feature and a new kind of card needs no change
here. Where a card of a newer kind is shown is kept in the table group_cards (a row per card and
group, which the feature writes when it first queues the card).
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from bot.core.i18n import Translator

log = logging.getLogger(__name__)

Shown = tuple[str, dict[str, Any] | None]  # a card's text and reply_markup (Telegram's JSON)

T = TypeVar("T")
# A card as it should look now, from inside the outbox's transaction: (connection, card id,
# the chat it is shown in) → what it shows, or None when its issue or activity is gone.
CardRender = Callable[[sqlite3.Connection, int, int], Shown | None]


def card_renderer(
    chat_tr: Callable[[int], Translator],
    load: Callable[[sqlite3.Connection, int], T | None],
    draw: Callable[[Translator, T], Shown],
) -> CardRender:
    """A kind's renderer: the card's record loaded in the outbox's transaction, drawn in the
    language of the group it is shown in; None when the record is gone."""

    def render(conn: sqlite3.Connection, card: int, chat_id: int) -> Shown | None:
        found = load(conn, card)
        return draw(chat_tr(chat_id), found) if found is not None else None

    return render


class CardRenderer:
    """The registry of card kinds: the outbox's one render function, dispatching by kind."""

    def __init__(self, renderers: Mapping[str, CardRender]) -> None:
        self._renderers = dict(renderers)

    def __call__(
        self, conn: sqlite3.Connection, kind: str, card: int, chat_id: int
    ) -> Shown | None:
        """None (the refresh is skipped) for a kind nobody registered: one card that cannot be
        drawn must not stop the outbox, whose every run would fail on it again."""
        render = self._renderers.get(kind)
        if render is None:
            log.warning(
                "no renderer for %s cards: refresh of card %s in %s skipped", kind, card, chat_id
            )
            return None
        return render(conn, card, chat_id)
