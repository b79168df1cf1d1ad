"""The queries behind /board, /issue, /my, the agenda, sign-ups and the outbox use indexes:
no full scan of a table that grows with the years (checked with EXPLAIN QUERY PLAN)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot.core.db import migrate_file
from bot.issues.store import SUMMARY_COLUMNS
from bot.issues.store.writes import RATE_LIMIT_SQL
from bot.weekly import store as weekly

QUERIES = {
    "board count": "SELECT count(*) FROM issues i WHERE i.grid_id IN (1, 2) AND i.state = 'open'",
    "board page": f"SELECT {SUMMARY_COLUMNS} FROM issues i WHERE i.grid_id IN (1) AND i.state = 'open'"
    " ORDER BY i.id DESC LIMIT 10",
    "resolved board": f"SELECT {SUMMARY_COLUMNS} FROM issues i WHERE i.grid_id IN (1)"
    " AND i.state = 'resolved' ORDER BY i.updated_at DESC, i.id DESC LIMIT 10",
    "community board": f"SELECT {SUMMARY_COLUMNS} FROM issues i WHERE i.community_id = 1"
    " AND i.state = 'open' ORDER BY i.id DESC LIMIT 10",
    "community resolved board": f"SELECT {SUMMARY_COLUMNS} FROM issues i WHERE i.community_id = 1"
    " AND i.state = 'resolved' ORDER BY i.updated_at DESC, i.id DESC LIMIT 10",
    "stats raised": "SELECT category, grid_id, count(*) FROM issues WHERE community_id = 1"
    " AND created_at >= '2026-01' AND created_at < '2026-02' GROUP BY category, grid_id",
    "stats actions": "SELECT h.at FROM issue_history h JOIN issues i ON i.id = h.issue_id"
    " WHERE h.community_id = 1 AND h.at >= '2026-01' AND h.at < '2026-02'"
    " AND h.action IN ('close', 'escalate')",
    "issue": "SELECT * FROM issues WHERE id = 5",
    "history": "SELECT at FROM issue_history WHERE issue_id = 5 ORDER BY id",
    "followers": "SELECT user_id FROM issue_followers WHERE issue_id = 5",
    "rate limit": RATE_LIMIT_SQL.replace("?", "3", 1).replace("?", "'2026'", 2).replace("?", "3"),
    "near-duplicate index of a grid": "SELECT id, text FROM issues WHERE grid_id = 1"
    " AND state IN ('open', 'escalated')",
    "near-duplicate candidates": "SELECT id FROM issues WHERE id IN (SELECT value FROM"
    " json_each('[5, 7]')) AND grid_id = 1 AND state IN ('open', 'escalated')",
    "agenda": f"SELECT {SUMMARY_COLUMNS} FROM issues i WHERE i.community_id = 1 AND (i.state ="
    " 'escalated' OR (i.state = 'open' AND i.priority = 'major'))",
    "my issues": f"SELECT {SUMMARY_COLUMNS} FROM issues i WHERE i.reporter_id = 3 LIMIT 30",
    "followed": f"SELECT {SUMMARY_COLUMNS} FROM issues i JOIN issue_followers f ON f.issue_id = i.id"
    " WHERE f.user_id = 3 LIMIT 30",
    "open for follow-up": "SELECT id, community_id, updated_at FROM issues WHERE state = 'open'",
    "outbox due": "SELECT id FROM outbox WHERE done_at IS NULL AND not_before <= '2026'"
    " ORDER BY id LIMIT 100",
    "seats": "SELECT status, sum(party) FROM signups WHERE activity_id = 1"
    " AND status != 'cancelled' GROUP BY status",
    "my sign-up": "SELECT id FROM signups WHERE activity_id = 1 AND user_id = 2 AND status != 'cancelled'",
    "card chats": "SELECT chat_id FROM activity_cards WHERE activity_id = 1",
    "processed": "SELECT update_id FROM processed_updates WHERE update_id = 7",
    # the weekly account of one grid (bot/weekly/store.py): its rows and counts
    "weekly resolved": weekly.RESOLVED_ROWS,
    "weekly resolved count": f"SELECT count(*) {weekly.RESOLVED}",
    "weekly raised": weekly.RAISED_ROWS,
    "weekly raised count": f"SELECT count(*) {weekly.RAISED}",
    "weekly still open": weekly.OPEN_ROWS,
    "weekly still open count": f"SELECT count(*) {weekly.STILL_OPEN}",
    "weekly sent": "SELECT 1 FROM weekly_accounts WHERE week = '2026-W49' AND chat_id = -5",
    "weekly claim": "SELECT id FROM chats WHERE id = -5 AND registered_at <= '2026'",
}
WEEK_PARAMS = (1, "'2026-12-01T01:00:00+00:00'", "'2026-12-08T01:00:00+00:00'")


@pytest.fixture(scope="module")
def conn(tmp_path_factory: pytest.TempPathFactory) -> sqlite3.Connection:
    db: Path = tmp_path_factory.mktemp("plans") / "plans.sqlite3"
    migrate_file(db)
    return sqlite3.connect(db)


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_no_full_scan(conn: sqlite3.Connection, name: str) -> None:
    sql = QUERIES[name]
    for value in WEEK_PARAMS:  # the weekly reads keep their placeholders: grid, since, until
        sql = sql.replace("?", str(value), 1)
    plan = [row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + sql)]
    scans = [
        step
        for step in plan
        if step.startswith("SCAN")
        # walking the partial index of pending messages reads only what is still to send
        and "USING INDEX outbox_pending_order" not in step
        # the report's own bigrams, handed over as one JSON list: not a table
        and not step.startswith("SCAN json_each")
    ]
    assert not scans, plan
