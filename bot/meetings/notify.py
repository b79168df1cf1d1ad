"""Who hears of the meeting: the reminder with its agenda, to every group of the community and
to each subscriber who can be reached, each in their own language."""

from __future__ import annotations

from datetime import datetime

from bot.core.audience import Audience
from bot.delivery.outbox_store import OutboxItem
from bot.issues.service import IssueSummary
from bot.meetings import views


def reminder_items(
    people: Audience,
    community_id: int,
    start: datetime,
    place: str,
    agenda: list[IssueSummary],
    subscribers: list[int],
    now: datetime,
) -> list[OutboxItem]:
    name = people.community_name(community_id)
    items = [
        OutboxItem(
            chat.id,
            views.reminder(
                people.chat_tr(chat.id), name, start, place, agenda, people.grid_name, now
            ),
        )
        for chat in people.registry.group_chats(community_id)
    ]
    for user_id in subscribers:
        if people.reachable(user_id):
            t = people.user_tr(user_id)
            text = views.reminder(t, name, start, place, agenda, people.grid_name, now)
            items.append(OutboxItem(user_id, text))
    return items
