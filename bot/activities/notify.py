"""Who hears of what about activities: cards in the target groups (sent once, then edited as
sign-ups change) and private notices, each in its reader's language. Runs inside the
transaction that made the change: it only reads caches and renders.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from bot.activities import views
from bot.activities.card import activity_card
from bot.activities.rules.model import Activity, Signup
from bot.core.audience import Audience
from bot.delivery.outbox_store import OutboxItem, card_refresh


@dataclass(frozen=True)
class ActivityChange:
    """What a use case changed, for composing messages."""

    activity: Activity
    event: str  # published | joined | resized | unchanged | cancelled_signup | cancelled | reminder | finished
    user_id: int | None = None
    signup: Signup | None = None
    promoted: tuple[Signup, ...] = ()
    card_chats: tuple[int, ...] = ()  # groups showing (or about to show) its card
    audience: tuple[Signup, ...] = ()  # everyone signed up (cancellation, reminder)


class ActivityNotifier:
    def __init__(self, people: Audience) -> None:
        self._people = people

    def compose(self, change: ActivityChange) -> list[OutboxItem]:
        return [*self._cards(change), *self._presser(change), *self._people_told(change)]

    def announcement(self, community: str, chats: Iterable[int], text: str) -> list[OutboxItem]:
        """An organizer's notice, to each group in the group's language."""
        return [
            OutboxItem(c, views.announcement(self._people.chat_tr(c), community, text))
            for c in chats
        ]

    def _cards(self, change: ActivityChange) -> list[OutboxItem]:
        activity = change.activity
        if change.event != "published":
            return [card_refresh(c, "activity", activity.id) for c in change.card_chats]
        items = []
        for chat_id in change.card_chats:
            text, markup = activity_card(self._people.chat_tr(chat_id), activity)
            items.append(
                OutboxItem(chat_id, text, markup=markup, card_of=activity.id, card_kind="activity")
            )
        return items

    def _presser(self, change: ActivityChange) -> list[OutboxItem]:
        """The popup's answer, also privately to whoever joined or changed their party."""
        presser = change.user_id
        if not (change.signup and presser and change.event in ("joined", "resized")):
            return []
        if not self._people.reachable(presser):
            return []
        t = self._people.user_tr(presser)
        return [
            OutboxItem(
                presser, views.signup_answer(t, change.activity, change.signup, change.event)
            )
        ]

    def _people_told(self, change: ActivityChange) -> list[OutboxItem]:
        activity, reachable = change.activity, self._people.reachable
        items = []
        for signup in change.promoted:
            if reachable(signup.user_id):
                t = self._people.user_tr(signup.user_id)
                items.append(OutboxItem(signup.user_id, views.promoted_notice(t, activity, signup)))
        for signup in change.audience:
            if not reachable(signup.user_id):
                continue
            t = self._people.user_tr(signup.user_id)
            if change.event == "cancelled":
                items.append(OutboxItem(signup.user_id, views.cancelled_notice(t, activity)))
            elif change.event == "reminder":
                items.append(OutboxItem(signup.user_id, views.reminder(t, activity, signup)))
        return items
