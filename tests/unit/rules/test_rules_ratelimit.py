"""SPEC: /report and /urgent together, at most 5 per user in any 60 minutes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.issues.rules.ratelimit import LIMIT, WINDOW, next_allowed

NOW = datetime(2025, 3, 15, 9, 0, tzinfo=UTC)
MIN = timedelta(minutes=1)


def ago(*minutes: float) -> list[datetime]:
    return [NOW - timedelta(minutes=m) for m in minutes]


def test_defaults_are_spec() -> None:
    assert LIMIT == 5
    assert WINDOW.total_seconds() == 60 * 60


def test_nothing_before() -> None:
    assert next_allowed([], NOW) is None


def test_four_in_window_allows_a_fifth() -> None:
    assert next_allowed(ago(1, 2, 3, 59), NOW) is None


def test_five_in_window_refuses_until_the_oldest_leaves() -> None:
    assert next_allowed(ago(1, 2, 3, 4, 50), NOW) == NOW + 10 * MIN


def test_exactly_sixty_minutes_ago_has_left_the_window() -> None:
    assert next_allowed(ago(1, 2, 3, 4, 60), NOW) is None


def test_just_under_sixty_minutes_is_still_in() -> None:
    previous = [*ago(1, 2, 3, 4), NOW - WINDOW + timedelta(microseconds=1)]
    assert next_allowed(previous, NOW) == NOW + timedelta(microseconds=1)


def test_at_the_returned_moment_one_more_is_allowed() -> None:
    previous = ago(1, 2, 3, 4, 50)
    moment = next_allowed(previous, NOW)
    assert moment is not None
    assert next_allowed(previous, moment) is None
    assert next_allowed(previous, moment - timedelta(microseconds=1)) == moment


def test_unsorted_input_and_old_reports() -> None:
    previous = ago(3, 500, 50, 1, 61, 20, 2)
    assert next_allowed(previous, NOW) == NOW + 10 * MIN


def test_more_than_limit_in_window_waits_for_the_limit_th_most_recent() -> None:
    # Seven in the window (say, reported while a superadmin): four must leave, not one.
    previous = ago(1, 2, 3, 4, 40, 50, 55)
    assert next_allowed(previous, NOW) == NOW + 20 * MIN


def test_same_instant_twice() -> None:
    assert next_allowed(ago(5, 5, 5, 5, 5), NOW) == NOW + 55 * MIN


def test_other_limit_and_window() -> None:
    previous = ago(1, 8)
    assert next_allowed(previous, NOW, limit=2, window=timedelta(minutes=10)) == NOW + 2 * MIN
    assert next_allowed(previous, NOW, limit=3, window=timedelta(minutes=10)) is None


def test_time_zones_mix_when_aware() -> None:
    shanghai = timezone(timedelta(hours=8))
    previous = [m.astimezone(shanghai) for m in ago(1, 2, 3, 4, 50)]
    assert next_allowed(previous, NOW) == NOW + 10 * MIN


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError):
        next_allowed([], NOW.replace(tzinfo=None))
    with pytest.raises(ValueError):
        next_allowed([NOW.replace(tzinfo=None)], NOW)


def test_bad_parameters() -> None:
    with pytest.raises(ValueError):
        next_allowed([], NOW, limit=0)
    with pytest.raises(ValueError):
        next_allowed([], NOW, window=timedelta(0))


offsets = st.lists(st.integers(min_value=0, max_value=3 * 3600), max_size=12)


@given(offsets)
def test_matches_a_plain_count(seconds_ago: list[int]) -> None:
    previous = [NOW - timedelta(seconds=s) for s in seconds_ago]
    moment = next_allowed(previous, NOW)
    in_window = sum(1 for s in seconds_ago if s < 3600)
    assert (moment is None) == (in_window < 5)
    if moment is not None:
        assert moment > NOW
        assert next_allowed(previous, moment) is None
        just_before = moment - timedelta(microseconds=1)
        assert sum(1 for p in previous if moment - p < WINDOW) < 5
        assert sum(1 for p in previous if just_before - p < WINDOW) >= 5
