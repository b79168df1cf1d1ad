"""Who hears of what about votes: the card in each group of the vote (sent once, then redrawn
by the outbox as ballots come in) and, at the close, the result under each card. Runs inside
the transaction that made the change: it only reads caches and renders.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from bot.core.audience import Audience
from bot.delivery.outbox_store import OutboxItem, card_refresh
from bot.votes import views
from bot.votes.card import vote_card
from bot.votes.rules import Vote
from bot.votes.store import KIND


class VoteNotifier:
    def __init__(self, people: Audience) -> None:
        self._people = people

    def cards(self, vote: Vote, chats: Iterable[int]) -> list[OutboxItem]:
        """The new vote's card in each group, in the group's language."""
        items = []
        for chat_id in chats:
            text, markup = vote_card(self._people.chat_tr(chat_id), vote)
            items.append(OutboxItem(chat_id, text, markup=markup, card_of=vote.id, card_kind=KIND))
        return items

    def refreshes(self, vote: Vote, chats: Iterable[int]) -> list[OutboxItem]:
        """The cards brought up to date when their turn comes (one pending each)."""
        return [card_refresh(c, KIND, vote.id) for c in chats if self._people.group_active(c)]

    def results(self, vote: Vote, chats: Sequence[int]) -> list[OutboxItem]:
        """The closed cards (no buttons) and the result, as a reply to each card."""
        items = self.refreshes(vote, chats)
        for chat_id in chats:
            if not self._people.group_active(chat_id):
                continue
            text = views.result(self._people.chat_tr(chat_id), vote)
            items.append(OutboxItem(chat_id, text, reply_to_card=vote.id, card_kind=KIND))
        return items
