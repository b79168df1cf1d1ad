"""Public notices (公示): the window's limits, how a notice's number is written, when a window is
open, and the typed refusals — pure, so the handlers, the dialog and the service agree on them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

DAYS_MIN, DAYS_MAX = 1, 30  # the objection window, in days of 24 hours
TEXT_LIMIT = 2000  # a notice's text, and an objection's
PREFIX = "G"  # 公示: issues are #N, activities #N, visits V, votes P
EXCERPT = 40  # characters of a notice's first line that name it in lists and private messages


@dataclass(frozen=True, slots=True)
class Notice:
    id: int
    community_id: int
    text: str
    days: int
    created_by: int
    created_at: datetime
    closes_at: datetime
    closed_at: datetime | None

    @property
    def label(self) -> str:
        return label(self.id)

    def is_open(self, now: datetime) -> bool:
        """Objections are taken until the window's last second; the close job may come later,
        but an objection after `closes_at` is refused even before it ran."""
        return self.closed_at is None and now < self.closes_at


@dataclass(frozen=True, slots=True)
class Objection:
    notice_id: int
    user_id: int
    text: str
    created_at: datetime
    updated_at: datetime


# -- refusals ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class NoticeMissing:
    notice_id: int


@dataclass(frozen=True)
class NoticeClosed:
    notice: Notice


@dataclass(frozen=True)
class NotOfficial:
    """Only the community's officials (and superadmins) post notices and read objections."""


@dataclass(frozen=True)
class NoGroups:
    """The community has no group the bot is still in."""


# -- parsing ----------------------------------------------------------------------------------


def label(notice_id: int) -> str:
    return f"{PREFIX}{notice_id}"


def parse_number(word: str | None) -> int | None:
    """A notice number as people write it: G3, g3, #G3, Ｇ3 or plain 3."""
    if not word:
        return None
    digits = word.strip().lstrip("#＃").lstrip("GgＧｇ")
    return int(digits) if digits.isdecimal() and 0 < len(digits) < 10 else None


def parse_days(word: str) -> int | None:
    """The window's length: 5, 5天, 5d (ASCII or full-width digits); None outside 1–30."""
    digits = word.strip().removesuffix("天").removesuffix("days").removesuffix("d")
    if not digits.isdecimal() or len(digits) > 3:
        return None
    days = int(digits)
    return days if DAYS_MIN <= days <= DAYS_MAX else None


def closes_at(posted: datetime, days: int) -> datetime:
    return posted + timedelta(days=days)


def excerpt(text: str, limit: int = EXCERPT) -> str:
    """The first line, cut: how a notice is named where its whole text would be too much."""
    first = text.strip().split("\n", 1)[0].strip()
    return first if len(first) <= limit else first[: limit - 1] + "…"
