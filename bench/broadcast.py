"""Broadcast: an activity published to 1,000 groups under Telegram's limits, and a crash in the
middle of the next one.

The emulator runs in its own process and enforces Telegram's limits (`--rate-limits`: 30
messages/s overall, 20/min per group; a request beyond them is answered 429). Mulin runs as
`python -m bot run`. Set-up: 1,000 groups with the bot in them, registered to one community
(written through the bot's own Registry.register_chat before the bot starts: the same rows
/setup writes, without 2,000 set-up messages to pace).

1. The superadmin sends `/newactivity 亲子定向赛 | … | 40 | 3` in private and presses
   "📣 发布": the time from the press being queued to the last card accepted by the emulator,
   against the ideal 1,000 / 30 s; and the 429 answers the emulator gave.
2. A second activity is published; once ~300 cards are out the bot gets SIGKILL, is started
   again on the same database, and the outbox sends the rest. Every group must hold the card
   exactly once: `duplicates` (groups with two or more) and `missing` (none).
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from bot.core.records import SeenUser
from bot.core.registry import Registry

from .procs import SUPERADMIN_ID, BenchError, Child, EmuClient, start_emulator, start_mulin
from .report import table
from .throughput_setup import drive

DESCRIPTION = "an activity published to 1,000 groups under Telegram's limits; SIGKILL mid-way"
COMMUNITY = "海景湾社区"
FIRST = ("亲子定向赛", "/newactivity 亲子定向赛 | 2099-12-05 09:00 | 海景湾三期中心花园 | 40 | 3")
SECOND = ("中秋游园会", "/newactivity 中秋游园会 | 2099-09-15 19:00 | 海景湾二期中心广场 | 200 | 2")
PUBLISH = "📣 发布"
RATE = 30.0  # Telegram: messages per second, all chats together
TARGET = 0.9  # within 10% of the ideal


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--groups", type=int, default=1000, help="registered groups")
    parser.add_argument(
        "--kill-after", type=int, default=300, help="cards delivered before the SIGKILL"
    )
    parser.add_argument("--no-crash", action="store_true", help="skip the SIGKILL part")
    parser.add_argument(
        "--launcher",
        default="-m bot run",
        help="what the interpreter runs as the bot (default: -m bot run); a what-if script, "
        "e.g. one that changes the rate limiter before calling bot.__main__.main",
    )


async def seed(db: Path, groups: Sequence[int]) -> None:
    """Register every group to its own grid of one community, as /setup would."""
    storage = await Registry.open(db)
    try:
        await storage.see(
            SeenUser(SUPERADMIN_ID, "镇管理员", None, "town_admin", "zh-hans"),
            SUPERADMIN_ID,
            "private",
            None,
            private_message=True,
        )
        for i, chat_id in enumerate(groups):
            await storage.register_chat(chat_id, COMMUNITY, f"第{i + 1}网格", SUPERADMIN_ID)
    finally:
        await storage.close()


async def preview(client: EmuClient, mulin: Child, command: str) -> tuple[int, str]:
    """Send the one-line /newactivity in private; the preview's (message id, publish data)."""
    await drive(client, mulin, [["send", SUPERADMIN_ID, SUPERADMIN_ID, command]], "/newactivity")
    for message_id, _, buttons, _ in reversed(await client.bot_messages(SUPERADMIN_ID)):
        for label, data in buttons:
            if label == PUBLISH:
                return message_id, data
    raise BenchError(f"no {PUBLISH!r} button after {command!r}")


async def delivered(client: EmuClient, title: str, groups: Sequence[int]) -> dict[int, int]:
    return await client.count(title, groups)


async def wait_delivered(
    client: EmuClient,
    mulin: Child,
    title: str,
    groups: Sequence[int],
    at_least: int,
    within: float,
) -> dict[int, int]:
    deadline = time.monotonic() + within
    while True:
        counts = await delivered(client, title, groups)
        if sum(1 for n in counts.values() if n) >= at_least:
            return counts
        if time.monotonic() > deadline:
            got = sum(1 for n in counts.values() if n)
            raise BenchError(f"{title}: {got} of {at_least} groups got the card in {within:.0f} s")
        mulin.check()
        await asyncio.sleep(0.05)


def card_times(client: EmuClient, title: str, since: int) -> list[float]:
    """When the emulator accepted each card (sendMessage to a group naming the activity)."""
    return [
        e.t
        for e in client.log[since:]
        if e.method == "sendMessage"
        and e.chat_id is not None
        and e.chat_id < 0
        and e.ok
        and title in e.text
    ]


async def too_many(client: EmuClient) -> int:
    return sum(1 for _, status, _, _ in await client.errors() if status == 429)


async def run(args: argparse.Namespace) -> dict[str, float]:
    n_groups: int = args.groups
    ideal = n_groups / RATE
    figures: dict[str, float] = {"groups": float(n_groups), "ideal_s": ideal}
    with tempfile.TemporaryDirectory(prefix="mulin-bench-") as tmp:
        workdir = Path(tmp)
        db = workdir / "broadcast.sqlite3"
        emulator, api_url = await start_emulator(workdir, rate_limits=True)
        children: list[Child] = []  # every bot started, to stop whatever happens
        try:
            async with EmuClient(api_url) as client:
                await client.rate_limits(False)  # set-up is not measured
                await client.users([(SUPERADMIN_ID, "镇管理员", "zh-hans")])
                groups = await client.groups(
                    [(f"海景湾第{i + 1}网格群", SUPERADMIN_ID) for i in range(n_groups)],
                    bot="silent",
                )
                await seed(db, groups)
                since = await client.mark()
                launcher = tuple(str(args.launcher).split())
                mulin = await start_mulin(api_url, db, workdir, launcher)
                children.append(mulin)
                await client.wait_polling(mulin, since)
                await client.wait_idle(quiet=0.5)

                # 1. the broadcast, timed
                title, command = FIRST
                message_id, data = await preview(client, mulin, command)
                await client.wait_idle(quiet=0.5)
                await client.rate_limits(True)  # also forgets what was sent before
                before_429 = await too_many(client)
                mark = await client.mark()
                queued = await client.enqueue(
                    [["press", SUPERADMIN_ID, SUPERADMIN_ID, message_id, data]]
                )
                published_at = queued[0][0]
                counts = await wait_delivered(
                    client, mulin, title, groups, n_groups, 10 * ideal + 60
                )
                await client.wait_idle(quiet=1.0, within=120)
                await client.resync()
                times = card_times(client, title, mark)
                actual = max(times) - published_at if times else float("nan")
                counts = await delivered(client, title, groups)
                figures.update(
                    actual_s=actual,
                    efficiency=ideal / actual if actual > 0 else 0.0,
                    first_card_s=min(times) - published_at if times else float("nan"),
                    cards_sent=float(len(times)),
                    http_429=float(await too_many(client) - before_429),
                    first_duplicates=float(sum(1 for n in counts.values() if n > 1)),
                    first_missing=float(sum(1 for n in counts.values() if n == 0)),
                    peak_rss_mib=(mulin.peak_rss_kb() or 0) / 1024,
                )

                # 2. SIGKILL in the middle of the next one, restart, count
                if not args.no_crash:
                    await crash(
                        client,
                        api_url,
                        workdir,
                        db,
                        groups,
                        args.kill_after,
                        figures,
                        children,
                        launcher,
                    )
                else:
                    figures.update(duplicates=0.0, missing=0.0)
        finally:
            for child in children:
                await child.stop()
            await emulator.stop()
    print_figures(figures, n_groups, not args.no_crash)
    return figures


async def crash(
    client: EmuClient,
    api_url: str,
    workdir: Path,
    db: Path,
    groups: Sequence[int],
    kill_after: int,
    figures: dict[str, float],
    children: list[Child],
    launcher: tuple[str, ...],
) -> None:
    """Publish the second activity, SIGKILL the bot (children[-1]) after `kill_after` cards,
    start it again on the same database, and count the cards in every group."""
    mulin = children[-1]
    title, command = SECOND
    message_id, data = await preview(client, mulin, command)
    await client.wait_idle(quiet=1.1)  # the 1-second window of the limits is clear again
    before_429 = await too_many(client)
    mark = await client.mark()
    queued = await client.enqueue([["press", SUPERADMIN_ID, SUPERADMIN_ID, message_id, data]])
    published_at = queued[0][0]
    counts = await wait_delivered(client, mulin, title, groups, kill_after, 120)
    mulin.kill()
    await mulin.proc.wait()
    killed_at = time.monotonic()
    counts = await delivered(client, title, groups)
    at_kill = sum(1 for n in counts.values() if n)
    since = await client.mark()
    restarted = await start_mulin(api_url, db, workdir, launcher)
    children.append(restarted)
    await client.wait_polling(restarted, since)
    counts = await wait_delivered(client, restarted, title, groups, len(groups), 120)
    await client.wait_idle(quiet=1.0, within=120)
    await client.resync()
    times = card_times(client, title, mark)
    counts = await delivered(client, title, groups)
    figures.update(
        killed_after_cards=float(at_kill),
        restart_s=max(times) - killed_at if times else float("nan"),
        crash_total_s=max(times) - published_at if times else float("nan"),
        crash_http_429=float(await too_many(client) - before_429),
        duplicates=float(sum(1 for n in counts.values() if n > 1)),
        missing=float(sum(1 for n in counts.values() if n == 0)),
    )


def print_figures(figures: dict[str, float], groups: int, crashed: bool) -> None:
    met = figures["efficiency"] >= TARGET and figures["http_429"] == 0
    rows: list[tuple[str, str] | tuple[str, str, str]] = [
        ("groups", f"{groups}"),
        ("ideal", f"{figures['ideal_s']:.1f} s", f"{groups} / {RATE:.0f} per second"),
        ("publish → last card", f"{figures['actual_s']:.1f} s"),
        ("publish → first card", f"{figures['first_card_s'] * 1000:.0f} ms"),
        (
            "efficiency (ideal / actual)",
            f"{figures['efficiency']:.3f}",
            f"target ≥ {TARGET} with no 429: {'met' if met else 'MISSED'}",
        ),
        ("429 answers", f"{figures['http_429']:.0f}", "ok" if figures["http_429"] == 0 else "FAIL"),
        ("cards accepted", f"{figures['cards_sent']:.0f}"),
        (
            "groups with it twice / none",
            f"{figures['first_duplicates']:.0f} / {figures['first_missing']:.0f}",
        ),
        ("bot peak RSS", f"{figures['peak_rss_mib']:.1f} MiB"),
    ]
    if crashed:
        rows += [
            ("SIGKILL after", f"{figures['killed_after_cards']:.0f} cards", "second activity"),
            ("kill → last card", f"{figures['restart_s']:.1f} s", "restart and the rest"),
            ("publish → last card", f"{figures['crash_total_s']:.1f} s", "with the crash"),
            ("429 answers", f"{figures['crash_http_429']:.0f}"),
            (
                "duplicates",
                f"{figures['duplicates']:.0f}",
                "ok" if figures["duplicates"] == 0 else "FAIL",
            ),
            ("missing", f"{figures['missing']:.0f}", "ok" if figures["missing"] == 0 else "FAIL"),
        ]
    print(table(f"broadcast: one activity to {groups} groups, emulator enforcing limits", rows))
