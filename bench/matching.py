"""Which bot request answered which queued update, from the emulator's time-stamped log.

- a button press: the answerCallbackQuery carrying its callback query id;
- a message in a group: the first message the bot sent there quoting it (reply_parameters),
  which is how both bots answer in groups (Mulin's /report card quotes the report too);
- a message in a private chat: the bot's messages to that chat answer its updates in order
  (both bots handle a chat's updates one at a time, in order, and each answers once), so the n-th
  message to the chat after the update was queued answers its n-th update.
Anything else the bot sent is counted as extra (card edits, notifications).

An album's photos are one update each; a captioned one (`report_photos`: "/report <text>") is
answered like a message (Mulin's card, the echo bot's echo of the caption, quoting it), the
uncaptioned ones are silent: neither bot answers them (Mulin adds them to the issue, the echo
bot answers text and captions only), so they are not waited for and have no latency. They
still count as load the bot handled (`handled`, once every other update is answered): both
bots take updates in the order they came (the echo bot one at a time, Mulin a few side by
side but a chat's one after another) and the script never ends on an album, so its silent
photos were taken long before the last answer.
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Iterable, Sequence
from typing import Any

from .emuhost import SEND_METHODS
from .procs import LogEntry


def is_silent(action: Sequence[object]) -> bool:
    """An album's uncaptioned photo (["photo", user, chat, None, album]): no bot answers it."""
    return action[0] == "photo" and action[3] is None


class Matcher:
    def __init__(
        self, actions: Sequence[Sequence[Any]], queued: Sequence[tuple[float, int, int | str]]
    ) -> None:
        self.queued_at = [t for t, _, _ in queued]
        self.update_ids = [u for _, u, _ in queued]
        self.replied_at: list[float | None] = [None] * len(actions)
        self.done = 0
        self.silent = sum(1 for action in actions if is_silent(action))
        self.extra: Counter[str] = Counter()
        self.failed: Counter[str] = Counter()  # answers the emulator refused (4xx)
        self._press: dict[str, int] = {}
        self._group: dict[tuple[int, int], int] = {}
        self._private: dict[int, deque[int]] = {}
        for i, (action, (_, _, key)) in enumerate(zip(actions, queued, strict=True)):
            kind, chat_id = str(action[0]), int(action[2])
            if is_silent(action):
                continue
            if kind == "press":
                self._press[str(key)] = i
            elif chat_id < 0:
                self._group[(chat_id, int(key))] = i
            else:
                self._private.setdefault(chat_id, deque()).append(i)

    @property
    def expected(self) -> int:
        """The updates that get an answer (all but the silent ones)."""
        return len(self.replied_at) - self.silent

    @property
    def complete(self) -> bool:
        return self.done == self.expected

    @property
    def handled(self) -> int:
        """The updates answered, and the silent ones once every other one is."""
        return self.done + (self.silent if self.complete else 0)

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
