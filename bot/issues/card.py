"""An issue's card in its group, as the outbox draws it when a refresh's turn comes.

The card is the same whether it is sent with the report (bot/issues/notify.py) or redrawn later
by the outbox (registered under the kind "issue" in bot/app.py): both come from `issue_card`.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.core.i18n import Translator
from bot.delivery.cards import CardRender, Shown, card_renderer
from bot.issues import views
from bot.issues.store import Issue, load_issue

ChatTranslator = Callable[[int], Translator]  # a group's language, by chat id


def issue_card(t: Translator, issue: Issue, name: views.Names, web_url: str | None = None) -> Shown:
    """The group's card and its buttons (a "no buttons" markup drops the old ones on an edit);
    with a web board (MULIN_WEB_URL) the last button opens the issue's page there."""
    return views.card(t, issue, name, public=True), views.card_markup(t, issue, None, web_url)


def issue_card_renderer(
    chat_tr: ChatTranslator, name: views.Names, web_url: str | None = None
) -> CardRender:
    """The renderer of "issue" cards. Languages and names come from the caches of whoever
    builds the application, so that drawing a card reads nothing but the issue; the web
    board's URL is the one the report's card was sent with, so a redraw keeps its link."""
    return card_renderer(chat_tr, load_issue, lambda t, issue: issue_card(t, issue, name, web_url))
