"""An activity's card in a group, as the outbox draws it when a refresh's turn comes.

The card is the same whether it is sent when the activity is published
(bot/activities/notify.py) or redrawn later by the outbox (registered under the kind "activity"
in bot/app.py): both come from `activity_card`.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.activities import views
from bot.activities.rules.model import Activity
from bot.activities.store import load_activity
from bot.core.i18n import Translator
from bot.delivery.cards import CardRender, Shown, card_renderer

ChatTranslator = Callable[[int], Translator]  # a group's language, by chat id


def activity_card(t: Translator, activity: Activity) -> Shown:
    markup = views.buttons(t, activity)
    return views.card(t, activity), markup.to_dict() if markup else None


def activity_card_renderer(chat_tr: ChatTranslator) -> CardRender:
    """The renderer of "activity" cards, each in the language of the group it is shown in."""
    return card_renderer(chat_tr, load_activity, activity_card)
