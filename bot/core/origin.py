"""Where a use case comes from: the person, the chat and the update (for its recorded id)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

Clock = Callable[[], datetime]  # "now", aware; the services' only way to read the time


@dataclass(frozen=True)
class Origin:
    """What every use case needs of the update that asked for it.

    `update_id` is recorded in the transaction of the use case's effect, so that an update
    Telegram delivers twice has one effect; None for what no update asked (jobs, tools).
    """

    user_id: int
    chat_id: int
    update_id: int | None
    private: bool

    @classmethod
    def job(cls) -> Origin:
        """The daily jobs: no person, no chat, no update."""
        return cls(0, 0, None, True)
