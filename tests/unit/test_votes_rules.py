"""The pure rules of votes (bot/votes/rules.py): the /vote line, open and closed, the tally."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.votes.rules import (
    LineProblem,
    Vote,
    VoteLine,
    closes_at,
    history_note,
    parse_line,
    share,
    split_line,
    vote_number,
    winners,
)

NOW = datetime(2026, 12, 6, 1, 30, tzinfo=UTC)


def vote(counts: tuple[int, ...] = (0, 0), closed: datetime | None = None) -> Vote:
    options = tuple(f"选项{i}" for i in range(len(counts)))
    return Vote(1, 1, None, "刷漆吗？", options, 7, NOW, NOW + timedelta(days=3), closed, counts)


def test_a_line_with_days_and_full_width_bars() -> None:
    line = parse_line(split_line("围栏刷成什么颜色？ ｜ 绿色 | 灰色 | 白色 | 7"))
    assert line == VoteLine(None, "围栏刷成什么颜色？", ("绿色", "灰色", "白色"), 7)


def test_an_issue_number_before_the_question_or_alone() -> None:
    assert parse_line(split_line("#12 北门加道闸吗？ | 同意 | 不同意")) == VoteLine(
        12, "北门加道闸吗？", ("同意", "不同意"), 3
    )
    assert parse_line(split_line("＃12 | 北门加道闸吗？ | 同意 | 不同意")) == VoteLine(
        12, "北门加道闸吗？", ("同意", "不同意"), 3
    )
    assert parse_line(split_line("#12号楼要加电梯吗 | 要 | 不要")) == VoteLine(
        None, "#12号楼要加电梯吗", ("要", "不要"), 3
    )


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", LineProblem.EMPTY),
        (" | 同意 | 不同意", LineProblem.NO_QUESTION),
        ("#3", LineProblem.NO_QUESTION),
        ("问" * 201 + " | 同意 | 不同意", LineProblem.QUESTION_LONG),
        ("刷吗 | 同意", LineProblem.TOO_FEW),
        ("刷吗 | 同意 | 3", LineProblem.TOO_FEW),  # a last number is the days
        ("刷吗 | a | b | c | d | e | f | g", LineProblem.TOO_MANY),
        ("刷吗 | a | | b", LineProblem.OPTION_EMPTY),
        ("刷吗 | a | b |", LineProblem.OPTION_EMPTY),
        ("刷吗 | " + "长" * 41 + " | b", LineProblem.OPTION_LONG),
        ("刷吗 | 同  意 | 同 意", LineProblem.DUPLICATE),
        ("刷吗 | Yes | yes", LineProblem.DUPLICATE),
        ("刷吗 | a | b | 0", LineProblem.DAYS),
        ("刷吗 | a | b | 15", LineProblem.DAYS),
    ],
)
def test_bad_lines(text: str, problem: LineProblem) -> None:
    assert parse_line(split_line(text)) == problem


def test_the_extreme_days_and_six_options() -> None:
    line = parse_line(split_line("刷吗 | a | b | c | d | e | f | 14"))
    assert isinstance(line, VoteLine) and len(line.options) == 6 and line.days == 14
    assert closes_at(NOW, 14) == NOW + timedelta(hours=14 * 24)


def test_open_until_its_moment_even_before_the_job_runs() -> None:
    v = vote()
    assert v.open_at(NOW) and v.open_at(v.closes_at - timedelta(seconds=1))
    assert not v.open_at(v.closes_at)
    assert not vote(closed=NOW).open_at(NOW - timedelta(days=1))


def test_a_ballot_moved_or_added_without_counting_again() -> None:
    v = vote((3, 1))
    assert v.with_ballot(None, 1).counts == (3, 2)
    assert v.with_ballot(0, 1).counts == (2, 2)
    assert v.total == 4


def test_winners_ties_and_nobody() -> None:
    assert winners((2, 5, 5)) == (1, 2)
    assert winners((0, 0)) == ()
    assert share(1, 3) == 33 and share(0, 0) == 0


def test_vote_numbers_and_the_history_note() -> None:
    assert [vote_number(w) for w in ("P3", "p3", "3", "#3", "Ｐ3", "P", "x3", None)] == [
        3, 3, 3, 3, 3, None, None, None,
    ]  # fmt: skip
    assert history_note(vote((2, 1))) == "🗳 P1 刷漆吗？ → 选项0 2 · 选项1 1"
