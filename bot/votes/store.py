"""Votes and ballots in SQL: plain functions of a connection, run by the service inside its one
transaction per use case. A ballot is one row per (vote, person) — the primary key, not a check
in Python, is what keeps a person from being counted twice — and every tally is counted from
the ballots when it is read.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from bot.core.db import from_ts, ts
from bot.votes.rules import Vote

KIND = "vote"  # the card kind in the outbox and in group_cards
_COLUMNS = (
    "id, community_id, issue_id, question, options, created_by, created_at, closes_at, closed_at"
)


def _vote(conn: sqlite3.Connection, row: tuple[Any, ...]) -> Vote:
    vid, community_id, issue_id, question, options, created_by, created, closes, closed = row
    texts = tuple(str(o) for o in json.loads(options))
    counts = [0] * len(texts)
    for choice, n in conn.execute(
        "SELECT choice, count(*) FROM ballots WHERE vote_id = ? GROUP BY choice", (vid,)
    ):
        if 0 <= choice < len(counts):
            counts[choice] = int(n)
    return Vote(
        vid,
        community_id,
        issue_id,
        question,
        texts,
        created_by,
        datetime.fromisoformat(created),
        datetime.fromisoformat(closes),
        from_ts(closed),
        tuple(counts),
    )


def load_vote(conn: sqlite3.Connection, vote_id: int) -> Vote | None:
    row = conn.execute(f"SELECT {_COLUMNS} FROM votes WHERE id = ?", (vote_id,)).fetchone()
    return _vote(conn, row) if row is not None else None


def open_votes(
    conn: sqlite3.Connection, community_id: int, now: datetime, limit: int
) -> list[Vote]:
    """The community's votes still open at `now` (one past its time waits for the job)."""
    rows = conn.execute(
        f"SELECT {_COLUMNS} FROM votes WHERE community_id = ? AND closed_at IS NULL"
        " AND closes_at > ? ORDER BY id LIMIT ?",
        (community_id, ts(now), limit),
    ).fetchall()
    return [_vote(conn, row) for row in rows]


def due(conn: sqlite3.Connection, now: datetime) -> list[int]:
    """Votes whose closing moment has come and that are not closed yet."""
    return [
        r[0]
        for r in conn.execute(
            "SELECT id FROM votes WHERE closed_at IS NULL AND closes_at <= ? ORDER BY id",
            (ts(now),),
        )
    ]


def card_chats(conn: sqlite3.Connection, vote_id: int) -> tuple[int, ...]:
    """The vote's groups: those its card was sent to."""
    return tuple(
        r[0]
        for r in conn.execute(
            "SELECT chat_id FROM group_cards WHERE kind = ? AND card_id = ? ORDER BY chat_id",
            (KIND, vote_id),
        )
    )


def ballot(conn: sqlite3.Connection, vote_id: int, user_id: int) -> int | None:
    row = conn.execute(
        "SELECT choice FROM ballots WHERE vote_id = ? AND user_id = ?", (vote_id, user_id)
    ).fetchone()
    return int(row[0]) if row is not None else None


# -- writing --------------------------------------------------------------------------------


def insert_vote(
    conn: sqlite3.Connection,
    community_id: int,
    issue_id: int | None,
    question: str,
    options: Iterable[str],
    created_by: int,
    now: datetime,
    closes: datetime,
) -> int:
    (vid,) = conn.execute(
        "INSERT INTO votes (community_id, issue_id, question, options, created_by, created_at,"
        " closes_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
        (
            community_id,
            issue_id,
            question,
            json.dumps(list(options), ensure_ascii=False),
            created_by,
            ts(now),
            ts(closes),
        ),
    ).fetchone()
    return int(vid)


def add_cards(conn: sqlite3.Connection, vote_id: int, chats: Iterable[int]) -> None:
    """A card due in each group (each exactly once)."""
    conn.executemany(
        "INSERT OR IGNORE INTO group_cards (kind, card_id, chat_id) VALUES (?, ?, ?)",
        [(KIND, vote_id, c) for c in chats],
    )


def cast(conn: sqlite3.Connection, vote_id: int, user_id: int, choice: int, now: datetime) -> None:
    """The person's ballot is this option now: a new row, or their row changed."""
    conn.execute(
        "INSERT INTO ballots (vote_id, user_id, choice, at) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (vote_id, user_id) DO UPDATE SET choice = excluded.choice, at = excluded.at",
        (vote_id, user_id, choice, ts(now)),
    )


def mark_closed(
    conn: sqlite3.Connection, vote_id: int, now: datetime, closed_by: int | None
) -> bool:
    """Closed, once: False when it already was (a second run, another process)."""
    cursor = conn.execute(
        "UPDATE votes SET closed_at = ?, closed_by = ? WHERE id = ? AND closed_at IS NULL",
        (ts(now), closed_by, vote_id),
    )
    return cursor.rowcount == 1
