"""The update queue: what getUpdates hands out, what a webhook is sent, what counts as delivered.

Telegram keeps an update until the bot confirms it by asking for a higher offset; an update
handed out but not confirmed comes back on the next call. The emulator keeps the same rule,
because it is what makes "the bot crashed after fetching" and "PTB's last getUpdates on stop"
behave as they do in production, and it is what wait_idle() uses to know an update was taken.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from .errors import conflict

ALL_KINDS = (
    "message",
    "edited_message",
    "channel_post",
    "edited_channel_post",
    "business_connection",
    "business_message",
    "edited_business_message",
    "deleted_business_messages",
    "message_reaction",
    "message_reaction_count",
    "inline_query",
    "chosen_inline_result",
    "callback_query",
    "shipping_query",
    "pre_checkout_query",
    "purchased_paid_media",
    "poll",
    "poll_answer",
    "my_chat_member",
    "chat_member",
    "chat_join_request",
    "chat_boost",
    "removed_chat_boost",
)
# Telegram's default when a bot never said which kinds it wants.
DEFAULT_ALLOWED = frozenset(ALL_KINDS) - {
    "chat_member",
    "message_reaction",
    "message_reaction_count",
}

TERMINATED = (
    "terminated by other getUpdates request; make sure that only one bot instance is running"
)
WEBHOOK_ACTIVE = (
    "can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)
TERMINATED_BY_WEBHOOK = "terminated by setWebhook request"


@dataclass
class Update:
    update_id: int
    kind: str
    payload: dict[str, Any]
    handed: bool = False  # returned by getUpdates since it was (re)queued
    redelivered: bool = False

    def json(self) -> dict[str, Any]:
        return {"update_id": self.update_id, self.kind: self.payload}


@dataclass
class WebhookConfig:
    url: str
    secret_token: str | None = None
    max_connections: int = 40
    ip_address: str | None = None
    last_error_date: int | None = None
    last_error_message: str | None = None


@dataclass
class _Poll:
    event: asyncio.Event = field(default_factory=asyncio.Event)
    aborted: str | None = None


class UpdateQueue:
    def __init__(self, first_update_id: int = 1) -> None:
        self._ids = itertools.count(max(1, first_update_id))
        self.pending: list[Update] = []  # not yet confirmed, by id
        self.history: dict[int, Update] = {}
        self.allowed: frozenset[str] = DEFAULT_ALLOWED
        self.allowed_list: list[str] | None = None
        self.webhook: WebhookConfig | None = None
        self.dropped = 0  # updates not queued because the bot did not allow their kind
        self.closing = False  # set on shutdown: a pending long poll returns empty at once
        self._poll: _Poll | None = None
        self._arrival = asyncio.Event()  # wakes the webhook sender

    def push(self, kind: str, payload: dict[str, Any]) -> Update | None:
        """Queue one update, unless the bot's allowed_updates excludes its kind (as Telegram)."""
        if kind not in self.allowed:
            self.dropped += 1
            return None
        update = Update(next(self._ids), kind, payload)
        self.history[update.update_id] = update
        self.pending.append(update)
        self._wake()
        return update

    def redeliver(self, update_id: int) -> Update:
        """Queue a delivered update again with its id, so the next getUpdates returns it."""
        original = self.history.get(update_id)
        if original is None:
            raise LookupError(f"no update {update_id} was ever queued")
        self.pending = [u for u in self.pending if u.update_id != update_id]
        again = Update(update_id, original.kind, original.payload, redelivered=True)
        self.pending.append(again)
        self.pending.sort(key=lambda u: u.update_id)
        self._wake()
        return again

    def set_allowed(self, kinds: Iterable[str] | None) -> None:
        if kinds is None:
            return  # "If not specified, the previous setting will be used"
        wanted = [k for k in kinds if k in ALL_KINDS]
        self.allowed_list = wanted
        self.allowed = frozenset(wanted) if wanted else DEFAULT_ALLOWED

    def drop_pending(self) -> None:
        self.pending.clear()

    def abort_poll(self, reason: str) -> None:
        if self._poll is not None:
            self._poll.aborted = reason
            self._poll.event.set()

    def close(self) -> None:
        self.closing = True
        if self._poll is not None:
            self._poll.event.set()
        self._arrival.set()

    @property
    def polling(self) -> bool:
        return self._poll is not None

    async def get_updates(
        self,
        offset: int | None,
        limit: int | None,
        wait: float,
        allowed_updates: list[str] | None,
        client_connected: Callable[[], bool] = lambda: True,
    ) -> list[dict[str, Any]]:
        if self.webhook is not None:
            raise conflict(WEBHOOK_ACTIVE)
        self.abort_poll(TERMINATED)
        self.set_allowed(allowed_updates)
        self._confirm(offset)
        limit = limit if limit is not None and 1 <= limit <= 100 else 100
        batch = self._collect(offset, limit)
        if batch or wait <= 0 or self.closing:
            return self._hand(batch)
        poll = _Poll()
        self._poll = poll
        loop = asyncio.get_running_loop()
        deadline = loop.time() + wait
        try:
            while True:
                remaining = deadline - loop.time()
                if remaining <= 0:
                    return []
                try:
                    await asyncio.wait_for(poll.event.wait(), remaining)
                except TimeoutError:
                    return []
                poll.event.clear()
                if self.closing:
                    return []
                if poll.aborted is not None:
                    raise conflict(poll.aborted)
                if not client_connected():
                    return []  # a poll the bot gave up on must not take updates with it
                batch = self._collect(offset, limit)
                if batch:
                    return self._hand(batch)
        finally:
            if self._poll is poll:
                self._poll = None

    def _confirm(self, offset: int | None) -> None:
        if not offset:
            return
        if offset < 0:  # "-N": keep only the last N updates
            self.pending = self.pending[offset:]
            return
        self.pending = [
            u for u in self.pending if u.update_id >= offset or (u.redelivered and not u.handed)
        ]

    def _collect(self, offset: int | None, limit: int) -> list[Update]:
        if not offset or offset < 0:
            return self.pending[:limit]
        return [
            u for u in self.pending if u.update_id >= offset or (u.redelivered and not u.handed)
        ][:limit]

    @staticmethod
    def _hand(batch: list[Update]) -> list[dict[str, Any]]:
        for update in batch:
            update.handed = True
        return [update.json() for update in batch]

    # webhook side

    def next_for_webhook(self) -> Update | None:
        return self.pending[0] if self.pending else None

    def delivered(self, update: Update) -> None:
        self.pending = [u for u in self.pending if u is not update]

    async def wait_arrival(self) -> None:
        self._arrival.clear()
        if not self.pending:
            await self._arrival.wait()

    def _wake(self) -> None:
        if self._poll is not None:
            self._poll.event.set()
        self._arrival.set()
