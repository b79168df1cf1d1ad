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
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from contextlib import AsyncExitStack
from datetime import timedelta
from typing import Any

from aiolimiter import AsyncLimiter
from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

BULK = "bulk"  # rate_limit_args of the outbox's requests
BULK_SHARE = 0.98  # of each limit; the rest is the replies' head start and the margin

ANSWER_BURST = 3.0  # answers that may go at once when the overall bucket is not in use

Answer = bool | dict[str, Any] | list[dict[str, Any]]


class Pacing(BaseRateLimiter[str]):
    def __init__(self, overall_per_second: float, group_per_minute: float) -> None:
        self._overall = _bucket(overall_per_second, ANSWER_BURST)
        self._bulk = _bucket(overall_per_second * BULK_SHARE, 1.0)
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
