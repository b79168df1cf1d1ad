"""Who hears of what about activities: cards in the target groups (sent once, then edited as
sign-ups change) and private notices, each in its reader's language. Runs inside the
transaction that made the change: it only reads caches and renders.
"""

from __future__ import annotations

from bot.activities import views
from bot.activities.card import activity_card
from bot.activities.store import ActivityChange
from bot.core.audience import Audience
from bot.delivery.outbox_store import OutboxItem, card_refresh


class ActivityNotifier:
    def __init__(self, people: Audience) -> None:
        self._people = people

    def compose(self, change: ActivityChange) -> list[OutboxItem]:
        activity, event = change.activity, change.event
        items: list[OutboxItem] = []
        for chat_id in change.card_chats:
            if event != "published":
                items.append(card_refresh(chat_id, "activity", activity.id))
                continue
            text, markup = activity_card(self._people.chat_tr(chat_id), activity)
            items.append(
                OutboxItem(chat_id, text, markup=markup, card_of=activity.id, card_kind="activity")
            )
        reachable = self._people.reachable
        presser = change.user_id
        if change.signup and presser and event in ("joined", "resized") and reachable(presser):
            t = self._people.user_tr(presser)
            text = views.signup_answer(t, activity, change.signup, event)
            items.append(OutboxItem(presser, text))
        for signup in change.promoted:
            if reachable(signup.user_id):
                t = self._people.user_tr(signup.user_id)
                items.append(OutboxItem(signup.user_id, views.promoted_notice(t, activity, signup)))
        for signup in change.audience:
            if not reachable(signup.user_id):
                continue
            t = self._people.user_tr(signup.user_id)
            if event == "cancelled":
                items.append(OutboxItem(signup.user_id, views.cancelled_notice(t, activity)))
            elif event == "reminder":
                items.append(OutboxItem(signup.user_id, views.reminder(t, activity, signup)))
        return items
