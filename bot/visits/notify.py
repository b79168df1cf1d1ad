"""Who hears of a visit, each in their own language: its grids' groups (the announcement, the
reminders), the reporters and followers of its agenda (the reminders), every moderator of the
community (an urgent meeting), and whoever was told anything of it (a cancellation).

Runs inside the visit's transaction: it reads the caches only and renders, never awaits.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime

from bot.core.audience import Audience
from bot.core.i18n import Translator
from bot.delivery.outbox_store import OutboxItem
from bot.issues.service import Issue, IssueSummary
from bot.visits import views
from bot.visits.store import Visit

Render = Callable[[Translator], str]


def groups(people: Audience, visit: Visit) -> list[int]:
    """The active groups of the visit's grids."""
    return [
        c.id for c in people.registry.group_chats(visit.community_id) if c.grid_id in visit.grids
    ]


def affected(people: Audience, issues: Iterable[Issue]) -> list[int]:
    """The reporters and followers of the agenda's issues who can be reached, each once."""
    found: list[int] = []
    for issue in issues:
        found += [u for u in issue.audience if u not in found and people.reachable(u)]
    return found


def to_chats(people: Audience, chats: Sequence[int], render: Render) -> list[OutboxItem]:
    """The same message to groups (in the group's language) and people (in theirs)."""
    items = []
    for chat_id in chats:
        chat = people.registry.chat(chat_id)
        t = people.chat_tr(chat_id) if chat is not None and chat.is_group else None
        items.append(OutboxItem(chat_id, render(t or people.user_tr(chat_id))))
    return items


def announcement(
    people: Audience, visit: Visit, agenda: Sequence[IssueSummary], now: datetime
) -> Render:
    community = people.community_name(visit.community_id)
    return lambda t: views.announcement(t, visit, agenda, people.grid_name, community, now)


def reminder(
    people: Audience, visit: Visit, which: str, agenda: Sequence[IssueSummary], now: datetime
) -> Render:
    return lambda t: views.reminder(t, visit, which, agenda, people.grid_name, now)


def cancelled(visit: Visit, reason: str | None) -> Render:
    return lambda t: views.cancelled(t, visit, reason)
