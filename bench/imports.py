"""What each dependency adds to the bot's memory at start: a fresh interpreter imports one more
layer at each step (Python alone, PTB with its job queue, aiohttp, aiosqlite, Babel with the
formats Mulin uses, the whole bot), and its resident set is read after each; the last step also
builds the application and loads both catalogs, as `python -m bot run` does before polling.
Whatever the bot imports only when asked (matplotlib for /stats charts) is listed apart, to show
it is not part of the start.
"""

from __future__ import annotations

import argparse
import asyncio
import sys

from .report import table

DESCRIPTION = "resident memory each dependency adds at start (fresh interpreter per step)"

STEPS: tuple[tuple[str, str], ...] = (
    ("Python 3.11 alone", "pass"),
    ("python-telegram-bot 22 (+ httpx, which it imports)", "import telegram, telegram.ext"),
    ("APScheduler (PTB's job queue)", "import apscheduler.schedulers.asyncio"),
    ("aiohttp (Mulin's transport)", "import aiohttp"),
    ("aiosqlite / sqlite3", "import aiosqlite, sqlite3"),
    ("Babel (dates, numbers, catalogs)", "import babel.dates, babel.numbers, babel.support"),
    ("the bot's own modules", "import bot.app, bot.__main__"),
    (
        "the application built, both catalogs warm",
        "from bot.config import Settings; from bot.app import build_application; "
        "app = build_application(Settings.from_env({'TELEGRAM_BOT_TOKEN': '1:x'})); "
        "app.bot_data.catalogs.warm()",
    ),
)
LATER = ("matplotlib (imported by /stats when it draws)", "import matplotlib.pyplot")

RSS = (
    "import re; print(int(re.search(r'VmRSS:\\s+(\\d+)', "
    "open('/proc/self/status').read()).group(1)))"
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--repeat", type=int, default=3, help="runs of each step (the least kept)")


async def _rss_after(code: str) -> float:
    """KiB resident after running `code` in a fresh interpreter."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        f"{code}\n{RSS}",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    if process.returncode != 0:
        raise RuntimeError(f"{code!r} failed: {err.decode()[-300:]}")
    return float(out.decode().strip().splitlines()[-1])


async def run(args: argparse.Namespace) -> dict[str, float]:
    rows: list[tuple[str, str, str]] = []
    code, previous, first = "", 0.0, 0.0
    figures: dict[str, float] = {}
    for label, step in STEPS:
        code = f"{code}\n{step}" if code else step
        rss = min([await _rss_after(code) for _ in range(args.repeat)])
        first = first or rss
        rows.append((label, f"{rss / 1024:.1f} MiB", f"+{(rss - previous) / 1024:.1f} MiB"))
        previous = rss
    figures["start_rss_mib"] = previous / 1024
    later = min([await _rss_after(f"{code}\n{LATER[1]}") for _ in range(args.repeat)])
    rows.append((LATER[0], f"{later / 1024:.1f} MiB", f"+{(later - previous) / 1024:.1f} MiB"))
    print(table("memory at start: after importing … resident, added", rows))
    print(
        f"the bot at start: {previous / 1024:.1f} MiB, of which Python itself "
        f"{first / 1024:.1f} MiB; charts would add {(later - previous) / 1024:.1f} MiB",
        flush=True,
    )
    return figures
