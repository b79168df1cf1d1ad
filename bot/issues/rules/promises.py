"""Owners and promised dates (SPEC "Follow-through"): the bodies every community has, what a
body's name may be, reading a promised date as people write it, and when a promise is broken.
Pure: "today" is always the caller's (the local date of the service's clock)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from enum import Enum

BUILTIN_BODIES = ("property", "community")  # 物业 and 社区: always on every community's list
BODY_WORDS = {
    "property": "property",
    "物业": "property",
    "community": "community",
    "社区": "community",
}
BODY_NAME_LIMIT = 20
BODIES_LIMIT = 30  # a community's own bodies
PROMISE_HORIZON = timedelta(days=3 * 365)  # a date further off is a typo, not a promise
_DATE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")


class DateProblem(Enum):
    MALFORMED = "malformed"
    PAST = "past"
    TOO_FAR = "too_far"


class NameProblem(Enum):
    EMPTY = "empty"
    TOO_LONG = "too_long"
    BUILTIN = "builtin"


@dataclass(frozen=True)
class Promise:
    """What a new date means next to the one before: the first, later (postponed), earlier."""

    due: date
    kind: str  # "promise" | "postpone" | "advance"


def parse_due(text: str, today: date) -> date | DateProblem:
    """2026-12-31 (also 2026/12/31, 2026.12.31, 2026年12月31日): today or later, within 3 years."""
    found = _DATE.match(text.strip())
    if found is None:
        return DateProblem.MALFORMED
    try:
        due = date(*(int(part) for part in found.groups()))
    except ValueError:
        return DateProblem.MALFORMED
    if due < today:
        return DateProblem.PAST
    if due > today + PROMISE_HORIZON:
        return DateProblem.TOO_FAR
    return due


def promise_kind(due: date, before: str | None) -> Promise:
    """The first promise (or the same date again), or a change of it: later is postponed,
    earlier is brought forward."""
    if before is None or due == date.fromisoformat(before):
        return Promise(due, "promise")
    return Promise(due, "postpone" if due > date.fromisoformat(before) else "advance")


def past_due(due: str | None, today: date) -> bool:
    """Broken from the day after the promised date."""
    return due is not None and date.fromisoformat(due) < today


def body_key(word: str) -> str:
    """物业 / property → 'property'; 社区 / community → 'community'; any other name as written."""
    cleaned = " ".join(word.split())
    return BODY_WORDS.get(cleaned.lower(), cleaned)


def name_problem(name: str) -> NameProblem | None:
    cleaned = " ".join(name.split())
    if not cleaned:
        return NameProblem.EMPTY
    if len(cleaned) > BODY_NAME_LIMIT:
        return NameProblem.TOO_LONG
    if body_key(cleaned) in BUILTIN_BODIES:
        return NameProblem.BUILTIN
    return None
