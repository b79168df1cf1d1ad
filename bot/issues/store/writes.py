"""Writing issues: each function does its part of a use case inside the caller's transaction
(the service's), and returns what it wrote; none of them decides who may, or who is told."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import asdict, dataclass
from datetime import datetime

from bot.core.db import ts
from bot.issues.rules import ratelimit
from bot.issues.rules.states import Command
from bot.issues.store import signatures
from bot.issues.store.records import HistoryEntry, Issue, NewIssue, reload


@dataclass(frozen=True)
class Changed:
    """An issue after a change, the history entry it got, and (for /dup) the original after it."""

    issue: Issue
    entry: HistoryEntry
    other: Issue | None = None


def add_history(
    conn: sqlite3.Connection,
    issue_id: int,
    now: datetime,
    actor_id: int | None,
    action: str,
    frm: str | None = None,
    to: str | None = None,
    note: str | None = None,
    *,
    photo: str | None = None,
    voice: str | None = None,
) -> HistoryEntry:
    conn.execute(
        "INSERT INTO issue_history (issue_id, at, actor_id, action, from_state, to_state, note,"
        " photo_file_id, voice_file_id, community_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?,"
        " (SELECT community_id FROM issues WHERE id = ?))",
        (issue_id, ts(now), actor_id, action, frm, to, note, photo, voice, issue_id),
    )
    return HistoryEntry(now, actor_id, action, frm, to, note, photo, voice)


# -- raising ------------------------------------------------------------------------------------


# The user's reports of the last hour: their own (unless someone else filed them from the
# chat) and those they filed from the chat. Both halves read an index (issues_reporter;
# issue_history_action_at), never the whole table (tests/unit/test_query_plans.py).
RATE_LIMIT_SQL = (
    "SELECT i.created_at FROM issues i WHERE i.reporter_id = ? AND i.created_at > ?"
    " AND NOT EXISTS (SELECT 1 FROM issue_history h WHERE h.issue_id = i.id"
    " AND h.action = 'filed')"
    " UNION ALL SELECT h.at FROM issue_history h WHERE h.action = 'filed' AND h.at > ?"
    " AND h.actor_id = ?"
)


def next_report_allowed(conn: sqlite3.Connection, user_id: int, now: datetime) -> datetime | None:
    """When the user may report again, or None when they may now (5 an hour). A report filed
    from the chat counts for the one who filed it, not for the author of the message."""
    since = ts(now - ratelimit.WINDOW)
    recent = [
        datetime.fromisoformat(r[0])
        for r in conn.execute(
            RATE_LIMIT_SQL,
            (user_id, since, since, user_id),
        )
    ]
    return ratelimit.next_allowed(recent, now)


def near_duplicate(conn: sqlite3.Connection, grid_id: int, text: str) -> int | None:
    """The active issue of the grid whose text is most like this one (through the bigram index,
    bot/issues/store/signatures.py), if one is alike enough."""
    return signatures.near_duplicate(conn, grid_id, text)


def keep_draft(conn: sqlite3.Connection, new: NewIssue, now: datetime) -> int:
    """Keep a report that looked like another, for "report anyway"; returns the draft's id."""
    (draft_id,) = conn.execute(
        "INSERT INTO drafts (user_id, payload, created_at) VALUES (?, ?, ?) RETURNING id",
        (new.sender_id, json.dumps(asdict(new), ensure_ascii=False), ts(now)),
    ).fetchone()
    return int(draft_id)


def read_draft(conn: sqlite3.Connection, draft_id: int, user_id: int) -> NewIssue | None:
    row = conn.execute(
        "SELECT payload FROM drafts WHERE id = ? AND user_id = ?", (draft_id, user_id)
    ).fetchone()
    if row is None:
        return None
    data = json.loads(row[0])
    data["photos"] = tuple(data.get("photos") or ())
    return NewIssue(**data)


def drop_draft(conn: sqlite3.Connection, draft_id: int, user_id: int) -> None:
    conn.execute("DELETE FROM drafts WHERE id = ? AND user_id = ?", (draft_id, user_id))


def insert_issue(conn: sqlite3.Connection, new: NewIssue, now: datetime) -> Changed:
    """The new issue, its photos and its first history line ("reported"); a report filed from
    the chat gets a second line naming who filed it."""
    moment = ts(now)
    (issue_id,) = conn.execute(
        "INSERT INTO issues (community_id, grid_id, chat_id, reporter_id, anonymous, text,"
        " category, priority, location_text, latitude, longitude, voice_file_id, created_at,"
        " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        (
            new.community_id,
            new.grid_id,
            new.chat_id,
            new.reporter_id,
            int(new.anonymous),
            new.text,
            new.category,
            new.priority,
            new.location_text,
            new.latitude,
            new.longitude,
            new.voice_file_id,
            moment,
            moment,
        ),
    ).fetchone()
    conn.executemany(
        "INSERT INTO issue_photos (issue_id, position, file_id) VALUES (?, ?, ?)",
        [(issue_id, i, f) for i, f in enumerate(new.photos)],
    )
    signatures.index(conn, issue_id, new.grid_id, new.text)
    entry = add_history(conn, issue_id, now, new.reporter_id, "report", None, "open")
    if new.filer_id is not None:
        add_history(conn, issue_id, now, new.filer_id, "filed")
    return Changed(reload(conn, issue_id), entry)


# -- changing -----------------------------------------------------------------------------------


def _columns(
    command: Command, new_state: str, moment: str, note: str | None, priority: str | None
) -> tuple[list[str], list[object]]:
    """The issue's columns a command sets (SET clauses and their values)."""
    sets = ["state = ?", "updated_at = ?"]
    values: list[object] = [new_state, moment]
    if command is Command.CLOSE:
        sets += ["solution = ?", "resolved_at = ?", "fixed_state = 'asked'"]
        values += [note, moment]
    elif command in (Command.REOPEN, Command.NOT_FIXED):
        sets += ["resolved_at = NULL", "fixed_state = ?"]
        values.append("not_fixed" if command is Command.NOT_FIXED else None)
    elif command is Command.REJECT:
        sets.append("reason = ?")
        values.append(note)
    elif command is Command.PRIORITY:
        sets.append("priority = ?")
        values.append(priority)
    return sets, values


def _merge(
    conn: sqlite3.Connection, issue: Issue, other: Issue, actor_id: int | None, now: datetime
) -> None:
    """/dup: the duplicate's reporter and followers follow the original from now on."""
    movers = [u for u in issue.audience if u != other.reporter_id]
    conn.executemany(
        "INSERT OR IGNORE INTO issue_followers (issue_id, user_id, created_at) VALUES (?, ?, ?)",
        [(other.id, u, ts(now)) for u in movers],
    )
    conn.execute("DELETE FROM issue_followers WHERE issue_id = ?", (issue.id,))
    add_history(conn, other.id, now, actor_id, "merged", note=f"#{issue.id}")


def change(
    conn: sqlite3.Connection,
    issue: Issue,
    command: Command,
    new_state: str,
    actor_id: int | None,
    now: datetime,
    *,
    note: str | None = None,
    priority: str | None = None,
    other: Issue | None = None,
    photo: str | None = None,
) -> Changed:
    """Apply a command the state machine allowed: the row, its history (with the photo a
    /note or /close came with), and for /dup the original (`other`), which takes over the
    followers."""
    sets, values = _columns(command, new_state, ts(now), note, priority)
    history_note = priority if command is Command.PRIORITY else note
    if command is Command.DUP:
        assert other is not None
        sets += ["reason = ?", "duplicate_of = ?"]
        values += [note, other.id]
        history_note = f"#{other.id}"
    conn.execute(f"UPDATE issues SET {', '.join(sets)} WHERE id = ?", (*values, issue.id))
    signatures.follow_state(conn, issue.id, issue.grid_id, issue.text, issue.state, new_state)
    if command is Command.DUP and other is not None:
        _merge(conn, issue, other, actor_id, now)
    entry = add_history(
        conn,
        issue.id,
        now,
        actor_id,
        command.value,
        issue.state,
        new_state,
        history_note,
        photo=photo,
    )
    return Changed(reload(conn, issue.id), entry, reload(conn, other.id) if other else None)


def set_category(
    conn: sqlite3.Connection, issue_id: int, category: str, actor_id: int, now: datetime
) -> Changed:
    conn.execute(
        "UPDATE issues SET category = ?, updated_at = ? WHERE id = ?",
        (category, ts(now), issue_id),
    )
    entry = add_history(conn, issue_id, now, actor_id, "category", note=category)
    return Changed(reload(conn, issue_id), entry)


def add_follower(conn: sqlite3.Connection, issue_id: int, user_id: int, now: datetime) -> bool:
    """True when the user follows it now and did not before."""
    cursor = conn.execute(
        "INSERT OR IGNORE INTO issue_followers (issue_id, user_id, created_at) VALUES (?, ?, ?)",
        (issue_id, user_id, ts(now)),
    )
    return cursor.rowcount == 1
