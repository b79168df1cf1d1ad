"""The outbox worker: sends what transactions queued, within Telegram's limits, exactly once as
far as Telegram lets us know.

Messages to one chat go in order; chats are served concurrently so one slow group (Telegram
allows 20 messages a minute in a group; PTB's rate limiter paces us) never holds up the rest.
A message is marked sent right after Telegram accepts it. Telegram's refusals never stop the
run: a group that removed the bot is marked inactive and skipped, a user who blocked the bot
is skipped, RetryAfter is waited out, network trouble is retried with backoff.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime, timedelta

from telegram import Bot
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter

from bot.core.db import utcnow
from bot.core.registry import Registry
from bot.delivery.outbox_store import CARD_EDIT_INTERVAL, OutboxStore, PendingMessage, Render
from bot.delivery.pacing import retry_seconds
from bot.delivery.sending import edit_html, send_html, send_media

log = logging.getLogger(__name__)

CONCURRENT_CHATS = 16
IDLE_POLL = timedelta(seconds=60)
STOP_GRACE = 5.0  # seconds; the whole shutdown must fit in 10


class OutboxWorker:
    """`render` draws a card when its refresh's turn comes (bot/delivery/cards.py: the card
    kinds the features registered), so that a burst of changes costs one rendering, not one
    per change."""

    def __init__(
        self,
        registry: Registry,
        bot: Bot,
        render: Render,
        *,
        edit_interval: timedelta = CARD_EDIT_INTERVAL,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self._registry = registry
        self._render = render
        self._edit_interval = edit_interval
        self._store = OutboxStore(registry.db)
        self._bot = bot
        self._clock = clock
        self._stopping = False
        self._task: asyncio.Task[None] | None = None
        self._idle = asyncio.Event()
        self._slots = asyncio.Semaphore(CONCURRENT_CHATS)
        self._senders: dict[int, asyncio.Task[None]] = {}  # chat → its sender at work

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="outbox")

    async def stop(self, grace: float = STOP_GRACE) -> None:
        """Finish the messages in flight, then stop; what is left is sent after the restart.

        A message stuck behind Telegram's "retry after" is not waited for past `grace`
        seconds: it stays queued and goes out after the restart.
        """
        self._stopping = True
        self._registry.db.outbox_signal.set()
        if self._task is not None:
            try:
                await asyncio.wait_for(asyncio.shield(self._task), grace)
            except TimeoutError:
                log.warning("outbox: stopping with messages in flight; they are sent later")
                self._task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await self._task
            self._task = None

    async def idle(self) -> None:
        """Returns once nothing is due (for the demo and tests to know the fan-out is done)."""
        while (  # noqa: ASYNC110 — two conditions, polled briefly
            self._task is not None
            and not self._task.done()
            and (self._registry.db.outbox_signal.is_set() or not self._idle.is_set())
        ):
            await asyncio.sleep(0.005)

    async def drained(self) -> None:
        """Returns once nothing is left to send, card edits held back by the edit interval
        included (for the demo and benchmarks to show the cards caught up)."""
        await self.idle()
        while await self._store.backlog():
            await asyncio.sleep(0.05)
            await self.idle()

    async def _run(self) -> None:
        """Hand each chat's due messages to a sender of its own and go on at once: a chat
        waiting for its group's budget or a RetryAfter holds up only itself, never a new
        report's card in another group. A chat's next messages are read when its sender is
        done (its sender wakes the loop), so they keep their order and none goes twice."""
        signal = self._registry.db.outbox_signal
        while not self._stopping:
            signal.clear()
            try:
                batch = await self._store.due(
                    self._clock(),
                    self._render,
                    edit_interval=self._edit_interval,
                    busy=list(self._senders),
                )
                if batch:
                    self._idle.clear()
                    self._dispatch(batch)
                wait = IDLE_POLL
                next_due = await self._store.next_due()
                if next_due is not None:
                    wait = min(wait, max(next_due - self._clock(), timedelta(0)))
            except Exception:
                log.exception("outbox run failed; trying again shortly")
                wait = timedelta(seconds=5)
            if not self._senders and not signal.is_set():
                self._idle.set()
            if wait > timedelta(0) or self._senders:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(signal.wait(), max(wait.total_seconds(), 0.0) or None)
            self._idle.clear()
        await self._finish_senders()
        self._idle.set()

    def _dispatch(self, batch: list[PendingMessage]) -> None:
        by_chat: dict[int, list[PendingMessage]] = defaultdict(list)
        for message in batch:
            by_chat[message.chat_id].append(message)
        for chat_id, messages in by_chat.items():
            task = asyncio.create_task(self._send_chat(messages), name=f"outbox-{chat_id}")
            self._senders[chat_id] = task
            task.add_done_callback(functools.partial(self._sender_done, chat_id))

    def _sender_done(self, chat_id: int, _task: asyncio.Task[None]) -> None:
        self._senders.pop(chat_id, None)
        self._registry.db.outbox_signal.set()  # its next messages, if any, can be read now

    async def _finish_senders(self) -> None:
        if self._senders:
            await asyncio.gather(*self._senders.values(), return_exceptions=True)

    async def _send_chat(self, messages: list[PendingMessage]) -> None:
        async with self._slots:
            for message in messages:
                if self._stopping:
                    return
                if not await self._deliver(message):
                    return  # keep this chat's order: the rest waits for the retry

    def _skip_reason(self, chat_id: int) -> str | None:
        chat = self._registry.chat(chat_id)
        if chat is not None and chat.is_group and not chat.active:
            return "inactive group"
        if chat_id > 0:
            user = self._registry.user(chat_id)
            if user is not None and user.blocked:
                return "blocked by the user"
        return None

    async def _deliver(self, message: PendingMessage) -> bool:
        """Send one message; False when it must be retried later (the chat's queue waits)."""
        now = self._clock()
        reason = self._skip_reason(message.chat_id)
        if reason is not None:
            await self._store.skipped(message, reason, now)
            return True
        try:
            sent = await self._send(message)
            await self._store.sent(message, sent, self._clock())
            return True
        except RetryAfter as exc:
            seconds = retry_seconds(exc)
            await self._store.retry(message, timedelta(seconds=seconds), now)
            return False
        except ChatMigrated as exc:
            await self._registry.migrate_chat(message.chat_id, exc.new_chat_id)
            await self._store.retry(message, timedelta(0), now)
            return False
        except Forbidden as exc:
            await self._forbidden(message, str(exc), now)
            return True
        except BadRequest as exc:
            text = str(exc).lower()
            if "not modified" in text:
                await self._store.sent(message, message.reply_to, now)
            elif "chat not found" in text:
                await self._forbidden(message, str(exc), now)
            else:
                log.warning("outbox message %s refused: %s", message.id, exc)
                await self._store.skipped(message, str(exc)[:200], now)
            return True
        except NetworkError as exc:
            log.warning("outbox message %s: network trouble (%s); retrying", message.id, exc)
            await self._store.retry(message, timedelta(seconds=2 ** min(message.attempts, 6)), now)
            return False

    async def _send(self, message: PendingMessage) -> int:
        """Make the request; the id of the message sent (or edited). Bulk, except a card that
        answers a person's own message (a report in the group): that is their answer."""
        bulk = not (message.card_of is not None and message.reply_to)
        if message.method == "edit":
            assert message.reply_to is not None
            await edit_html(
                self._bot,
                message.chat_id,
                message.reply_to,
                message.text,
                markup=message.markup,
                bulk=bulk,
            )
            return message.reply_to
        if message.payload is not None:
            return await send_media(
                self._bot,
                message.chat_id,
                message.method,
                message.payload,
                caption=message.text,
                reply_to=message.reply_to or None,
                bulk=bulk,
            )
        return await send_html(
            self._bot,
            message.chat_id,
            message.text,
            markup=message.markup,
            reply_to=message.reply_to or None,
            bulk=bulk,
        )

    async def _forbidden(self, message: PendingMessage, why: str, now: datetime) -> None:
        if message.chat_id < 0:
            await self._registry.set_chat_active(message.chat_id, False)
        else:
            await self._registry.set_user_blocked(message.chat_id, True)
        await self._store.skipped(message, why[:200], now)
