"""Votes' pure rules: how a /vote line reads, when a vote is open, and what its result is.

No I/O and no clock: the service passes "now". A vote is closed from its closing moment on,
whether or not the minute's job has run yet: a press a second after the close counts nowhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

QUESTION_LIMIT = 200
OPTION_LIMIT = 40  # an option is a button's label: short enough to read on a phone
MIN_OPTIONS, MAX_OPTIONS = 2, 6
MIN_DAYS, MAX_DAYS, DEFAULT_DAYS = 1, 14, 3
LIST_LIMIT = 10  # /votes shows at most this many open votes

_BAR = re.compile(r"[|｜]")
_ISSUE = re.compile(r"^[#＃](\d{1,9})(?:\s+|$)")
_VOTE_NUMBER = re.compile(r"^[PpＰｐ#＃]?(\d{1,9})$")


class LineProblem(StrEnum):
    """What is wrong with a /vote line (each has its sentence in views.py)."""

    EMPTY = "empty"
    NO_QUESTION = "no_question"
    QUESTION_LONG = "question_long"
    TOO_FEW = "too_few"
    TOO_MANY = "too_many"
    OPTION_EMPTY = "option_empty"
    OPTION_LONG = "option_long"
    DUPLICATE = "duplicate"
    DAYS = "days"


@dataclass(frozen=True)
class VoteLine:
    """A /vote line as understood: the question, its options and how many days it is open."""

    issue_id: int | None
    question: str
    options: tuple[str, ...]
    days: int


@dataclass(frozen=True)
class Vote:
    id: int
    community_id: int
    issue_id: int | None
    question: str
    options: tuple[str, ...]
    created_by: int
    created_at: datetime
    closes_at: datetime
    closed_at: datetime | None
    counts: tuple[int, ...]  # ballots per option, in the options' order

    @property
    def total(self) -> int:
        return sum(self.counts)

    def open_at(self, now: datetime) -> bool:
        return self.closed_at is None and now < self.closes_at

    @property
    def winners(self) -> tuple[int, ...]:
        return winners(self.counts)

    def with_ballot(self, before: int | None, choice: int) -> Vote:
        """The counts once a person's ballot moved from `before` (None: a new ballot) to
        `choice`, without counting the ballots again."""
        counts = list(self.counts)
        if before is not None:
            counts[before] -= 1
        counts[choice] += 1
        return replace(self, counts=tuple(counts))


def history_note(vote: Vote) -> str:
    """The line a result leaves in its issue's history: the voters' own words and numbers only,
    so that it reads the same in every language."""
    counts = " · ".join(f"{o} {n}" for o, n in zip(vote.options, vote.counts, strict=True))
    return f"🗳 P{vote.id} {vote.question} → {counts}"


def split_line(text: str) -> list[str]:
    """The parts of a one-line command, between `|` (or the full-width `｜`)."""
    return [part.strip() for part in _BAR.split(text)]


def issue_prefix(first: str) -> tuple[int | None, str]:
    """`#12 question` → (12, "question"); anything else → (None, first)."""
    found = _ISSUE.match(first)
    if found is None:
        return None, first
    return int(found.group(1)), first[found.end() :].strip()


def parse_line(parts: list[str]) -> VoteLine | LineProblem:
    """`[#N] question | option | option [| … up to 6] [| days]`; a last part that is a number
    is the days (1–14, default 3)."""
    if not parts or not any(parts):
        return LineProblem.EMPTY
    issue_id, question = issue_prefix(parts[0])
    rest = list(parts[1:])
    if issue_id is not None and not question and rest:
        question, rest = rest[0], rest[1:]  # `#12 | question | …`
    if not question:
        return LineProblem.NO_QUESTION
    if len(question) > QUESTION_LIMIT:
        return LineProblem.QUESTION_LONG
    days = DEFAULT_DAYS
    if rest and rest[-1].isdecimal():
        days = int(rest.pop())
        if not MIN_DAYS <= days <= MAX_DAYS:
            return LineProblem.DAYS
    return _options(rest, issue_id, question, days)


def _options(
    rest: list[str], issue_id: int | None, question: str, days: int
) -> VoteLine | LineProblem:
    if any(not option for option in rest):
        return LineProblem.OPTION_EMPTY
    if len(rest) < MIN_OPTIONS:
        return LineProblem.TOO_FEW
    if len(rest) > MAX_OPTIONS:
        return LineProblem.TOO_MANY
    if any(len(option) > OPTION_LIMIT for option in rest):
        return LineProblem.OPTION_LONG
    if len({" ".join(option.casefold().split()) for option in rest}) < len(rest):
        return LineProblem.DUPLICATE
    return VoteLine(issue_id, question, tuple(rest), days)


def closes_at(now: datetime, days: int) -> datetime:
    """Open for days × 24 hours (SPEC), whatever the clock of the local day says."""
    return now + timedelta(days=days)


def vote_number(word: str | None) -> int | None:
    """A vote's number as people write it: P3, p3, 3, #3."""
    if not word:
        return None
    found = _VOTE_NUMBER.match(word.strip())
    return int(found.group(1)) if found else None


def winners(counts: tuple[int, ...]) -> tuple[int, ...]:
    """The options with the most ballots (several on a tie); none when nobody voted."""
    top = max(counts, default=0)
    return tuple(i for i, n in enumerate(counts) if n == top) if top else ()


def share(count: int, total: int) -> int:
    """A whole percentage, for the result's lines."""
    return round(100 * count / total) if total else 0
