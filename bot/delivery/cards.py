"""What a card in a group shows now: an issue's card or an activity's, in the group's language.

A change to an issue or an activity does not render its cards: it queues a "refresh" of each
(one pending per card and chat, however many changes come), and the outbox renders the card
when the refresh's turn comes. 500 sign-up presses in a minute thus cost the few edits a group
can take (20 a minute), not 500 renderings per card (measured in bench/throughput.py).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from bot.activities import views as activity_views
from bot.activities.store import Activity, load_activity
from bot.core.i18n import Translator
from bot.issues import views as issue_views
from bot.issues.store import Issue, load_issue

if TYPE_CHECKING:
    from bot.issues.notify import Notifier

Shown = tuple[str, dict[str, Any] | None]  # a card's text and reply_markup (Telegram's JSON)


def issue_card(t: Translator, issue: Issue, name: Callable[[int | None], str]) -> Shown:
    markup = issue_views.card_buttons(t, issue, None)  # none: an edit drops the old ones
    return (
        issue_views.card(t, issue, name, public=True),
        markup.to_dict() if markup is not None else None,
    )


def activity_card(t: Translator, activity: Activity) -> Shown:
    markup = activity_views.buttons(t, activity)
    return activity_views.card(t, activity), markup.to_dict() if markup else None


class CardRenderer:
    def __init__(self, people: Notifier) -> None:
        self._people = people

    def __call__(
        self, conn: sqlite3.Connection, kind: str, card: int, chat_id: int
    ) -> Shown | None:
        """The card as it should look now; None when its issue or activity is gone."""
        if kind == "activity":
            activity = load_activity(conn, card)
            if activity is None:
                return None
            return activity_card(self._people.chat_tr(chat_id), activity)
        issue = load_issue(conn, card)
        if issue is None:
            return None
        return issue_card(self._people.chat_tr(chat_id), issue, self._people.name)
