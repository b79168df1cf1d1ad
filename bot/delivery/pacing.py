"""Telegram's limits, with a person's answer ahead of bulk traffic (issue 16).

Telegram allows about 30 messages a second overall and 20 a minute in one group. PTB's
AIORateLimiter keeps both with aiolimiter buckets, but it serves every request in turn: a reply
to someone who just pressed a button waits behind the card edits, broadcasts and reminders the
outbox has in flight, and a RetryAfter pauses every request of the bot. Here the same aiolimiter
buckets are composed with two lanes:

- **bulk** (everything the outbox sends; `rate_limit_args=BULK`) also passes a bucket of its own
  at BULK_SHARE of each limit — overall and per group — so it never fills them: a reply finds
  room at once, and a request delayed a few milliseconds on a busy machine does not push the
  bot over Telegram's limit. A RetryAfter goes back to the outbox, which holds that one chat and
  goes on with the others.
- **interactive** (a handler's own answer) passes only Telegram's buckets, and on a RetryAfter
  waits it out once, for that request alone.
The group bucket is taken first, so a request waiting for a busy group holds no overall slot.

Buckets are kept at the bot, Telegram counts where the request lands: on a busy machine (a CPU
hog beside the bot, issue 16) a request waits a few milliseconds here and none there, and the
next goes at once, so requests evenly spaced when the buckets let them go can arrive bunched —
at 98 % of 30 a second, 20 ms of such jitter puts a 31st request in Telegram's second. So every
request also passes a **window** (`Window`) as Telegram counts: at most 30 in any second, each
holding its place from the moment it starts until a second after its answer came back — Telegram
counted it somewhere in between, so however late or bunched the sends, Telegram never sees a
31st. A person's answer takes the next free place ahead of bulk. The bulk bucket has room for
two (BULK_BURST): a request let go a little late is made up by the next one going that much
sooner, so the broadcast keeps its rate instead of losing the lateness of every send (measured
beside a CPU hog: 0.8 ms a send, 2.4 % of a broadcast); the window keeps the catch-up inside
Telegram's limit.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import AsyncExitStack, asynccontextmanager
from datetime import timedelta
from typing import Any

from aiolimiter import AsyncLimiter
from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

BULK = "bulk"  # rate_limit_args of the outbox's requests
BULK_SHARE = 0.98  # of each limit; the rest is the replies' head start and the margin

ANSWER_BURST = 3.0  # answers that may go at once when the overall bucket is not in use
BULK_BURST = 2.0  # bulk requests at once: one sent late lets the next go that much sooner

Answer = bool | dict[str, Any] | list[dict[str, Any]]


class Pacing(BaseRateLimiter[str]):
    def __init__(self, overall_per_second: float, group_per_minute: float) -> None:
        self._overall = _bucket(overall_per_second, ANSWER_BURST)
        self._bulk = _bucket(overall_per_second * BULK_SHARE, BULK_BURST)
        self._window = Window.per_second(overall_per_second)
        self._group_rate = group_per_minute
        self._groups: dict[int, tuple[AsyncLimiter, AsyncLimiter]] = {}

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""

    def _group(self, chat_id: object) -> tuple[AsyncLimiter, AsyncLimiter] | None:
        """A group's buckets (every request, and bulk's share); None for a private chat."""
        if not self._group_rate or not isinstance(chat_id, int) or chat_id >= 0:
            return None
        found = self._groups.get(chat_id)
        if found is None:
            share = max(1.0, self._group_rate * BULK_SHARE)
            found = (AsyncLimiter(self._group_rate, 60), AsyncLimiter(share, 60))
            self._groups[chat_id] = found
        return found

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Answer]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: str | None,
    ) -> Answer:
        bulk = rate_limit_args == BULK
        chat_id = _as_int(data.get("chat_id"))
        buckets = self._buckets(chat_id, bulk=bulk)
        for attempt in (1, 2):
            try:
                async with AsyncExitStack() as stack:
                    for bucket in buckets:
                        await stack.enter_async_context(bucket)
                    if self._window is not None and chat_id is not None:
                        await stack.enter_async_context(self._window.place(bulk=bulk))
                    return await callback(*args, **kwargs)
            except RetryAfter as exc:
                if bulk or attempt == 2:
                    raise
                await asyncio.sleep(retry_seconds(exc) + 0.1)
        raise AssertionError("unreachable")

    def _buckets(self, chat_id: int | None, *, bulk: bool) -> list[AsyncLimiter]:
        """In the order they are taken: the group's first, the overall last."""
        found: list[AsyncLimiter] = []
        group = self._group(chat_id)
        if group is not None:
            found += [group[0], group[1]] if bulk else [group[0]]
        if chat_id is not None:
            if bulk and self._bulk is not None:
                found.append(self._bulk)
            if self._overall is not None:
                found.append(self._overall)
        return found


class Window:
    """At most `limit` requests in any `period` seconds as the far end counts them. A request
    holds a place from when it starts until `period` after its answer (or failure) came back:
    the far end counted it somewhere between the two, so its count never exceeds `limit`
    however late, bunched or slow the requests are. Places go to answers before bulk, and in
    the order asked within each lane."""

    def __init__(self, limit: int, period: float) -> None:
        self.limit = limit
        self.period = period
        self._busy = 0  # places held by requests not answered yet
        self._frees: deque[float] = deque()  # when each answered request's place frees (loop time)
        self._waiting: tuple[deque[asyncio.Future[None]], ...] = (deque(), deque())  # answers, bulk
        self._timer: asyncio.TimerHandle | None = None

    @classmethod
    def per_second(cls, rate: float) -> Window | None:
        """Telegram's overall limit: `rate` a second (30 in any second); None for no limit."""
        if not rate:
            return None
        limit = max(1, int(rate))
        return cls(limit, limit / rate)

    @property
    def used(self) -> int:
        """Places held now (in flight, or answered less than `period` ago)."""
        self._expire(asyncio.get_running_loop().time())
        return self._busy + len(self._frees)

    @asynccontextmanager
    async def place(self, *, bulk: bool) -> AsyncIterator[None]:
        """Hold a place while the request is made; it frees `period` after the request ends."""
        await self._take(bulk)
        try:
            yield
        finally:
            self._busy -= 1
            self._frees.append(asyncio.get_running_loop().time() + self.period)
            self._wake()

    async def _take(self, bulk: bool) -> None:
        loop = asyncio.get_running_loop()
        if not any(self._waiting) and self._has_room(loop.time()):
            self._busy += 1
            return
        ticket: asyncio.Future[None] = loop.create_future()
        queue = self._waiting[1 if bulk else 0]
        queue.append(ticket)
        self._wake()
        try:
            await ticket  # the place is taken for us when the ticket is done
        except asyncio.CancelledError:
            if ticket.done() and not ticket.cancelled():
                self._busy -= 1  # given, but not wanted any more
            elif ticket in queue:
                queue.remove(ticket)
            self._wake()
            raise

    def _expire(self, now: float) -> None:
        while self._frees and self._frees[0] <= now:
            self._frees.popleft()

    def _has_room(self, now: float) -> bool:
        self._expire(now)
        return self._busy + len(self._frees) < self.limit

    def _wake(self) -> None:
        """Give the free places to the first waiters, answers first; then wait for the next
        place to free (a timer), or for a request in flight to end (it calls _wake)."""
        loop = asyncio.get_running_loop()
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        while (queue := self._first()) is not None and self._has_room(loop.time()):
            self._busy += 1
            queue.popleft().set_result(None)
        if self._first() is not None and self._frees:
            self._timer = loop.call_at(self._frees[0], self._wake)

    def _first(self) -> deque[asyncio.Future[None]] | None:
        """The lane whose waiter is served next (answers first), past cancelled waiters."""
        for queue in self._waiting:
            while queue and queue[0].done():
                queue.popleft()
            if queue:
                return queue
        return None


def _bucket(per_second: float, burst: float) -> AsyncLimiter | None:
    """`per_second` on average, at most `burst` at once (0: no limit)."""
    return AsyncLimiter(burst, burst / per_second) if per_second else None


def _as_int(value: object) -> int | None:
    """The chat id as an int (PTB may pass it as a string); None without one."""
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.lstrip("-").isdecimal():
        return int(value)
    return None


def retry_seconds(exc: RetryAfter) -> float:
    """How long Telegram asked to wait (PTB gives seconds or a timedelta)."""
    delay = exc.retry_after
    return delay.total_seconds() if isinstance(delay, timedelta) else float(delay)
