"""Evidence that arrives after the report: a history line carrying a photo or voice note (/add,
and /note or /close captioning a photo, through writes.change), and the albums whose captioned
photo was a /report or an /add, so that the album's other photos join the same issue."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.core.db import ts
from bot.issues.store.records import HistoryEntry
from bot.issues.store.writes import add_history

PHOTO_LIMIT = 10  # photos of one report (SPEC "Evidence")
ALBUM_KEPT = timedelta(days=1)  # an album's photos arrive within seconds; a day is plenty


@dataclass(frozen=True)
class Album:
    """An album being received: the issue its captioned photo went to, and how (report | add)."""

    issue_id: int
    kind: str


def add_entry(
    conn: sqlite3.Connection,
    issue_id: int,
    actor_id: int,
    now: datetime,
    text: str | None,
    *,
    photo: str | None = None,
    voice: str | None = None,
) -> HistoryEntry:
    """An /add: its text and media as one history line (the follow-up clock does not move:
    a resident's addition is no progress)."""
    return add_history(conn, issue_id, now, actor_id, "add", note=text, photo=photo, voice=voice)


def remember_album(
    conn: sqlite3.Connection,
    chat_id: int,
    media_group_id: str,
    user_id: int,
    album: Album,
    now: datetime,
) -> None:
    conn.execute("DELETE FROM albums WHERE created_at < ?", (ts(now - ALBUM_KEPT),))
    conn.execute(
        "INSERT OR IGNORE INTO albums (chat_id, media_group_id, user_id, issue_id, kind,"
        " created_at) VALUES (?, ?, ?, ?, ?, ?)",
        (chat_id, media_group_id, user_id, album.issue_id, album.kind, ts(now)),
    )


def album_of(
    conn: sqlite3.Connection, chat_id: int, media_group_id: str, user_id: int
) -> Album | None:
    """The album this photo belongs to, if its captioned photo was this user's /report or /add."""
    row = conn.execute(
        "SELECT issue_id, kind FROM albums WHERE chat_id = ? AND media_group_id = ?"
        " AND user_id = ?",
        (chat_id, media_group_id, user_id),
    ).fetchone()
    return Album(row[0], row[1]) if row is not None else None


def append_photo(conn: sqlite3.Connection, issue_id: int, file_id: str) -> bool:
    """One more photo of the report; False (nothing written) when it has its 10 already."""
    (count,) = conn.execute(
        "SELECT count(*) FROM issue_photos WHERE issue_id = ?", (issue_id,)
    ).fetchone()
    if count >= PHOTO_LIMIT:
        return False
    conn.execute(
        "INSERT INTO issue_photos (issue_id, position, file_id) VALUES (?, ?, ?)",
        (issue_id, count, file_id),
    )
    return True
