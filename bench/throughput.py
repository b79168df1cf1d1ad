"""Throughput, latency and memory: Mulin against an echo bot in plain PTB (the floor).

Three processes: the Bot API emulator (bench.emuhost), and in turn the echo bot
(bench.echo) and Mulin (`python -m bot run`), each fed the same updates (5,000 across 500
chats by default; see workload.py) through the emulator, all queued at once, as fast as the
emulator accepts them. A bot's run ends when every update got its reply (matching.py; an
album's uncaptioned photos get none from either bot: load, not waited for); the figures
(throughput_report.py) are updates per second (first queued → last answered), update → reply
latency (p50, p99: queued → the first bot request answering it, both times read from the
emulator's log; with everything queued at once this is mostly time spent waiting in the
backlog), the bot process's peak RSS (VmHWM) and its CPU time (all threads, and the event
loop's alone).

Set-up happens before any run, with Mulin: groups added and registered with /setup, the
private residents' /start, issue cards raised in community A, an activity published in
community B. The database as set-up left it is copied for every Mulin run, so each run starts
from the same state; each bot is a fresh process.

Variants (--variants), the same limiter settings for both bots:
- `paced`: PTB's AIORateLimiter(max_retries=3) as Mulin ships it, 30 messages/s overall and
  20/min per group (MULIN_RATE_OVERALL=30, MULIN_RATE_GROUP=20). Every message either bot
  sends waits its turn in the 30/s budget, so both mostly wait on the limiter and the ratio
  says how many more messages (card edits) Mulin sends.
- `unpaced`: the 30/s overall limit lifted in both (MULIN_RATE_OVERALL=0; groups still paced):
  the bots' own cost per update.
Then a light-load run (--light updates at --light-rate a second, fresh processes): the
latency of one update when nothing queues.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from . import profile as profiling
from .matching import Matcher
from .procs import (
    SUPERADMIN_ID,
    BenchError,
    Child,
    EmuClient,
    start_echo,
    start_emulator,
    start_mulin,
)
from .throughput_report import Window, summarize, summarize_light
from .workload import (
    ACTIVITY,
    PUBLISH,
    SHARES,
    SIGN_UP,
    UPDATES_PER_ITEM,
    Board,
    Cast,
    head,
    report_texts,
    script,
    shares,
)

DESCRIPTION = (
    "5,000 updates across 500 chats: Mulin vs an echo bot in plain PTB, each in its own process"
)
# The same limiter settings for both bots: 30 messages/s overall, 20/min a group (paced), or no
# overall limit (unpaced; groups still paced).
MULIN_ENV: dict[str, dict[str, str]] = {
    "paced": {"MULIN_RATE_OVERALL": "30", "MULIN_RATE_GROUP": "20"},
    "unpaced": {"MULIN_RATE_OVERALL": "0", "MULIN_RATE_GROUP": "20"},
}
ECHO_ARGS: dict[str, tuple[str, ...]] = {"paced": (), "unpaced": ("--overall-rate", "0")}
CARD_NUMBER = re.compile(r"^#(\d+)")


def parse_mix(text: str) -> dict[str, int]:
    counts = dict.fromkeys(SHARES, 0)
    for part in text.split(","):
        kind, _, n = part.partition("=")
        if kind.strip() not in counts or not n.strip().isdigit():
            raise SystemExit(f"--mix: {part!r} is not KIND=N with KIND one of {', '.join(SHARES)}")
        counts[kind.strip()] = int(n)
    return counts


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--updates", type=int, default=5000, help="updates fed to each bot")
    parser.add_argument(
        "--mix",
        default=None,
        help="instead of the standard mix, e.g. issue=2000,metoo=450 (kinds: "
        + ", ".join(SHARES)
        + f"; N updates, but report_photos=N is N albums of {UPDATES_PER_ITEM['report_photos']} "
        + "photos, one update each)",
    )
    parser.add_argument("--groups-a", type=int, default=45, help="groups with reports")
    parser.add_argument("--groups-b", type=int, default=5, help="groups with the activity")
    parser.add_argument("--private", type=int, default=450, help="private chats")
    parser.add_argument(
        "--variants",
        default="unpaced,paced",
        help="comma-separated: paced (PTB's 30/s overall limit, as shipped), unpaced (lifted)",
    )
    parser.add_argument(
        "--timeout", type=float, default=400.0, help="seconds one bot may take for its window"
    )
    parser.add_argument(
        "--profile",
        type=Path,
        default=None,
        help="py-spy Mulin's last window; collapsed stacks to this file, hotspots printed",
    )
    parser.add_argument(
        "--light", type=int, default=300, help="updates of the light-load latency run (0: none)"
    )
    parser.add_argument(
        "--profile-echo", type=Path, default=None, help="the same for the echo bot's last window"
    )
    parser.add_argument("--light-rate", type=float, default=20.0, help="its updates per second")
    parser.add_argument(
        "--light-variants", default="paced", help="variants the light-load run is made for"
    )
    parser.add_argument("--keep", type=Path, default=None, help="copy the logs to this directory")


async def drive(
    client: EmuClient,
    child: Child,
    actions: Sequence[Sequence[Any]],
    what: str,
    within: float = 120.0,
    poll: float = 0.1,
    rate: float | None = None,
) -> Matcher:
    """Queue `actions` at once (or `rate` a second); return when each got its answer."""
    mark = await client.mark()
    queued = await client.enqueue(actions, rate)
    matcher = Matcher(actions, queued)
    await client.sync()
    matcher.feed(client.log[mark:])
    deadline = time.monotonic() + within
    while not matcher.complete:
        if time.monotonic() > deadline:
            raise BenchError(
                f"{what}: {len(actions) - matcher.done} of {len(actions)} updates "
                f"unanswered after {within:.0f} s"
            )
        child.check()
        await asyncio.sleep(poll)
        matcher.feed(await client.sync())
    return matcher


async def set_up(
    client: EmuClient, api_url: str, workdir: Path, db: Path, cast: Cast, counts: dict[str, int]
) -> tuple[list[int], Board, list[str]]:
    """Everything before the windows, with Mulin; returns A's groups, the cards and the texts
    of the window's reports (with text and with photos)."""
    await client.users(cast.users(counts))
    titles = cast.group_titles()
    ids = await client.groups([(title, SUPERADMIN_ID) for title, _, _ in titles])
    groups_a, groups_b = ids[: cast.groups_a], ids[cast.groups_a :]
    since = await client.mark()
    mulin = await start_mulin(api_url, db, workdir)
    try:
        await client.wait_polling(mulin, since)
        await client.wait_idle(quiet=0.5)
        setup = [
            ["send", SUPERADMIN_ID, chat, f"/setup {community} {grid}"]
            for chat, (_, community, grid) in zip(ids, titles, strict=True)
        ]
        await drive(client, mulin, setup, "set-up: /setup")
        residents = cast.users(counts)[1 : 1 + cast.private]
        await drive(
            client, mulin, [["send", u, u, "/start"] for u, _, _ in residents], "set-up: /start"
        )
        first = cast.groups_a * cast.cards_per_group
        texts = report_texts(cast.rng, first + counts["report"] + counts["report_photos"])
        raised = [
            ["send", SUPERADMIN_ID, groups_a[i % cast.groups_a], f"/report {text}"]
            for i, text in enumerate(texts[:first])
        ]
        await drive(client, mulin, raised, "set-up: issue cards")
        activity_cards = await publish(client, mulin, groups_b, cast)
        await client.wait_idle(quiet=1.0)
        issue_cards = {chat: await issue_cards_in(client, chat, cast) for chat in groups_a}
    finally:
        await mulin.stop()
    return groups_a, Board(issue_cards, activity_cards), texts[first:]


async def publish(
    client: EmuClient, mulin: Child, groups_b: Sequence[int], cast: Cast
) -> dict[int, tuple[int, list[str]]]:
    """The activity, created in B's first group and published to all of B: its cards."""
    new = ["send", SUPERADMIN_ID, groups_b[0], ACTIVITY.format(capacity=cast.capacity)]
    await drive(client, mulin, [new], "set-up: /newactivity")
    preview = await client.bot_messages(groups_b[0])
    button = next(
        (m, data)
        for m, _, buttons, _ in reversed(preview)
        for label, data in buttons
        if label == PUBLISH
    )
    await drive(client, mulin, [["press", SUPERADMIN_ID, groups_b[0], *button]], "set-up: publish")
    return await wait_cards(client, mulin, groups_b)


async def issue_cards_in(client: EmuClient, chat: int, cast: Cast) -> list[tuple[int, str, int]]:
    """The set-up's issue cards in a group of A: (message id, "me too" data, issue number)."""
    cards = []
    for message_id, text, buttons, _ in await client.bot_messages(chat):
        number = CARD_NUMBER.match(text)
        follow = [data for _, data in buttons if data.startswith("iss:follow:")]
        if number and follow:
            cards.append((message_id, follow[0], int(number.group(1))))
    if len(cards) != cast.cards_per_group:
        raise BenchError(f"group {chat} shows {len(cards)} issue cards after set-up")
    return cards


async def wait_cards(
    client: EmuClient, mulin: Child, groups: Sequence[int], within: float = 60.0
) -> dict[int, tuple[int, list[str]]]:
    """The published activity's card in each group: (message id, sign-up data by party)."""
    deadline = time.monotonic() + within
    while True:
        found: dict[int, tuple[int, list[str]]] = {}
        for chat in groups:
            for message_id, _, buttons, _ in await client.bot_messages(chat):
                by_label = dict(buttons)
                if all(label in by_label for label in SIGN_UP):
                    found[chat] = (message_id, [by_label[label] for label in SIGN_UP])
        if len(found) == len(groups):
            return found
        if time.monotonic() > deadline:
            raise BenchError(f"the activity card reached {len(found)} of {len(groups)} groups")
        mulin.check()
        await asyncio.sleep(0.2)


def copy_db(source: Path, target: Path) -> None:
    """A SQLite database with its WAL files, as a closed connection left them."""
    for suffix in ("", "-wal", "-shm"):
        file = Path(f"{source}{suffix}")
        if file.exists():
            shutil.copyfile(file, f"{target}{suffix}")


async def window(
    client: EmuClient,
    emulator: Child,
    api_url: str,
    workdir: Path,
    bot: str,
    variant: str,
    actions: Sequence[Sequence[Any]],
    kinds: list[str],
    db_template: Path,
    within: float,
    profile_to: Path | None = None,
    rate: float | None = None,
) -> Window:
    """One bot, started fresh (Mulin on a fresh copy of the set-up database), fed `actions`
    all at once or `rate` a second, until each got its answer; then stopped."""
    since = await client.mark()
    if bot == "echo":
        child = await start_echo(api_url, workdir, ECHO_ARGS[variant])
    else:
        db = workdir / f"mulin-{variant}.sqlite3"
        copy_db(db_template, db)
        child = await start_mulin(api_url, db, workdir, env=MULIN_ENV[variant])
    spy: profiling.Spy | None = None
    try:
        await client.wait_polling(child, since)
        await client.wait_idle(quiet=0.5)
        errors_before = len(await client.errors())
        if profile_to is not None:
            spy = await profiling.attach(child.pid, profile_to, workdir)
        cpu_before = child.cpu_seconds() or 0.0
        main_before = child.main_thread_cpu_seconds() or 0.0
        emulator_before = emulator.cpu_seconds() or 0.0
        matcher = await drive(
            client, child, actions, f"{bot} ({variant})", within, poll=0.25, rate=rate
        )
        cpu = (child.cpu_seconds() or 0.0) - cpu_before
        main_cpu = (child.main_thread_cpu_seconds() or 0.0) - main_before
        emulator_cpu = (emulator.cpu_seconds() or 0.0) - emulator_before
        peak = child.peak_rss_kb() or 0
        if spy is not None:
            await spy.stop()
        errors = (await client.errors())[errors_before:]
    finally:
        if spy is not None:
            await spy.stop()
        await child.stop()
    wall = matcher.last_reply() - min(matcher.queued_at)
    return Window(bot, variant, matcher, kinds, wall, peak, cpu, main_cpu, emulator_cpu, errors)


def variant_names(text: str) -> list[str]:
    names = [v.strip() for v in text.split(",") if v.strip()]
    for variant in names:
        if variant not in ECHO_ARGS:
            raise SystemExit(f"unknown variant {variant!r}: paced or unpaced")
    return names


async def windows(
    client: EmuClient,
    emulator: Child,
    api_url: str,
    workdir: Path,
    template: Path,
    args: argparse.Namespace,
    actions: Sequence[Sequence[Any]],
    kinds: list[str],
) -> tuple[list[Window], list[Window]]:
    """Each variant for each bot, then the light-load runs (the mix's first --light updates,
    and the rest of an album begun there)."""
    variants = variant_names(str(args.variants))
    results: list[Window] = []
    light: list[Window] = []
    for variant in variants:
        for bot in ("echo", "mulin"):
            last = variant == variants[-1]
            spy_to = args.profile if bot == "mulin" else args.profile_echo
            result = await window(
                client, emulator, api_url, workdir, bot, variant, actions, kinds,
                template, args.timeout, spy_to if last else None,
            )  # fmt: skip
            results.append(result)
            print(f"  {result.headline()}", flush=True)
    n_light = head(actions, args.light)
    for variant in variant_names(str(args.light_variants)) if n_light else []:
        for bot in ("echo", "mulin"):
            result = await window(
                client, emulator, api_url, workdir, bot, variant,
                actions[:n_light], kinds[:n_light], template, args.timeout,
                rate=args.light_rate,
            )  # fmt: skip
            light.append(result)
            print(f"  {result.headline()} (light load)", flush=True)
    return results, light


async def run(args: argparse.Namespace) -> dict[str, float]:
    variants = variant_names(str(args.variants))
    variant_names(str(args.light_variants))  # refused before the set-up, not after
    cast = Cast(groups_a=args.groups_a, groups_b=args.groups_b, private=args.private)
    counts = shares(args.updates) if args.mix is None else parse_mix(str(args.mix))
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="mulin-bench-") as tmp:
        workdir = Path(tmp)
        emulator, api_url = await start_emulator(workdir)
        try:
            async with EmuClient(api_url) as client:
                start = time.perf_counter()
                template = workdir / "setup.sqlite3"
                groups_a, board, texts = await set_up(
                    client, api_url, workdir, template, cast, counts
                )
                actions, kinds = script(cast, counts, groups_a, board, texts)
                print(
                    f"set-up: {len(groups_a)} + {cast.groups_b} groups, {cast.private} private "
                    f"chats, {sum(len(c) for c in board.issue_cards.values())} issue cards, "
                    f"1 activity — {time.perf_counter() - start:.1f} s",
                    flush=True,
                )
                results, light = await windows(
                    client, emulator, api_url, workdir, template, args, actions, kinds
                )
        finally:
            if args.keep is not None:
                shutil.copytree(workdir, args.keep, dirs_exist_ok=True)
            await emulator.stop()
    figures = summarize(results, variants, counts, cast)
    if light:
        figures.update(summarize_light(light, args.light_rate))
    load_after = os.getloadavg()[0]
    figures.update(load_before=load_before, load_after=load_after)
    footnotes(args, load_before, load_after)
    return figures


def footnotes(args: argparse.Namespace, load_before: float, load_after: float) -> None:
    """A warning when the machine was busy; the profiles' hotspots, if asked for."""
    if max(load_before, load_after) > 0.5:
        print(
            f"\n(load average {load_before:.2f} before, {load_after:.2f} after: other work on the "
            "machine competes for its cores; wall-clock figures are noisy, CPU per update less so)"
        )
    for bot, spied in (("echo", args.profile_echo), ("Mulin", args.profile)):
        if spied is not None and spied.exists():
            print(f"\n{bot}:")
            print(profiling.hotspots(spied))
