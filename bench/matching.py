"""Which bot request answered which queued update, from the emulator's time-stamped log.

- a button press: the answerCallbackQuery carrying its callback query id;
- a message in a group: the first message the bot sent there quoting it (reply_parameters),
  which is how both bots answer in groups (Mulin's /report card quotes the report too);
- a message in a private chat: the bot's messages to that chat answer its updates in order
  (both bots handle a chat's updates one at a time, in order, and each answers once), so the n-th
  message to the chat after the update was queued answers its n-th update.
Anything else the bot sent is counted as extra (card edits, notifications).
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Iterable, Sequence
from typing import Any

from .emuhost import SEND_METHODS
from .procs import LogEntry


class Matcher:
    def __init__(
        self, actions: Sequence[Sequence[Any]], queued: Sequence[tuple[float, int, int | str]]
    ) -> None:
        self.queued_at = [t for t, _, _ in queued]
        self.update_ids = [u for _, u, _ in queued]
        self.replied_at: list[float | None] = [None] * len(actions)
        self.done = 0
        self.extra: Counter[str] = Counter()
        self.failed: Counter[str] = Counter()  # answers the emulator refused (4xx)
        self._press: dict[str, int] = {}
        self._group: dict[tuple[int, int], int] = {}
        self._private: dict[int, deque[int]] = {}
        for i, (action, (_, _, key)) in enumerate(zip(actions, queued, strict=True)):
            kind, chat_id = str(action[0]), int(action[2])
            if kind == "press":
                self._press[str(key)] = i
            elif chat_id < 0:
                self._group[(chat_id, int(key))] = i
            else:
                self._private.setdefault(chat_id, deque()).append(i)

    @property
    def complete(self) -> bool:
        return self.done == len(self.replied_at)

    def feed(self, entries: Iterable[LogEntry]) -> None:
        for entry in entries:
            index = self._match(entry)
            if index is None:
                if entry.method != "getUpdates":
                    self.extra[entry.method] += 1
                continue
            if entry.ok is False:
                self.failed[entry.method] += 1
            self.replied_at[index] = entry.t
            self.done += 1

    def _match(self, entry: LogEntry) -> int | None:
        if entry.method == "answerCallbackQuery":
            index = self._press.get(entry.query_id or "")
        elif entry.method in SEND_METHODS and entry.chat_id is not None:
            if entry.chat_id < 0:
                index = (
                    self._group.get((entry.chat_id, entry.reply_to))
                    if entry.reply_to is not None
                    else None
                )
            else:
                waiting = self._private.get(entry.chat_id)
                if not waiting or self.queued_at[waiting[0]] > entry.t:
                    return None
                index = waiting.popleft()
        else:
            return None
        if index is None or self.replied_at[index] is not None:
            return None
        return index

    def latencies(self, kinds: Sequence[str] | None = None, kind: str | None = None) -> list[float]:
        """Seconds from queued to answered, of the answered updates (of one kind if given)."""
        return [
            replied - self.queued_at[i]
            for i, replied in enumerate(self.replied_at)
            if replied is not None and (kind is None or (kinds is not None and kinds[i] == kind))
        ]

    def last_reply(self) -> float:
        return max((t for t in self.replied_at if t is not None), default=float("nan"))
