"""Throughput, latency and memory: Mulin against an echo bot in plain PTB (the floor).

Three processes: the Bot API emulator (bench.emuhost), and in turn the echo bot
(bench.echo) and Mulin (`python -m bot run`), each fed the same updates (5,000 across 500
chats by default; see workload.py) through the emulator, all queued at once, as fast as the
emulator accepts them. A bot's run ends when every update got its reply (matching.py); the
figures are updates per second (first queued → last answered), update → reply latency (p50,
p99: queued → the first bot request answering it, both times read from the emulator's log;
with everything queued at once this is mostly time spent waiting in the backlog), the bot
process's peak RSS (VmHWM) and its CPU time (all threads, and the event loop's alone).

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
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
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
from .report import percentile, table
from .workload import (
    ACTIVITY,
    PUBLISH,
    SHARES,
    SIGN_UP,
    Board,
    Cast,
    report_texts,
    script,
    shares,
)

DESCRIPTION = (
    "5,000 updates across 500 chats: Mulin vs an echo bot in plain PTB, each in its own process"
)
THROUGHPUT_TARGET = 0.8
RSS_TARGET = 1.3
# The same limiter settings for both bots: 30 messages/s overall, 20/min a group (paced), or no
# overall limit (unpaced; groups still paced).
MULIN_ENV: dict[str, dict[str, str]] = {
    "paced": {"MULIN_RATE_OVERALL": "30", "MULIN_RATE_GROUP": "20"},
    "unpaced": {"MULIN_RATE_OVERALL": "0", "MULIN_RATE_GROUP": "20"},
}
ECHO_ARGS: dict[str, tuple[str, ...]] = {"paced": (), "unpaced": ("--overall-rate", "0")}
CARD_NUMBER = re.compile(r"^#(\d+)")
NOT_MODIFIED = "message is not modified"


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
        + ")",
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


@dataclass
class Window:
    bot: str
    variant: str
    matcher: Matcher
    kinds: list[str]
    wall_s: float
    peak_rss_kb: int
    cpu_s: float
    main_cpu_s: float
    emulator_cpu_s: float
    errors: list[tuple[str, int, int | None, str]]

    @property
    def api_errors(self) -> int:
        """Refusals, less "message is not modified": an artifact of this benchmark, whose bot
        runs one after another edit the same emulator's cards and can land on a text an
        earlier run already left there (Mulin's outbox counts it as sent)."""
        return sum(1 for e in self.errors if NOT_MODIFIED not in e[3])

    @property
    def answered(self) -> int:
        return self.matcher.done

    @property
    def cpu_per_update(self) -> float:
        return self.cpu_s / max(1, self.answered)

    def headline(self) -> str:
        return (
            f"{self.bot:<5} {self.variant:<8} {self.rate:7.1f} updates/s  wall {self.wall_s:6.1f} s"
            f"  peak RSS {self.peak_rss_kb / 1024:6.1f} MiB  CPU/update "
            f"{self.cpu_per_update * 1000:.2f} ms"
        )

    @property
    def rate(self) -> float:
        return self.answered / self.wall_s if self.wall_s > 0 else 0.0

    def ms(self, kind: str | None = None) -> list[float]:
        return [s * 1000 for s in self.matcher.latencies(self.kinds, kind)]


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
    of the window's reports."""
    await client.users(cast.users(counts))
    titles = cast.group_titles()
    ids = await client.groups([(title, SUPERADMIN_ID) for title, _, _ in titles])
    groups_a, groups_b = ids[: cast.groups_a], ids[cast.groups_a :]
    since = await client.mark()
    mulin = await start_mulin(api_url, db, workdir)
    try:
        await client.wait_polling(mulin, since)
        await client.wait_idle(quiet=0.5)
        await drive(
            client,
            mulin,
            [
                ["send", SUPERADMIN_ID, chat, f"/setup {community} {grid}"]
                for chat, (_, community, grid) in zip(ids, titles, strict=True)
            ],
            "set-up: /setup",
        )
        await drive(
            client,
            mulin,
            [
                ["send", uid, uid, "/start"]
                for uid, _, _ in cast.users(counts)[1 : 1 + cast.private]
            ],
            "set-up: /start",
        )
        texts = report_texts(cast.rng, cast.groups_a * cast.cards_per_group + counts["report"])
        first = cast.groups_a * cast.cards_per_group
        await drive(
            client,
            mulin,
            [
                ["send", SUPERADMIN_ID, groups_a[i % cast.groups_a], f"/report {text}"]
                for i, text in enumerate(texts[:first])
            ],
            "set-up: issue cards",
        )
        await drive(
            client,
            mulin,
            [["send", SUPERADMIN_ID, groups_b[0], ACTIVITY.format(capacity=cast.capacity)]],
            "set-up: /newactivity",
        )
        preview = await client.bot_messages(groups_b[0])
        publish = next(
            (m, data)
            for m, _, buttons, _ in reversed(preview)
            for label, data in buttons
            if label == PUBLISH
        )
        await drive(
            client, mulin, [["press", SUPERADMIN_ID, groups_b[0], *publish]], "set-up: publish"
        )
        activity_cards = await wait_cards(client, mulin, groups_b)
        await client.wait_idle(quiet=1.0)
        issue_cards: dict[int, list[tuple[int, str, int]]] = {}
        for chat in groups_a:
            cards = []
            for message_id, text, buttons, _ in await client.bot_messages(chat):
                number = CARD_NUMBER.match(text)
                follow = [data for _, data in buttons if data.startswith("iss:follow:")]
                if number and follow:
                    cards.append((message_id, follow[0], int(number.group(1))))
            if len(cards) != cast.cards_per_group:
                raise BenchError(f"group {chat} shows {len(cards)} issue cards after set-up")
            issue_cards[chat] = cards
    finally:
        await mulin.stop()
    return groups_a, Board(issue_cards, activity_cards), texts[first:]


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


async def run(args: argparse.Namespace) -> dict[str, float]:
    variants = [v.strip() for v in str(args.variants).split(",") if v.strip()]
    light_variants = [v.strip() for v in str(args.light_variants).split(",") if v.strip()]
    for variant in variants + light_variants:
        if variant not in ECHO_ARGS:
            raise SystemExit(f"unknown variant {variant!r}: paced or unpaced")
    cast = Cast(groups_a=args.groups_a, groups_b=args.groups_b, private=args.private)
    counts = shares(args.updates) if args.mix is None else parse_mix(str(args.mix))
    load_before = os.getloadavg()[0]
    results: list[Window] = []
    light: list[Window] = []
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
                n_light = min(args.light, len(actions))
                for variant in light_variants if n_light else []:
                    for bot in ("echo", "mulin"):
                        result = await window(
                            client, emulator, api_url, workdir, bot, variant,
                            actions[:n_light], kinds[:n_light], template, args.timeout,
                            rate=args.light_rate,
                        )  # fmt: skip
                        light.append(result)
                        print(f"  {result.headline()} (light load)", flush=True)
        finally:
            if args.keep is not None:
                shutil.copytree(workdir, args.keep, dirs_exist_ok=True)
            await emulator.stop()
    figures = summarize(results, variants, counts, cast)
    if light:
        figures.update(summarize_light(light, args.light_rate))
    load_after = os.getloadavg()[0]
    figures.update(load_before=load_before, load_after=load_after)
    if max(load_before, load_after) > 0.5:
        print(
            f"\n(load average {load_before:.2f} before, {load_after:.2f} after: other work on the "
            "machine competes for its cores; wall-clock figures are noisy, CPU per update less so)"
        )
    for bot, spied in (("echo", args.profile_echo), ("Mulin", args.profile)):
        if spied is not None and spied.exists():
            print(f"\n{bot}:")
            print(profiling.hotspots(spied))
    return figures


def ms_text(w: Window, p: float, kind: str | None = None) -> str:
    return f"{percentile(w.ms(kind), p):.0f}"


def summarize(
    results: list[Window], variants: list[str], counts: dict[str, int], cast: Cast
) -> dict[str, float]:
    by = {(r.bot, r.variant): r for r in results}
    figures: dict[str, float] = {"updates": float(sum(counts.values()))}
    mix = ", ".join(f"{kind} {n}" for kind, n in counts.items() if n)
    print(f"\nthe mix: {mix}; {cast.groups_a + cast.groups_b} groups, {cast.private} private chats")
    for variant in variants:
        echo, mulin = by[("echo", variant)], by[("mulin", variant)]
        ratio = mulin.rate / echo.rate if echo.rate else float("nan")
        rss_ratio = mulin.peak_rss_kb / echo.peak_rss_kb if echo.peak_rss_kb else float("nan")
        cpu_ratio = echo.cpu_per_update / mulin.cpu_per_update if mulin.cpu_per_update else 0.0
        columns: list[tuple[str, Callable[[Window], str]]] = [
            ("updates answered", lambda w: f"{w.answered}/{len(w.kinds)}"),
            ("updates per second", lambda w: f"{w.rate:.1f}"),
            ("wall time", lambda w: f"{w.wall_s:.1f} s"),
            ("latency p50", lambda w: f"{ms_text(w, 50)} ms"),
            ("latency p99", lambda w: f"{ms_text(w, 99)} ms"),
            ("peak RSS (VmHWM)", lambda w: f"{w.peak_rss_kb / 1024:.1f} MiB"),
            ("CPU time", lambda w: f"{w.cpu_s:.1f} s"),
            ("CPU per update", lambda w: f"{w.cpu_per_update * 1000:.2f} ms"),
            ("  main thread", lambda w: f"{w.main_cpu_s / max(1, w.answered) * 1000:.2f} ms"),
            ("  other threads", lambda w: f"{(w.cpu_s - w.main_cpu_s) / max(1, w.answered) * 1000:.2f} ms"),
            ("emulator CPU / update", lambda w: f"{w.emulator_cpu_s / max(1, w.answered) * 1000:.2f} ms"),
            ("other bot requests", lambda w: _extra(w.matcher)),
            ("API errors (4xx)", lambda w: f"{w.api_errors}"),
        ]  # fmt: skip
        rows = [(label, value(echo), value(mulin)) for label, value in columns]
        print()
        print(
            three_columns(
                f"throughput ({variant}): {len(echo.kinds)} updates, all queued at once", rows
            )
        )
        per_kind = [
            (kind, f"{ms_text(echo, 50, kind)} / {ms_text(echo, 99, kind)}",
             f"{ms_text(mulin, 50, kind)} / {ms_text(mulin, 99, kind)}")
            for kind, n in counts.items() if n
        ]  # fmt: skip
        print(three_columns("latency p50 / p99 by kind (ms), queued → answered", per_kind))
        for w in (echo, mulin):
            for line in _error_lines(w):
                print(f"  ! {w.bot}: {line}")
        met = ratio >= THROUGHPUT_TARGET
        rss_met = rss_ratio <= RSS_TARGET
        print(
            table(
                f"Mulin / echo ({variant})",
                [
                    (
                        "throughput ratio",
                        f"{ratio:.3f}",
                        f"target ≥ {THROUGHPUT_TARGET}: {'met' if met else 'MISSED'}",
                    ),
                    (
                        "peak RSS ratio",
                        f"{rss_ratio:.3f}",
                        f"target ≤ {RSS_TARGET}: {'met' if rss_met else 'MISSED'}",
                    ),
                    (
                        "CPU-cost ratio",
                        f"{cpu_ratio:.3f}",
                        "echo's CPU per update / Mulin's (less sensitive to a busy machine)",
                    ),
                ],
            )
        )
        for bot, w in (("echo", echo), ("mulin", mulin)):
            figures[f"{variant}_{bot}_updates_per_s"] = w.rate
            figures[f"{variant}_{bot}_p50_ms"] = percentile(w.ms(), 50)
            figures[f"{variant}_{bot}_p99_ms"] = percentile(w.ms(), 99)
            figures[f"{variant}_{bot}_peak_rss_mib"] = w.peak_rss_kb / 1024
            figures[f"{variant}_{bot}_cpu_ms_per_update"] = w.cpu_per_update * 1000
            figures[f"{variant}_{bot}_answered"] = float(w.answered)
            figures[f"{variant}_{bot}_api_errors"] = float(w.api_errors)
            figures[f"{variant}_{bot}_extra_requests"] = float(sum(w.matcher.extra.values()))
        figures[f"{variant}_throughput_ratio"] = ratio
        figures[f"{variant}_rss_ratio"] = rss_ratio
        figures[f"{variant}_cpu_ratio"] = cpu_ratio
    # The headline is the bots' own cost (unpaced); paced, both mostly wait on Telegram's limit.
    headline = "unpaced" if "unpaced" in variants else variants[0]
    figures["throughput_ratio"] = figures[f"{headline}_throughput_ratio"]
    figures["rss_ratio"] = figures[f"{headline}_rss_ratio"]
    return figures


def summarize_light(light: list[Window], rate: float) -> dict[str, float]:
    figures: dict[str, float] = {}
    by = {(w.bot, w.variant): w for w in light}
    for variant in dict.fromkeys(w.variant for w in light):
        echo, mulin = by[("echo", variant)], by[("mulin", variant)]
        kinds = list(dict.fromkeys(echo.kinds))
        rows = [
            ("latency p50", f"{ms_text(echo, 50)} ms", f"{ms_text(mulin, 50)} ms"),
            ("latency p99", f"{ms_text(echo, 99)} ms", f"{ms_text(mulin, 99)} ms"),
            ("latency max", f"{ms_text(echo, 100)} ms", f"{ms_text(mulin, 100)} ms"),
        ]
        rows += [
            (f"  {kind} p50 / p99",
             f"{ms_text(echo, 50, kind)} / {ms_text(echo, 99, kind)}",
             f"{ms_text(mulin, 50, kind)} / {ms_text(mulin, 99, kind)}")
            for kind in kinds
        ]  # fmt: skip
        print()
        print(
            three_columns(
                f"latency under light load ({variant}): the first {len(echo.kinds)} updates of "
                f"the mix at {rate:g}/s",
                rows,
            )
        )
        for w in (echo, mulin):
            for line in _error_lines(w):
                print(f"  ! {w.bot}: {line}")
            figures[f"light_{variant}_{w.bot}_p50_ms"] = percentile(w.ms(), 50)
            figures[f"light_{variant}_{w.bot}_p99_ms"] = percentile(w.ms(), 99)
    return figures


def _error_lines(w: Window) -> list[str]:
    counted = Counter(
        (method, status, text) for method, status, _, text in w.errors if NOT_MODIFIED not in text
    )
    return [
        f"{n} × {method} {status}: {text}" for (method, status, text), n in counted.most_common(5)
    ]


def _extra(matcher: Matcher) -> str:
    shown = {k: v for k, v in matcher.extra.items() if v}
    return ", ".join(f"{k} {v}" for k, v in sorted(shown.items())) or "-"


def three_columns(title: str, rows: Sequence[tuple[str, str, str]]) -> str:
    widths = [
        max([len(r[i]) for r in rows] + [len(h)]) for i, h in enumerate(("", "echo", "Mulin"))
    ]
    lines = [title, "-" * max(len(title), sum(widths) + 4)]
    lines.append(f"{'':<{widths[0]}}  {'echo':>{widths[1]}}  {'Mulin':>{widths[2]}}")
    for label, a, b in rows:
        lines.append(f"{label:<{widths[0]}}  {a:>{widths[1]}}  {b:>{widths[2]}}")
    return "\n".join(lines)
