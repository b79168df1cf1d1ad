"""The bigram index of near-duplicate reports (SPEC: character-bigram Jaccard ≥ 0.6 with an open
or escalated issue of the same grid): each active issue's bigrams are kept by grid, so a report
asks the index for the issues sharing enough of its bigrams (Jaccard ≥ t needs at least t·|A|
shared) instead of reading and re-tokenising the grid's whole backlog. Issues enter the index
when raised or reopened and leave it when resolved or rejected (bot/issues/store/writes.py)."""

from __future__ import annotations

import json
import math
import sqlite3

from bot.issues.rules.similarity import THRESHOLD, best_by_counts, bigrams
from bot.issues.store.records import ACTIVE_STATES


def index(conn: sqlite3.Connection, issue_id: int, grid_id: int, text: str) -> None:
    grams = bigrams(text)
    conn.executemany(
        "INSERT OR IGNORE INTO issue_bigrams (grid_id, bigram, issue_id) VALUES (?, ?, ?)",
        [(grid_id, gram, issue_id) for gram in grams],
    )
    conn.execute("UPDATE issues SET bigram_count = ? WHERE id = ?", (len(grams), issue_id))


def unindex(conn: sqlite3.Connection, issue_id: int) -> None:
    conn.execute("DELETE FROM issue_bigrams WHERE issue_id = ?", (issue_id,))


def follow_state(
    conn: sqlite3.Connection, issue_id: int, grid_id: int, text: str, before: str, after: str
) -> None:
    """A change of state: in the index while active, out of it otherwise."""
    if before in ACTIVE_STATES and after not in ACTIVE_STATES:
        unindex(conn, issue_id)
    elif before not in ACTIVE_STATES and after in ACTIVE_STATES:
        index(conn, issue_id, grid_id, text)


def near_duplicate(conn: sqlite3.Connection, grid_id: int, text: str) -> int | None:
    """The active issue of the grid whose text is most like this one, if one is alike enough."""
    mine = bigrams(text)
    if not mine:
        return None
    needed = math.ceil(THRESHOLD * len(mine) - 1e-9)
    rows = conn.execute(
        "SELECT b.issue_id, count(*), i.bigram_count FROM issue_bigrams b"
        " JOIN issues i ON i.id = b.issue_id"
        " WHERE b.grid_id = ? AND b.bigram IN (SELECT value FROM json_each(?))"
        " GROUP BY b.issue_id HAVING count(*) >= ?",
        (grid_id, json.dumps(list(mine), ensure_ascii=False), needed),
    ).fetchall()
    found = best_by_counts(len(mine), [(int(i), int(s), int(n)) for i, s, n in rows])
    return found[0] if found is not None else None


def backfill(conn: sqlite3.Connection) -> int:
    """Index the active issues a database from before the index holds; how many."""
    rows = conn.execute(
        "SELECT id, grid_id, text FROM issues WHERE bigram_count IS NULL"
        " AND state IN ('open', 'escalated')"
    ).fetchall()
    for issue_id, grid_id, text in rows:
        index(conn, issue_id, grid_id, text)
    return len(rows)
