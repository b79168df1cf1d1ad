"""A vote's card in a group, as the outbox draws it when a refresh's turn comes.

The same whether it is sent when the vote opens (bot/votes/notify.py) or redrawn later by the
outbox (registered under the kind "vote" in bot/app.py): both come from `vote_card`. Drawn
when sent, it shows the counts of that moment: a burst of presses becomes one edit.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.core.i18n import Translator
from bot.delivery.cards import CardRender, Shown, card_renderer
from bot.votes import views
from bot.votes.rules import Vote
from bot.votes.store import load_vote

ChatTranslator = Callable[[int], Translator]  # a group's language, by chat id


def vote_card(t: Translator, vote: Vote) -> Shown:
    markup = views.buttons(t, vote)
    return views.card(t, vote), markup.to_dict() if markup else None


def vote_card_renderer(chat_tr: ChatTranslator) -> CardRender:
    """The renderer of "vote" cards, each in the language of the group it is shown in."""
    return card_renderer(chat_tr, load_vote, vote_card)
