"""An issue's card in its group, as the outbox draws it when a refresh's turn comes.

The card is the same whether it is sent with the report (bot/issues/notify.py) or redrawn later
by the outbox (registered under the kind "issue" in bot/app.py): both come from `issue_card`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from bot.core.i18n import Translator
from bot.delivery.cards import CardRender, Shown
from bot.issues import views
from bot.issues.store import Issue, load_issue

ChatTranslator = Callable[[int], Translator]  # a group's language, by chat id


def issue_card(t: Translator, issue: Issue, name: views.Names) -> Shown:
    # no buttons: an edit drops the old ones
    return views.card(t, issue, name, public=True), views.card_markup(t, issue, None)


def issue_card_renderer(chat_tr: ChatTranslator, name: views.Names) -> CardRender:
    """The renderer of "issue" cards. Languages and names come from the caches of whoever
    builds the application, so that drawing a card reads nothing but the issue."""

    def render(conn: sqlite3.Connection, card: int, chat_id: int) -> Shown | None:
        issue = load_issue(conn, card)
        if issue is None:
            return None
        return issue_card(chat_tr(chat_id), issue, name)

    return render
