"""What an organizer types for an activity, checked field by field — shared by the one-line
/newactivity and the guided dialog. Each check returns the value or raises `FormProblem` with
what is wrong, in the organizer's language.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.activities.rules.times import parse_moment, parse_span
from bot.activities.service import ActivityDetails
from bot.core.db import utcnow
from bot.core.i18n import Translator
from bot.core.render import esc, truncate

TITLE_LIMIT = 100
TEXT_LIMIT = 2000
PLACE_LIMIT = 100
CAPACITY_LIMIT = 10000
PARTY_LIMIT = 10


class FormProblem(Exception):
    """A field as typed is not usable; `text` says why."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


def title(t: Translator, text: str) -> str:
    if not 1 <= len(text) <= TITLE_LIMIT:
        raise FormProblem(t._("The title is 1 to {limit} characters.").format(limit=TITLE_LIMIT))
    return text


def place(t: Translator, text: str) -> str:
    if not 1 <= len(text) <= PLACE_LIMIT:
        raise FormProblem(t._("The place is 1 to {limit} characters.").format(limit=PLACE_LIMIT))
    return text


def capacity(t: Translator, text: str) -> int:
    digits = text.strip()
    if not digits.isdecimal() or not 1 <= int(digits) <= CAPACITY_LIMIT:
        raise FormProblem(
            t._("The capacity is a number of people, 1 to {limit}.").format(limit=CAPACITY_LIMIT)
        )
    return int(digits)


def party(t: Translator, text: str) -> int:
    digits = text.strip()
    if not digits.isdecimal() or not 1 <= int(digits) <= PARTY_LIMIT:
        raise FormProblem(
            t._("The largest party is a number, 1 to {limit}.").format(limit=PARTY_LIMIT)
        )
    return int(digits)


def description(t: Translator, text: str) -> str | None:
    if len(text) > TEXT_LIMIT:
        raise FormProblem(
            t._("The description is at most {limit} characters.").format(limit=TEXT_LIMIT)
        )
    return text or None


def span(t: Translator, text: str, tz: ZoneInfo) -> tuple[datetime, datetime | None]:
    """The start and the optional end, the start still to come."""
    found = parse_span(text, tz)
    if isinstance(found, str):
        raise FormProblem(_time_problem(t, found, text))
    if found.start <= utcnow():
        raise FormProblem(t._("{time} is in the past.").format(time=esc(t.when(found.start))))
    return found.start, found.end


def deadline(t: Translator, text: str, tz: ZoneInfo, start: datetime) -> datetime:
    """When sign-ups close: between now and the start."""
    moment = parse_moment(text, tz)
    if isinstance(moment, str):
        raise FormProblem(t._("Write the time as YYYY-MM-DD HH:MM, e.g. 2026-12-04 18:00."))
    if not utcnow() < moment <= start:
        raise FormProblem(t._("The deadline is between now and the start."))
    return moment


def _time_problem(t: Translator, error: str, text: str) -> str:
    if error == "order":
        return t._("The end must come after the start.")
    if error == "invalid":
        return t._("“{value}” is not a real date and time.").format(value=esc(truncate(text, 30)))
    return t._("Write the time as YYYY-MM-DD HH:MM, e.g. 2026-12-05 09:00 (or 09:00-11:30).")


def split_line(text: str) -> list[str]:
    """The one-line form's parts, split at | (or the full-width ｜)."""
    return [p.strip() for p in text.replace("｜", "|").split("|")]


def details(t: Translator, parts: list[str], tz: ZoneInfo) -> ActivityDetails:
    """The one-line form: title | YYYY-MM-DD HH:MM | place | capacity [| max party [| description]]."""
    if len(parts) < 4:
        raise FormProblem(t._("Give at least the title, time, place and capacity, separated by |."))
    title_text, when_text, place_text, capacity_text, *rest = parts
    checked_title = title(t, title_text)
    start, end = span(t, when_text, tz)
    return ActivityDetails(
        title=checked_title,
        starts_at=start,
        ends_at=end,
        place=place(t, place_text),
        capacity=capacity(t, capacity_text),
        max_party=party(t, rest[0]) if rest and rest[0] else 1,
        description=description(t, " | ".join(rest[1:]).strip()),
    )
