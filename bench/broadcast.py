"""Broadcast: an activity published to 1,000 groups under Telegram's limits, five times with a
CPU hog beside the bot, and a crash in the middle of another one.

The emulator runs in its own process and enforces Telegram's limits (`--rate-limits`: 30
messages/s overall in a sliding second, 20/min per group; a request beyond them is answered
429). Mulin runs as `python -m bot run`. Set-up: 1,000 groups with the bot in them, registered
to one community (written through the bot's own Registry.register_chat before the bot starts:
the same rows /setup writes, without 2,000 set-up messages to pace). Then a busy-loop Python
process (`--hogs`, default 1 on this 2-core machine) runs beside the bot, the emulator and the
benchmark until the end: the bot's loop and the emulator's are late now and then, as on a
shared server.

1. `--runs` times (default 5) the superadmin sends `/newactivity 亲子定向赛第N场 | … | 40 | 3`
   in private and presses "📣 发布": each run's time from the press being queued to the last
   card accepted by the emulator, against the ideal 1,000 / 30 s, and the 429 answers the
   emulator gave. `efficiency` is the worst run's; a 429 in any run misses the target.
2. Another activity is published; once ~300 cards are out the bot gets SIGKILL. Its database
   (with the -wal and -shm files) is copied at once, before the restart, to tell each group's
   outbox row as it was at the kill. The bot is started again on the same database and the
   outbox sends the rest. Every group must hold the card (`missing`: none), and each group
   that holds it twice is named with its cause: "in flight at the kill" (Telegram had accepted
   it, the outbox had not yet recorded it: at least once, as the README says) or a bug ("sent
   twice although recorded as sent", "twice after the restart", "twice before the kill").
   `duplicates_not_in_flight` must be 0.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import sqlite3
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.core.records import SeenUser
from bot.core.registry import Registry

from .procs import (
    SUPERADMIN_ID,
    BenchError,
    Child,
    EmuClient,
    start_emulator,
    start_hogs,
    start_mulin,
    stop_all,
)
from .report import table
from .throughput_setup import drive

DESCRIPTION = (
    "an activity published to 1,000 groups under Telegram's limits, 5 runs beside a CPU hog; "
    "SIGKILL mid-way"
)
COMMUNITY = "海景湾社区"
FIRST = "/newactivity {title} | 2099-12-05 09:00 | 海景湾三期中心花园 | 40 | 3"
SECOND = ("中秋游园会", "/newactivity 中秋游园会 | 2099-09-15 19:00 | 海景湾二期中心广场 | 200 | 2")
PUBLISH = "📣 发布"
RATE = 30.0  # Telegram: messages per second, all chats together
TARGET = 0.95  # efficiency (ideal / actual) of the worst run, with no 429 in any run
IN_FLIGHT = "in flight at the kill: at least once"


def run_title(run: int) -> str:
    """The activity of run `run` (1-based); no title is part of another one."""
    return f"亲子定向赛第{run}场"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--groups", type=int, default=1000, help="registered groups")
    parser.add_argument(
        "--runs", type=int, default=5, help="broadcasts timed one after another (default 5)"
    )
    parser.add_argument(
        "--hogs",
        type=int,
        default=1,
        help="busy-loop processes beside the bot during the runs and the crash (default 1)",
    )
    parser.add_argument("--no-hog", action="store_true", help="no CPU hog (same as --hogs 0)")
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
    poll: float = 0.05,
) -> dict[int, int]:
    """Poll the emulator until `at_least` groups have the card (every `poll` s: each poll
    counts the cards of every group, work for the emulator beside the broadcast)."""
    deadline = time.monotonic() + within
    while True:
        counts = await delivered(client, title, groups)
        if sum(1 for n in counts.values() if n) >= at_least:
            return counts
        if time.monotonic() > deadline:
            got = sum(1 for n in counts.values() if n)
            raise BenchError(f"{title}: {got} of {at_least} groups got the card in {within:.0f} s")
        mulin.check()
        await asyncio.sleep(poll)


def card_times(client: EmuClient, title: str, since: int) -> list[float]:
    """When the emulator accepted each card (sendMessage to a group naming the activity)."""
    return [t for t, _ in card_log(client, title, since)]


def card_log(client: EmuClient, title: str, since: int) -> list[tuple[float, int]]:
    """(accepted at, group) of each card naming the activity, in the order they came."""
    return [
        (e.t, e.chat_id)
        for e in client.log[since:]
        if e.method == "sendMessage"
        and e.chat_id is not None
        and e.chat_id < 0
        and e.ok
        and title in e.text
    ]


def busiest(times: Sequence[float], period: float) -> int:
    """The most cards in any window (t - period, t], as the emulator counts its limits."""
    ordered = sorted(times)
    first = most = 0
    for i, t in enumerate(ordered):
        while ordered[first] <= t - period:
            first += 1
        most = max(most, i - first + 1)
    return most


def each_run(figures: dict[str, float], key: str) -> list[float]:
    """A figure of every timed run (`run1_<key>`, `run2_<key>`, …)."""
    return [figures[f"run{i}_{key}"] for i in range(1, int(figures["runs"]) + 1)]


async def too_many(client: EmuClient) -> int:
    return sum(1 for _, status, _, _ in await client.errors() if status == 429)


async def run(args: argparse.Namespace) -> dict[str, float]:
    n_groups: int = args.groups
    runs = max(1, int(args.runs))
    n_hogs = 0 if args.no_hog else max(0, int(args.hogs))
    ideal = n_groups / RATE
    figures: dict[str, float] = {
        "groups": float(n_groups),
        "ideal_s": ideal,
        "runs": float(runs),
        "hogs": float(n_hogs),
    }
    duplicates: list[Duplicate] = []
    with tempfile.TemporaryDirectory(prefix="mulin-bench-") as tmp:
        workdir = Path(tmp)
        db = workdir / "broadcast.sqlite3"
        emulator, api_url = await start_emulator(workdir, rate_limits=True)
        children: list[Child] = []  # every bot started, to stop whatever happens
        hogs: list[Child] = []
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
                hogs = await start_hogs(workdir, n_hogs)
                hogged_at = time.monotonic()

                # 1. the broadcasts, timed one by one
                for i in range(1, runs + 1):
                    title = run_title(i)
                    one = await publish(
                        client, mulin, groups, title, FIRST.format(title=title), reset=i == 1
                    )
                    for key, value in one.items():
                        figures[f"run{i}_{key}"] = value
                    print(
                        f"broadcast run {i}/{runs}: {one['actual_s']:.1f} s, efficiency "
                        f"{one['efficiency']:.3f}, {one['http_429']:.0f} × 429, first card "
                        f"{one['first_card_s'] * 1000:.0f} ms",
                        flush=True,
                    )
                figures.update(
                    efficiency=min(each_run(figures, "efficiency")),
                    efficiency_mean=sum(each_run(figures, "efficiency")) / runs,
                    actual_s=max(each_run(figures, "actual_s")),
                    http_429=sum(each_run(figures, "http_429")),
                    first_card_s=figures["run1_first_card_s"],
                    cards_sent=sum(each_run(figures, "cards_sent")),
                    first_duplicates=sum(each_run(figures, "duplicates")),
                    first_missing=sum(each_run(figures, "missing")),
                    peak_rss_mib=(mulin.peak_rss_kb() or 0) / 1024,
                )

                # 2. SIGKILL in the middle of the next one, restart, count
                if not args.no_crash:
                    duplicates = await crash(
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
                    figures.update(duplicates=0.0, duplicates_not_in_flight=0.0, missing=0.0)
                figures["hog_cores"] = hog_cores(hogs, hogged_at)
        finally:
            await stop_all(hogs)
            await stop_all(children)
            await emulator.stop()
    print_figures(figures, n_groups, not args.no_crash, duplicates)
    return figures


def hog_cores(hogs: Sequence[Child], since: float) -> float:
    """The CPU the hogs took while they ran, in cores (1.0: one core all the time)."""
    wall = time.monotonic() - since
    return sum(h.cpu_seconds() or 0.0 for h in hogs) / wall if wall > 0 else 0.0


async def publish(
    client: EmuClient,
    mulin: Child,
    groups: Sequence[int],
    title: str,
    command: str,
    *,
    reset: bool,
) -> dict[str, float]:
    """One broadcast, timed: the press on "📣 发布" queued → the last card accepted."""
    n_groups = len(groups)
    ideal = n_groups / RATE
    message_id, data = await preview(client, mulin, command)
    await client.wait_idle(quiet=1.1)  # the 1-second window of the limits is clear again
    if reset:
        await client.rate_limits(True)  # also forgets what was sent before
    before_429 = await too_many(client)
    mark = await client.mark()
    queued = await client.enqueue([["press", SUPERADMIN_ID, SUPERADMIN_ID, message_id, data]])
    published_at = queued[0][0]
    await wait_delivered(client, mulin, title, groups, n_groups, 10 * ideal + 60, poll=0.25)
    await client.wait_idle(quiet=1.0, within=120)
    await client.resync()
    times = card_times(client, title, mark)
    actual = max(times) - published_at if times else float("nan")
    counts = await delivered(client, title, groups)
    return {
        "actual_s": actual,
        "efficiency": ideal / actual if actual > 0 else 0.0,
        "first_card_s": min(times) - published_at if times else float("nan"),
        "cards_sent": float(len(times)),
        "http_429": float(await too_many(client) - before_429),
        "busiest_second": float(busiest(times, 1.0)),
        "duplicates": float(sum(1 for n in counts.values() if n > 1)),
        "missing": float(sum(1 for n in counts.values() if n == 0)),
    }


@dataclass(frozen=True)
class Duplicate:
    """A group that got the card twice, and why."""

    chat_id: int
    copies: int
    cause: str  # IN_FLIGHT, or the bug it shows
    detail: str

    @property
    def in_flight(self) -> bool:
        return self.cause == IN_FLIGHT


def snapshot(db: Path, into: Path) -> Path:
    """Copy the database as the killed bot left it (the -wal holds its last transactions)."""
    into.mkdir(parents=True, exist_ok=True)
    copy = into / db.name
    for suffix in ("", "-wal", "-shm"):
        source = db.with_name(db.name + suffix)
        if source.exists():
            shutil.copyfile(source, copy.with_name(copy.name + suffix))
    return copy


def recorded_sent(db: Path, title: str) -> dict[int, str]:
    """Each group's outbox row for the activity's card, as the database says: 'sent', another
    outcome, or 'pending' (not done yet)."""
    conn = sqlite3.connect(db)
    try:
        rows = conn.execute(
            "SELECT o.chat_id, coalesce(o.outcome, 'pending') FROM outbox o"
            " JOIN activities a ON a.id = o.card_of"
            " WHERE o.card_kind = 'activity' AND o.method = 'send' AND a.title = ?",
            (title,),
        ).fetchall()
    finally:
        conn.close()
    found: dict[int, str] = {}
    for chat_id, outcome in rows:
        if found.get(int(chat_id)) != "sent":
            found[int(chat_id)] = str(outcome)
    return found


def duplicate_causes(
    counts: dict[int, int],
    at_kill: dict[int, int],
    outbox_at_kill: dict[int, str],
    first_accepted: dict[int, float],
    killed_at: float,
) -> list[Duplicate]:
    """Name the cause of each group holding the card twice or more."""
    found = []
    for chat_id, copies in sorted(counts.items()):
        if copies < 2:
            continue
        before = at_kill.get(chat_id, 0)
        outcome = outbox_at_kill.get(chat_id, "no row")
        if before >= 2:
            cause, detail = "twice before the kill", f"{before} copies at the kill"
        elif outcome == "sent":
            cause = "sent twice although recorded as sent at the kill"
            detail = "the outbox row was done before the kill"
        elif before == 1:
            accepted = first_accepted.get(chat_id)
            ago = f"{(killed_at - accepted) * 1000:.0f} ms" if accepted is not None else "?"
            cause = IN_FLIGHT
            detail = f"first copy accepted {ago} before the kill, outbox row {outcome}"
        else:
            cause, detail = "twice after the restart", f"outbox row {outcome} at the kill"
        found.append(Duplicate(chat_id, copies, cause, detail))
    return found


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
) -> list[Duplicate]:
    """Publish the second activity, SIGKILL the bot (children[-1]) after `kill_after` cards,
    copy its database, start it again on the same database, and count the cards in every
    group; the groups that got it twice, with their causes."""
    mulin = children[-1]
    title, command = SECOND
    message_id, data = await preview(client, mulin, command)
    await client.wait_idle(quiet=1.1)  # the 1-second window of the limits is clear again
    before_429 = await too_many(client)
    mark = await client.mark()
    queued = await client.enqueue([["press", SUPERADMIN_ID, SUPERADMIN_ID, message_id, data]])
    published_at = queued[0][0]
    await wait_delivered(client, mulin, title, groups, kill_after, 120)
    killed_at = time.monotonic()  # the emulator's clock too: one monotonic clock per machine
    mulin.kill()
    await mulin.proc.wait()
    outbox_at_kill = recorded_sent(snapshot(db, workdir / "at-kill"), title)
    at_kill = await delivered(client, title, groups)
    since = await client.mark()
    restarted = await start_mulin(api_url, db, workdir, launcher)
    children.append(restarted)
    await client.wait_polling(restarted, since)
    await wait_delivered(client, restarted, title, groups, len(groups), 120)
    await client.wait_idle(quiet=1.0, within=120)
    await client.resync()
    cards = card_log(client, title, mark)
    times = [t for t, _ in cards]
    first_accepted: dict[int, float] = {}
    for t, chat_id in cards:
        first_accepted.setdefault(chat_id, t)
    counts = await delivered(client, title, groups)
    duplicates = duplicate_causes(counts, at_kill, outbox_at_kill, first_accepted, killed_at)
    in_flight = sum(1 for d in duplicates if d.in_flight)
    figures.update(
        killed_after_cards=float(sum(1 for n in at_kill.values() if n)),
        recorded_at_kill=float(sum(1 for o in outbox_at_kill.values() if o == "sent")),
        restart_s=max(times) - killed_at if times else float("nan"),
        crash_total_s=max(times) - published_at if times else float("nan"),
        crash_http_429=float(await too_many(client) - before_429),
        duplicates=float(len(duplicates)),
        duplicates_in_flight=float(in_flight),
        duplicates_not_in_flight=float(len(duplicates) - in_flight),
        missing=float(sum(1 for n in counts.values() if n == 0)),
    )
    return duplicates


def print_figures(
    figures: dict[str, float], groups: int, crashed: bool, duplicates: Sequence[Duplicate]
) -> None:
    runs = int(figures["runs"])
    met = figures["efficiency"] >= TARGET and figures["http_429"] == 0
    rows: list[tuple[str, str] | tuple[str, str, str]] = [
        ("groups", f"{groups}"),
        ("ideal", f"{figures['ideal_s']:.1f} s", f"{groups} / {RATE:.0f} per second"),
        (
            "CPU hog",
            f"{figures['hogs']:.0f} × busy loop",
            f"took {figures.get('hog_cores', 0.0):.2f} cores of 2"
            if figures["hogs"]
            else "none (--no-hog)",
        ),
    ]
    for i in range(1, runs + 1):
        n429 = figures[f"run{i}_http_429"]
        rows.append(
            (
                f"run {i}: publish → last card",
                f"{figures[f'run{i}_actual_s']:.1f} s",
                f"efficiency {figures[f'run{i}_efficiency']:.3f}, {n429:.0f} × 429, first "
                f"card {figures[f'run{i}_first_card_s'] * 1000:.0f} ms, busiest second "
                f"{figures[f'run{i}_busiest_second']:.0f}",
            )
        )
    rows += [
        (
            "efficiency (ideal / actual)",
            f"{figures['efficiency']:.3f}",
            f"worst of {runs} (mean {figures['efficiency_mean']:.3f}); target ≥ {TARGET} "
            f"and no 429 in any run: {'met' if met else 'MISSED'}",
        ),
        (
            "429 answers",
            f"{figures['http_429']:.0f}",
            "ok" if figures["http_429"] == 0 else "FAIL",
        ),
        ("cards accepted", f"{figures['cards_sent']:.0f}", f"over {runs} runs"),
        (
            "groups with it twice / none",
            f"{figures['first_duplicates']:.0f} / {figures['first_missing']:.0f}",
        ),
        ("bot peak RSS", f"{figures['peak_rss_mib']:.1f} MiB"),
    ]
    if crashed:
        stray = figures["duplicates_not_in_flight"]
        rows += [
            ("SIGKILL after", f"{figures['killed_after_cards']:.0f} cards", "another activity"),
            (
                "recorded as sent at the kill",
                f"{figures['recorded_at_kill']:.0f}",
                "the outbox, read from a copy of the database",
            ),
            ("kill → last card", f"{figures['restart_s']:.1f} s", "restart and the rest"),
            ("publish → last card", f"{figures['crash_total_s']:.1f} s", "with the crash"),
            ("429 answers", f"{figures['crash_http_429']:.0f}"),
            (
                "duplicates",
                f"{figures['duplicates']:.0f}",
                f"{figures['duplicates_in_flight']:.0f} in flight at the kill (at least once)",
            ),
            ("duplicates not in flight", f"{stray:.0f}", "ok" if stray == 0 else "FAIL"),
            ("missing", f"{figures['missing']:.0f}", "ok" if figures["missing"] == 0 else "FAIL"),
        ]
    print(table(f"broadcast: one activity to {groups} groups, emulator enforcing limits", rows))
    for d in duplicates:
        print(f"duplicate: group {d.chat_id} got the card {d.copies}×: {d.cause} ({d.detail})")
