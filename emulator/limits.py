"""Failures on demand and Telegram's broadcast limits.

Fault switches let a test make the next call fail the way Telegram fails (429 with
retry_after, 403, a dropped connection) to prove the bot waits, retries or gives up
correctly. The rate limiter answers 429 where Telegram would, so a broadcast that ignores
the limits fails in tests instead of in a real group.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from .errors import ApiFailure, too_many_requests

_DEFAULT_DESCRIPTIONS = {
    400: "Bad Request: emulated failure",
    401: "Unauthorized",
    403: "Forbidden: bot was blocked by the user",
    404: "Not Found",
    409: "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running",
    500: "Internal Server Error",
    502: "Bad Gateway",
}


@dataclass
class Fault:
    drop: bool
    remaining: int
    status: int = 429
    retry_after: int = 1
    description: str | None = None
    parameters: dict[str, Any] | None = None

    def failure(self) -> ApiFailure:
        if self.status == 429 and self.description is None:
            failure = too_many_requests(self.retry_after)
            if self.parameters:
                failure.parameters = {**(failure.parameters or {}), **self.parameters}
            return failure
        description = self.description or _DEFAULT_DESCRIPTIONS.get(
            self.status, f"Error: emulated failure {self.status}"
        )
        parameters = dict(self.parameters or {})
        if self.status == 429:
            parameters.setdefault("retry_after", self.retry_after)
        return ApiFailure(self.status, description, parameters or None)


class FaultSwitches:
    def __init__(self) -> None:
        self._faults: dict[str, list[Fault]] = {}
        self._held: set[str] = set()
        self._released = asyncio.Event()
        self._released.set()

    def hold(self, methods: Iterable[str]) -> None:
        """Calls of these methods wait, unanswered, until release(): the bot looks busy (its
        sends in flight) while getUpdates goes on answering."""
        self._held |= {m.lower() for m in methods}
        self._released.clear()

    def release(self) -> None:
        self._held.clear()
        self._released.set()

    async def wait_if_held(self, method: str) -> None:
        if method.lower() in self._held:
            await self._released.wait()

    def add(self, method: str, fault: Fault) -> None:
        if fault.remaining < 1:
            raise ValueError("count must be at least 1")
        self._faults.setdefault(method.lower(), []).append(fault)

    def take(self, method: str) -> Fault | None:
        """The fault for this call of `method`, if one is armed; uses up one of its count."""
        queue = self._faults.get(method.lower())
        if not queue:
            return None
        fault = queue[0]
        fault.remaining -= 1
        if fault.remaining <= 0:
            queue.pop(0)
        return fault

    def clear(self) -> None:
        self._faults.clear()


@dataclass
class RateLimits:
    """Telegram's documented broadcast limits; attributes may be changed by tests."""

    enabled: bool = False
    per_second: int = 30  # messages per second, all chats together
    per_group_minute: int = 20  # messages per minute to one group
    private_rate: float = 1.0  # messages per second to one private chat, on average ...
    private_burst: int = 5  # ... with short bursts allowed, as Telegram says it does
    clock: Callable[[], float] = time.monotonic  # replaceable, for tests that freeze time
    _sent: deque[float] = field(default_factory=deque)
    _groups: dict[int, deque[float]] = field(default_factory=dict)
    _private: dict[int, tuple[float, float]] = field(default_factory=dict)  # tokens, at

    def check(self, chat_id: int, is_group: bool, count: int = 1) -> None:
        """Record `count` messages to a chat or raise 429 with the wait Telegram would ask."""
        if not self.enabled:
            return
        clock = self.clock()
        waits = [self._window_wait(self._sent, clock, 1.0, self.per_second, count)]
        if is_group:
            group = self._groups.setdefault(chat_id, deque())
            waits.append(self._window_wait(group, clock, 60.0, self.per_group_minute, count))
        else:
            tokens, at = self._private.get(chat_id, (float(self.private_burst), clock))
            tokens = min(float(self.private_burst), tokens + (clock - at) * self.private_rate)
            waits.append(max(0.0, (count - tokens) / self.private_rate))
        wait = max(waits)
        if wait > 0:
            raise too_many_requests(max(1, math.ceil(wait)))
        self._sent.extend([clock] * count)
        if is_group:
            self._groups[chat_id].extend([clock] * count)
        else:
            self._private[chat_id] = (tokens - count, clock)

    @staticmethod
    def _window_wait(
        sent: deque[float], clock: float, window: float, limit: int, count: int
    ) -> float:
        while sent and sent[0] <= clock - window:
            sent.popleft()
        excess = len(sent) + count - limit
        if excess <= 0:
            return 0.0
        if excess > len(sent):
            return window
        return sent[excess - 1] + window - clock

    def reset(self) -> None:
        self._sent.clear()
        self._groups.clear()
        self._private.clear()
