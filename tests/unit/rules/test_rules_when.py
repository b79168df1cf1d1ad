"""Typed times: the forms organizers use, and clear error keys for the rest."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.activities.rules.times import Span, parse_moment, parse_span

TZ = ZoneInfo("Asia/Shanghai")


def test_start_and_optional_end() -> None:
    assert parse_span("2026-11-29 09:00", TZ) == Span(datetime(2026, 11, 29, 9, 0, tzinfo=TZ), None)
    span = parse_span("2026-11-29 09:00-11:30", TZ)
    assert isinstance(span, Span) and span.end == datetime(2026, 11, 29, 11, 30, tzinfo=TZ)
    assert parse_span("２０２６／１１／２９　９：００～１１：３０", TZ) == span
    assert parse_span("2026-11-29 9:00 至 11:30", TZ) == span


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("tomorrow 9am", "format"),
        ("2026-11-29", "format"),
        ("2026-13-01 09:00", "invalid"),
        ("2026-02-30 09:00", "invalid"),
        ("2026-11-29 25:00", "invalid"),
        ("2026-11-29 11:00-09:00", "order"),
        ("", "format"),
    ],
)
def test_errors(text: str, error: str) -> None:
    assert parse_span(text, TZ) == error


def test_a_moment_has_no_end() -> None:
    assert parse_moment("2026-11-28 18:00", TZ) == datetime(2026, 11, 28, 18, 0, tzinfo=TZ)
    assert parse_moment("2026-11-28 18:00-19:00", TZ) == "format"
