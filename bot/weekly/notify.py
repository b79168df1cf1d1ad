"""Who hears the Monday account: the group, in its own language, as one message — or a few, cut
at line ends, when a busy community's names make it longer than Telegram takes."""

from __future__ import annotations

from bot.core.audience import Audience
from bot.core.render import split_html
from bot.delivery.outbox_store import OutboxItem
from bot.weekly import views
from bot.weekly.store import Account


def account_items(people: Audience, chat_id: int, place: str, week: Account) -> list[OutboxItem]:
    t = people.chat_tr(chat_id)
    text = views.account(t, place, week, people.name, people.grid_name)
    return [OutboxItem(chat_id, part) for part in split_html(text)]
