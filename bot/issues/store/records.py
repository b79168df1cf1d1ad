"""What the issue store returns: an issue with its photos, followers and history, a board's
one-line summary, a report not yet stored, and the reading of these from their rows."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Literal

from bot.core.db import from_ts

ACTIVE_STATES = ("open", "escalated")
# A board's scope: one grid ("grid_id", id) or a whole community ("community_id", id).
Scope = tuple[Literal["grid_id", "community_id"], int]


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    at: datetime
    actor_id: int | None  # None: the bot's own follow-up
    action: str
    from_state: str | None
    to_state: str | None
    note: str | None
    photo: str | None = None  # a photo or voice note added with it (file ids): /add, /note, /close
    voice: str | None = None


@dataclass(frozen=True, slots=True)
class Issue:
    id: int
    community_id: int
    grid_id: int
    chat_id: int | None
    card_message_id: int | None
    reporter_id: int
    anonymous: bool
    text: str
    category: str
    priority: str
    state: str
    location_text: str | None
    latitude: float | None
    longitude: float | None
    voice_file_id: str | None
    solution: str | None
    reason: str | None
    duplicate_of: int | None
    created_at: datetime
    updated_at: datetime
    resolved_at: datetime | None
    fixed_state: str | None
    body: str | None = None  # who answers for it: 'property', 'community' or a body's name
    assignee_id: int | None = None  # and the person, if one was named
    due_date: str | None = None  # the promised local date, YYYY-MM-DD
    past_due: bool = False  # the promise is broken (set by the 09:00 follow-up)
    ratings: tuple[int, int, int] = (0, 0, 0)  # "Fixed?" of this resolution: 👍, 🤏, 👎
    photos: tuple[str, ...] = ()
    followers: tuple[int, ...] = ()
    history: tuple[HistoryEntry, ...] = ()

    @property
    def active(self) -> bool:
        """On the residents' or the property's board: it can still be followed and changed."""
        return self.state in ACTIVE_STATES

    @property
    def audience(self) -> tuple[int, ...]:
        """Who hears of its changes: the reporter first, then the followers."""
        return (self.reporter_id, *[f for f in self.followers if f != self.reporter_id])


@dataclass(frozen=True, slots=True)
class IssueSummary:
    id: int
    grid_id: int
    state: str
    priority: str
    category: str
    text: str
    followers: int
    created_at: datetime
    updated_at: datetime
    has_voice: bool
    body: str | None = None
    due_date: str | None = None
    past_due: bool = False

    @classmethod
    def of(cls, issue: Issue) -> IssueSummary:
        return cls(
            issue.id,
            issue.grid_id,
            issue.state,
            issue.priority,
            issue.category,
            issue.text,
            len(issue.followers),
            issue.created_at,
            issue.updated_at,
            issue.voice_file_id is not None,
            issue.body,
            issue.due_date if issue.active else None,
            issue.past_due and issue.active,
        )


@dataclass(frozen=True)
class NewIssue:
    reporter_id: int
    community_id: int
    grid_id: int
    chat_id: int | None  # the group that shows its card (None: the grid has no group)
    text: str
    category: str
    priority: str = "minor"
    anonymous: bool = False
    location_text: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    voice_file_id: str | None = None
    photos: tuple[str, ...] = ()
    reply_to: int | None = None  # the report's own message in chat_id, for the card to answer
    filer_id: int | None = None  # who filed a neighbour's message as this report (From the chat)
    album: str | None = None  # the media_group_id of its captioned photo: the album's others join

    @property
    def sender_id(self) -> int:
        """Who sent the report to the bot: the rate limit and the kept draft are theirs."""
        return self.filer_id if self.filer_id is not None else self.reporter_id


@dataclass(frozen=True)
class IssueEvent:
    """What happened, for composing messages: the issue after the change and who followed it."""

    issue: Issue
    entry: HistoryEntry
    audience: tuple[int, ...]  # reporter and followers before the change (dup moves followers)
    other: Issue | None = None  # /dup: the issue it duplicates
    reply_to: int | None = None  # the message the card answers (a report in a group)


_ISSUE_COLUMNS = (
    "id, community_id, grid_id, chat_id, card_message_id, reporter_id, anonymous, text, category,"
    " priority, state, location_text, latitude, longitude, voice_file_id, solution, reason,"
    " duplicate_of, created_at, updated_at, resolved_at, fixed_state, body, assignee_id, due_date,"
    " past_due"
)
# A board line's columns, for any query over `issues i` (the meetings' agenda reads them too).
SUMMARY_COLUMNS = (
    "i.id, i.grid_id, i.state, i.priority, i.category, substr(i.text, 1, 80),"
    " (SELECT count(*) FROM issue_followers f WHERE f.issue_id = i.id), i.created_at,"
    " i.updated_at, i.voice_file_id IS NOT NULL, i.body,"
    " CASE WHEN i.state IN ('open', 'escalated') THEN i.due_date END,"
    " i.past_due AND i.state IN ('open', 'escalated')"
)


def summary_row(row: tuple[Any, ...]) -> IssueSummary:
    (iid, grid_id, state, priority, category, text, followers, created, updated, voice, body,
     due, past_due) = row  # fmt: skip
    return IssueSummary(
        iid,
        grid_id,
        state,
        priority,
        category,
        text,
        followers,
        datetime.fromisoformat(created),
        datetime.fromisoformat(updated),
        bool(voice),
        body,
        due,
        bool(past_due),
    )


def summaries(conn: sqlite3.Connection, sql: str, params: tuple[Any, ...]) -> list[IssueSummary]:
    """`sql` selects SUMMARY_COLUMNS; its rows as summaries."""
    return [summary_row(r) for r in conn.execute(sql, params).fetchall()]


def _issue_row(
    row: tuple[Any, ...],
    photos: tuple[str, ...],
    followers: tuple[int, ...],
    history: tuple[HistoryEntry, ...],
) -> Issue:
    (iid, community_id, grid_id, chat_id, card_id, reporter_id, anonymous, text, category,
     priority, state, location_text, latitude, longitude, voice, solution, reason,
     duplicate_of, created, updated, resolved, fixed_state, body, assignee_id, due_date,
     past_due) = row  # fmt: skip
    return Issue(
        iid, community_id, grid_id, chat_id, card_id, reporter_id, bool(anonymous), text,
        category, priority, state, location_text, latitude, longitude, voice, solution, reason,
        duplicate_of, datetime.fromisoformat(created), datetime.fromisoformat(updated),
        from_ts(resolved), fixed_state, body, assignee_id, due_date, bool(past_due),
        photos=photos, followers=followers, history=history,
    )  # fmt: skip


def load_issue(conn: sqlite3.Connection, issue_id: int) -> Issue | None:
    row = conn.execute(f"SELECT {_ISSUE_COLUMNS} FROM issues WHERE id = ?", (issue_id,)).fetchone()
    if row is None:
        return None
    photos = tuple(
        r[0]
        for r in conn.execute(
            "SELECT file_id FROM issue_photos WHERE issue_id = ? ORDER BY position", (issue_id,)
        )
    )
    followers = tuple(
        r[0]
        for r in conn.execute(
            "SELECT user_id FROM issue_followers WHERE issue_id = ? ORDER BY created_at, user_id",
            (issue_id,),
        )
    )
    history = tuple(
        HistoryEntry(datetime.fromisoformat(at), actor, action, frm, to, note, photo, voice)
        for at, actor, action, frm, to, note, photo, voice in conn.execute(
            "SELECT at, actor_id, action, from_state, to_state, note, photo_file_id,"
            " voice_file_id FROM issue_history WHERE issue_id = ? ORDER BY id",
            (issue_id,),
        )
    )
    issue = _issue_row(row, photos, followers, history)
    if issue.resolved_at is None:
        return issue
    counts = dict(
        conn.execute(
            "SELECT answer, count(*) FROM issue_ratings WHERE issue_id = ? AND resolved_at = ?"
            " GROUP BY answer",
            (issue_id, row[20]),
        ).fetchall()
    )
    ratings = (counts.get("fixed", 0), counts.get("partly", 0), counts.get("not_fixed", 0))
    return replace(issue, ratings=ratings)


def reload(conn: sqlite3.Connection, issue_id: int) -> Issue:
    """An issue this transaction has just written: it exists."""
    issue = load_issue(conn, issue_id)
    assert issue is not None
    return issue
