"""Times as organizers type them: `2026-11-29 09:00`, optionally `-11:30` for the end.

Local wall-clock time in the deployment's zone; full-width digits and punctuation accepted.
Returns an error key instead of raising, so the caller can say what was wrong.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

_PATTERN = re.compile(
    r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})\s+(\d{1,2}):(\d{2})(?:\s*[-~–—至到]\s*(\d{1,2}):(\d{2}))?$"
)


@dataclass(frozen=True)
class Span:
    start: datetime
    end: datetime | None


def parse_span(text: str, tz: ZoneInfo) -> Span | str:
    """A start (and optional end the same day) or an error key: format | invalid | order."""
    normalized = unicodedata.normalize("NFKC", text).strip()
    match = _PATTERN.match(normalized)
    if match is None:
        return "format"
    year, month, day, hour, minute, end_hour, end_minute = match.groups()
    try:
        start = datetime(int(year), int(month), int(day), int(hour), int(minute), tzinfo=tz)
        end = (
            start.replace(hour=int(end_hour), minute=int(end_minute))
            if end_hour is not None
            else None
        )
    except (ValueError, OverflowError):
        return "invalid"
    if end is not None and end <= start:
        return "order"
    # A wall-clock time that does not exist (a DST gap) is moved forward, as clocks do.
    try:
        start = start.astimezone(ZoneInfo("UTC")).astimezone(tz)
    except OverflowError:  # the first hours of year 1 have no UTC equivalent
        return "invalid"
    return Span(start, end)


def parse_moment(text: str, tz: ZoneInfo) -> datetime | str:
    span = parse_span(text, tz)
    if isinstance(span, str):
        return span
    if span.end is not None:
        return "format"
    return span.start
