"""Storage time of /board, /issue and /stats with a town's years of history: 100,000 issues and
10,000 users in the database; then /board and the weekly account of one grid that holds all
100,000 (the worst a grid can be). Target: p99 under 20 ms each."""

from __future__ import annotations

import argparse
import asyncio
import random
import sqlite3
import tempfile
import time
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.core.db import migrate_file
from bot.core.registry import Registry
from bot.issues.rules.categories import CATEGORY_KEYS
from bot.issues.store import reads
from bot.issues.store.records import load_issue
from bot.stats.service import Month, StatsService
from bot.weekly import store as weekly_store
from bot.weekly.rules import Window

from .report import percentile, table

DESCRIPTION = (
    "p99 storage time of /board, /issue, /stats over 100,000 issues and 10,000 users;"
    " /board and the weekly account of one grid of 100,000"
)
TARGET_MS = 20.0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--issues", type=int, default=100_000)
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument("--grids", type=int, default=40)
    parser.add_argument(
        "--communities",
        type=int,
        default=20,
        help="a town like Anhai has a score of villages and communities",
    )
    parser.add_argument("--samples", type=int, default=300)


def populate(db: Path, issues: int, users: int, grids: int, communities: int = 20) -> None:
    """Straight SQL, in one transaction: seconds, not the hours the bot would take."""
    migrate_file(db)
    rnd = random.Random(7)
    start = datetime(2023, 1, 1, tzinfo=UTC)
    conn = sqlite3.connect(db)
    with conn:
        now = start.isoformat()
        conn.executemany(
            "INSERT INTO users (id, first_name, username, started, first_seen, last_seen)"
            " VALUES (?, ?, ?, 1, ?, ?)",
            [(10_000 + u, f"居民{u}", f"user{u}", now, now) for u in range(users)],
        )
        conn.executemany(
            "INSERT INTO communities (id, name, created_at) VALUES (?, ?, ?)",
            [(c, f"社区{c}", now) for c in range(1, communities + 1)],
        )
        conn.executemany(
            "INSERT INTO grids (id, community_id, name, created_at) VALUES (?, ?, ?, ?)",
            [(g, g % communities + 1, f"第{g}网格", now) for g in range(1, grids + 1)],
        )
        conn.executemany(
            "INSERT INTO chats (id, type, title, grid_id, updated_at) VALUES (?, 'group', ?, ?, ?)",
            [(-g, f"群{g}", g, now) for g in range(1, grids + 1)],
        )
        rows: list[tuple[object, ...]] = []
        history: list[tuple[object, ...]] = []
        followers: list[tuple[object, ...]] = []
        for i in range(1, issues + 1):
            created = start + timedelta(minutes=15 * i)
            state = rnd.choices(["resolved", "open", "escalated", "rejected"], [70, 15, 10, 5])[0]
            updated = created + timedelta(days=rnd.randint(0, 20))
            grid = rnd.randint(1, grids)
            rows.append(
                (
                    i,
                    grid % 4 + 1,
                    grid,
                    -grid,
                    10_000 + rnd.randrange(users),
                    f"第{i}号：{rnd.choice(['路灯不亮', '下水道堵塞', '电动车充电难', '噪音扰民'])}",
                    rnd.choice(CATEGORY_KEYS),
                    rnd.choice(["minor", "minor", "major"]),
                    state,
                    created.isoformat(),
                    updated.isoformat(),
                    updated.isoformat() if state == "resolved" else None,
                )
            )
            community = rows[-1][1]
            history.append(
                (i, created.isoformat(), rows[-1][4], "report", None, "open", None, community)
            )
            if state != "open":
                history.append(
                    (i, updated.isoformat(), None, "close", "open", state, "已处理", community)
                )
            for _ in range(rnd.choice([0, 0, 1, 3])):
                followers.append((i, 10_000 + rnd.randrange(users), created.isoformat()))
        conn.executemany(
            "INSERT INTO issues (id, community_id, grid_id, chat_id, reporter_id, text, category,"
            " priority, state, created_at, updated_at, resolved_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        conn.executemany(
            "INSERT INTO issue_history (issue_id, at, actor_id, action, from_state, to_state, note,"
            " community_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            history,
        )
        conn.executemany(
            "INSERT OR IGNORE INTO issue_followers (issue_id, user_id, created_at) VALUES (?, ?, ?)",
            followers,
        )
    conn.execute("ANALYZE")
    conn.close()


def promise_some(db: Path) -> None:
    """Owners and promised dates on the active issues, a third of them broken, as the
    follow-through commands would leave them."""
    conn = sqlite3.connect(db)
    with conn:
        conn.execute(
            "UPDATE issues SET body = CASE id % 3 WHEN 0 THEN 'property' WHEN 1 THEN 'community'"
            " ELSE '综合执法队' END, due_date = date(created_at, '+30 days'),"
            " past_due = (id % 3 = 0) WHERE state IN ('open', 'escalated')"
        )
    conn.execute("ANALYZE")
    conn.close()


async def one_grid(args: argparse.Namespace) -> tuple[dict[str, float], list[tuple[str, str, str]]]:
    """Every issue in one grid: /board and the weekly account of a week inside its history."""
    with tempfile.TemporaryDirectory(prefix="mulin-scale-grid-") as tmp:
        db = Path(tmp) / "grid.sqlite3"
        await asyncio.to_thread(populate, db, args.issues, args.users, 1, 1)
        await asyncio.to_thread(promise_some, db)
        storage = await Registry.open(db)
        database = storage.db
        monday = datetime(2025, 6, 2, 1, 0, tzinfo=UTC)  # 09:00 in Asia/Shanghai
        cases = {
            "board, one grid": lambda i: database.run(
                lambda conn: reads.boards(conn, ("grid_id", 1))
            ),
            "weekly account, one grid": lambda i: database.run(
                lambda conn: weekly_store.grid_week(
                    conn, 1, Window.before(monday + timedelta(days=7 * (i % 20)))
                )
            ),
        }
        figures, rows = await measure(args.samples, cases)
        await storage.close()
    return figures, rows


async def measure(
    samples: int, cases: dict[str, Callable[[int], Coroutine[Any, Any, object]]]
) -> tuple[dict[str, float], list[tuple[str, str, str]]]:
    figures: dict[str, float] = {}
    rows = []
    for name, call in cases.items():
        took = await timed(samples, call)
        p50, p99 = percentile(took, 50), percentile(took, 99)
        figures[f"{name.replace(' ', '_').replace(',', '')}_p99_ms"] = p99
        verdict = "ok" if p99 < TARGET_MS else f"MISSED (target < {TARGET_MS:.0f} ms)"
        rows.append((name, f"p50 {p50:6.2f} ms   p99 {p99:6.2f} ms", verdict))
    return figures, rows


async def timed(samples: int, call: object) -> list[float]:
    took = []
    for i in range(samples):
        began = time.perf_counter()
        await call(i)  # type: ignore[operator]
        took.append((time.perf_counter() - began) * 1000)
    return took


async def run(args: argparse.Namespace) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="mulin-scale-") as tmp:
        db = Path(tmp) / "scale.sqlite3"
        began = time.perf_counter()
        await asyncio.to_thread(populate, db, args.issues, args.users, args.grids, args.communities)
        print(
            f"populated {args.issues:,} issues, {args.users:,} users in "
            f"{time.perf_counter() - began:.1f} s",
            flush=True,
        )
        began = time.perf_counter()
        storage = await Registry.open(db)
        opened = (time.perf_counter() - began) * 1000
        database = storage.db
        rnd = random.Random(11)
        grids = list(range(1, args.grids + 1))
        figures: dict[str, float] = {"open_ms": opened}
        cases = {
            "board": lambda i: database.run(
                lambda conn: reads.boards(conn, ("grid_id", grids[i % len(grids)]))
            ),
            "board page 5": lambda i: database.run(
                lambda conn: reads.board(
                    conn, ("grid_id", grids[i % len(grids)]), "resolved", offset=50
                )
            ),
            "community board": lambda i: database.run(
                lambda conn: reads.boards(conn, ("community_id", i % args.communities + 1))
            ),
            "issue": lambda i: database.run(
                lambda conn: load_issue(conn, rnd.randint(1, args.issues))
            ),
            "my issues": lambda i: database.run(
                lambda conn: reads.mine(conn, 10_000 + rnd.randrange(args.users))
            ),
        }
        stats_store = _stats_store(storage)
        cases["stats"] = lambda i: stats_store(i % args.communities + 1)
        measured, rows = await measure(args.samples, cases)
        figures |= measured
        await storage.close()
    grid_figures, grid_rows = await one_grid(args)
    figures |= grid_figures
    rows += grid_rows
    title = (
        f"scale: {args.issues:,} issues, {args.users:,} users, {args.communities} communities,"
        f" {args.grids} grids"
    )
    print(table(title, rows))
    print(f"storage open (caches loaded): {opened:.0f} ms")
    return figures


def _stats_store(storage: Registry) -> Callable[[int], Coroutine[Any, Any, object]]:
    """/stats's database call: a month and the one before, as /stats asks."""
    service = StatsService(storage.db, ZoneInfo("Asia/Shanghai"))
    months = [Month(2025, 6), Month(2025, 5)]

    async def call(community_id: int) -> object:
        return await service.months(community_id, months)

    return call
