"""The web board with a town's years of history (100,000 issues over 20 communities and 40
grids, owners and promised dates on the active ones): server time of a community's page
(`/c/<community>`, its three boards) and of Open311's `requests.json` answering 1,000 requests.

The board is served by the real aiohttp application on 127.0.0.1 and asked over HTTP, one
request at a time; "server time" is measured inside the server, by an outermost middleware
(from the request's arrival at the application to its response), so the client's own cost is
left out; the round trip is printed beside it. Targets: p99 < 50 ms and < 100 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from urllib.parse import quote

import aiohttp
from aiohttp import web
from aiohttp.typedefs import Middleware

from bot.config import Settings
from bot.web.server import create_app

from .report import percentile, table
from .scale import populate, promise_some

DESCRIPTION = (
    "server time p50/p99 of the web board's /c/<community> and Open311 requests.json (1,000"
    " items) over 100,000 issues"
)
TARGETS_MS = {"community page": 50.0, "open311 requests.json (1,000)": 100.0}
# Within the seeded history (2023-01 to 2025-11): some 35,000 issues, so 1,000 are returned.
WINDOW = "start_date=2024-01-01T00:00:00Z&end_date=2024-12-31T23:59:59Z"

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--issues", type=int, default=100_000)
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument("--grids", type=int, default=40)
    parser.add_argument("--communities", type=int, default=20)
    parser.add_argument("--samples", type=int, default=300)


def timing(took: list[float]) -> Middleware:
    @web.middleware
    async def timer(request: web.Request, handler: Handler) -> web.StreamResponse:
        began = time.perf_counter()
        try:
            return await handler(request)
        finally:
            took.append((time.perf_counter() - began) * 1000)

    return timer


async def measure(
    session: aiohttp.ClientSession,
    base: str,
    paths: Callable[[int], str],
    samples: int,
    server: list[float],
) -> tuple[list[float], list[float], int]:
    """Server times, round trips and the size of the last answer (JSON: items; else bytes)."""
    server.clear()
    trips: list[float] = []
    size = 0
    for i in range(samples):
        began = time.perf_counter()
        async with session.get(base + paths(i)) as response:
            body = await response.read()
            assert response.status == 200, (paths(i), response.status, body[:200])
        trips.append((time.perf_counter() - began) * 1000)
        size = len(json.loads(body)) if "json" in response.content_type else len(body)
    return list(server), trips, size


async def serve_and_ask(
    args: argparse.Namespace, db: Path
) -> tuple[dict[str, float], list[tuple[str, str, str]]]:
    server: list[float] = []
    app = create_app(Settings.from_env({"MULIN_DB": str(db)}))
    app.middlewares.insert(0, timing(server))
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    base = f"http://{host}:{port}"
    cases: dict[str, Callable[[int], str]] = {
        # populate() puts every issue in communities 1-4 (grid % 4 + 1): 25,000 each
        "community page": lambda i: f"/c/{quote(f'社区{i % min(4, args.communities) + 1}')}",
        "open311 requests.json (1,000)": lambda i: f"/open311/v2/requests.json?{WINDOW}",
    }
    figures: dict[str, float] = {}
    rows = []
    try:
        async with aiohttp.ClientSession() as session:
            for name, paths in cases.items():
                await measure(session, base, paths, 20, server)  # warm: catalogs, templates
                took, trips, size = await measure(session, base, paths, args.samples, server)
                p50, p99 = percentile(took, 50), percentile(took, 99)
                key = "community" if name.startswith("community") else "open311"
                figures[f"{key}_p50_ms"], figures[f"{key}_p99_ms"] = p50, p99
                figures[f"{key}_roundtrip_p99_ms"] = percentile(trips, 99)
                target = TARGETS_MS[name]
                verdict = "ok" if p99 < target else f"MISSED (target < {target:.0f} ms)"
                rows.append(
                    (
                        name,
                        f"server p50 {p50:6.2f} ms  p99 {p99:6.2f} ms  (round trip p99"
                        f" {percentile(trips, 99):6.2f} ms, {_size(key, size)})",
                        verdict,
                    )
                )
    finally:
        await runner.cleanup()
    return figures, rows


def _size(key: str, size: int) -> str:
    return f"{size:,} items" if key == "open311" else f"{size / 1024:,.0f} KiB"


async def run(args: argparse.Namespace) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="mulin-web-") as tmp:
        db = Path(tmp) / "web.sqlite3"
        began = time.perf_counter()
        await asyncio.to_thread(populate, db, args.issues, args.users, args.grids, args.communities)
        await asyncio.to_thread(promise_some, db)
        print(
            f"populated {args.issues:,} issues in {time.perf_counter() - began:.1f} s", flush=True
        )
        figures, rows = await serve_and_ask(args, db)
    title = (
        f"web: {args.issues:,} issues, {args.communities} communities, {args.grids} grids,"
        f" {args.samples} requests each, one at a time"
    )
    print(table(title, rows))
    return figures
