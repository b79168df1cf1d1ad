"""Throughput, latency and memory: Mulin against two echo bots in plain PTB (the floors).

Processes: the Bot API emulator (bench.emuhost), and in turn the like-for-like echo bot
(bench.echo: set up as Mulin is), the bare echo bot (bench.bare_echo: as a newcomer writes it)
and Mulin (`python -m bot run`), each fed the same updates through the emulator, all queued at
once, as fast as the emulator accepts them. A bot's window ends when every update got its reply
(matching.py; an album's uncaptioned photos get none from any bot: load, not waited for); the
figures (throughput_report.py) are updates per second (first queued → last answered), update →
reply latency (p50, p99: queued → the first bot request answering it, both times read from the
emulator's log; with everything queued at once this is mostly time spent waiting in the
backlog), the bot process's peak RSS (VmHWM) and its CPU time (all threads, and the event
loop's alone).

Two mixes (--mixes), each with its own emulator, set-up and windows (workload.py):
- `standard`: 5,000 updates across 500 chats (reports with and without photos, "me too",
  /board, sign-ups on an activity, /issue N), every group kept within its 20 bot messages.
- `report_heavy`: 3,000 updates, 40 % /report in 50 groups of 10 grids (600 reporters), 20 %
  "me too", 20 % /board in the groups, 20 % /issue N in private; unpaced only, groups unpaced
  too (MULIN_RATE_GROUP=0, the echo's --group-rate 0: a group gets ~48 bot messages).

Set-up happens before a mix's windows, with Mulin (throughput_setup.py): groups added and
registered with /setup, the private residents' /start, issue cards raised in community A, an
activity published in community B (the standard mix). The database as set-up left it is copied
for every Mulin window, so each starts from the same state; each bot is a fresh process.

Variants (--variants, the standard mix), the same limiter settings for Mulin and the echo:
- `paced`: PTB's AIORateLimiter(max_retries=3) as Mulin ships it, 30 messages/s overall and
  20/min per group (MULIN_RATE_OVERALL=30, MULIN_RATE_GROUP=20). Every message either bot
  sends waits its turn in the 30/s budget, so both mostly wait on the limiter and the ratio
  says how many more messages (card edits) Mulin sends.
- `unpaced`: the 30/s overall limit lifted in both (MULIN_RATE_OVERALL=0; groups still paced
  in the standard mix): the bots' own cost per update. The bare echo, which has no limiter at
  all, runs in this variant only (--no-bare: not at all).
Then, in the standard mix, a light-load run (--light updates at --light-rate a second, fresh
processes): the latency of one update when nothing queues, Mulin's p99 against the echo's kind
by kind (`light_p99_ratio`: the worst kind).

Figures: the standard mix's keys are those of earlier runs (`unpaced_mulin_updates_per_s`,
`throughput_ratio`: standard, like-for-like, unpaced); another mix's carry its name first
(`report_heavy_unpaced_bare_ratio`); `bare_ratio` is the lowest Mulin / bare echo of the mixes.
"""

from __future__ import annotations

import argparse
import math
import os
import shutil
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import profile as profiling
from .procs import Child, EmuClient, start_echo, start_emulator, start_mulin
from .throughput_report import Window, mixes_table, summarize, summarize_light
from .throughput_setup import copy_db, drive, set_up
from .workload import (
    GROUP_BUDGET,
    SHARES,
    UPDATES_PER_ITEM,
    Cast,
    head,
    report_heavy,
    script,
    shares,
)

DESCRIPTION = (
    "Mulin vs two echo bots in plain PTB (set up like Mulin; bare), each in its own process: "
    "5,000 standard updates across 500 chats, 3,000 report-heavy"
)
# The same limiter settings for Mulin and the echo: 30 messages/s overall, 20/min a group
# (paced), or no overall limit (unpaced; groups still paced unless the mix lifts that too).
MULIN_ENV: dict[str, dict[str, str]] = {
    "paced": {"MULIN_RATE_OVERALL": "30", "MULIN_RATE_GROUP": "20"},
    "unpaced": {"MULIN_RATE_OVERALL": "0", "MULIN_RATE_GROUP": "20"},
}
ECHO_ARGS: dict[str, tuple[str, ...]] = {"paced": (), "unpaced": ("--overall-rate", "0")}
MIXES = ("standard", "report_heavy")


@dataclass(frozen=True)
class Mix:
    """A workload and how it is run: its variants, its light-load run, its group pacing."""

    name: str
    cast: Cast
    counts: dict[str, int]
    variants: list[str]
    light: int = 0  # updates of the light-load run (0: none)
    groups_unpaced: bool = False  # MULIN_RATE_GROUP=0, the echo's --group-rate 0

    @property
    def prefix(self) -> str:
        """Of its figures' keys: none for the standard mix (the keys of earlier runs)."""
        return "" if self.name == "standard" else f"{self.name}_"

    def mulin_env(self, variant: str) -> dict[str, str]:
        return {**MULIN_ENV[variant], **({"MULIN_RATE_GROUP": "0"} if self.groups_unpaced else {})}

    def echo_args(self, variant: str) -> tuple[str, ...]:
        return ECHO_ARGS[variant] + (("--group-rate", "0") if self.groups_unpaced else ())


def parse_mix(text: str) -> dict[str, int]:
    counts = dict.fromkeys(SHARES, 0)
    for part in text.split(","):
        kind, _, n = part.partition("=")
        if kind.strip() not in counts or not n.strip().isdigit():
            raise SystemExit(f"--mix: {part!r} is not KIND=N with KIND one of {', '.join(SHARES)}")
        counts[kind.strip()] = int(n)
    return counts


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--mixes", default=",".join(MIXES), help="comma-separated: " + ", ".join(MIXES)
    )
    parser.add_argument("--updates", type=int, default=5000, help="the standard mix's updates")
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
        "--heavy-updates", type=int, default=3000, help="the report-heavy mix's updates"
    )
    parser.add_argument(
        "--no-bare", dest="bare", action="store_false", help="leave out the bare echo bot"
    )
    parser.add_argument(
        "--timeout", type=float, default=400.0, help="seconds one bot may take for its window"
    )
    parser.add_argument(
        "--profile",
        type=Path,
        default=None,
        help="py-spy Mulin's last window of each mix; collapsed stacks to this file (another "
        "mix's: NAME-MIX.EXT), hotspots printed",
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
    parser.add_argument(
        "--keep", type=Path, default=None, help="copy the logs to this directory (a folder a mix)"
    )


def mixes(args: argparse.Namespace) -> list[Mix]:
    """The mixes asked for, checked before any set-up."""
    names = [m.strip() for m in str(args.mixes).split(",") if m.strip()]
    for name in names:
        if name not in MIXES:
            raise SystemExit(f"unknown mix {name!r}: {' or '.join(MIXES)}")
    variant_names(str(args.light_variants))
    chosen = []
    for name in names:
        if name == "standard":
            cast = Cast(groups_a=args.groups_a, groups_b=args.groups_b, private=args.private)
            counts = shares(args.updates) if args.mix is None else parse_mix(str(args.mix))
            variants = variant_names(str(args.variants))
            chosen.append(Mix(name, cast, counts, variants, light=args.light))
        else:
            cast = Cast(groups_a=50, groups_b=0, private=300, grids=10)
            counts = report_heavy(args.heavy_updates)
            chosen.append(Mix(name, cast, counts, ["unpaced"], groups_unpaced=True))
    return chosen


@dataclass
class Stage:
    """A mix's emulator and set-up, as its windows use them."""

    client: EmuClient
    emulator: Child
    api_url: str
    workdir: Path
    template: Path  # the database set-up left
    mix: Mix


async def start_bot(stage: Stage, bot: str, variant: str) -> Child:
    """A fresh bot process: the echo, the bare echo, or Mulin on a copy of set-up's database."""
    if bot == "echo":
        return await start_echo(stage.api_url, stage.workdir, stage.mix.echo_args(variant))
    if bot == "bare":
        return await start_echo(stage.api_url, stage.workdir, module="bench.bare_echo")
    db = stage.workdir / f"mulin-{variant}.sqlite3"
    copy_db(stage.template, db)
    env = stage.mix.mulin_env(variant)
    return await start_mulin(stage.api_url, db, stage.workdir, env=env)


async def window(
    stage: Stage,
    bot: str,
    variant: str,
    actions: Sequence[Sequence[Any]],
    kinds: list[str],
    within: float,
    profile_to: Path | None = None,
    rate: float | None = None,
) -> Window:
    """One bot, started fresh, fed `actions` all at once or `rate` a second, until each got its
    answer; then stopped."""
    client, emulator = stage.client, stage.emulator
    since = await client.mark()
    child = await start_bot(stage, bot, variant)
    spy: profiling.Spy | None = None
    try:
        await client.wait_polling(child, since)
        await client.wait_idle(quiet=0.5)
        errors_before = len(await client.errors())
        if profile_to is not None:
            spy = await profiling.attach(child.pid, profile_to, stage.workdir)
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


def profile_path(path: Path | None, mix: Mix) -> Path | None:
    """Where a mix's profile goes: the path given for the standard mix, NAME-MIX.EXT else."""
    if path is None or mix.name == "standard":
        return path
    return path.with_name(f"{path.stem}-{mix.name}{path.suffix}")


async def windows(
    stage: Stage, args: argparse.Namespace, actions: Sequence[Sequence[Any]], kinds: list[str]
) -> tuple[list[Window], list[Window]]:
    """Each variant for each bot (the bare echo unpaced only), then the light-load runs (the
    mix's first updates, and the rest of an album begun there)."""
    variants = stage.mix.variants
    results: list[Window] = []
    light: list[Window] = []
    for variant in variants:
        bots = (
            ("echo", "bare", "mulin") if variant == "unpaced" and args.bare else ("echo", "mulin")
        )
        for bot in bots:
            last = variant == variants[-1]
            spy_to = {"mulin": args.profile, "echo": args.profile_echo}.get(bot)
            result = await window(
                stage, bot, variant, actions, kinds, args.timeout,
                profile_path(spy_to, stage.mix) if last else None,
            )  # fmt: skip
            results.append(result)
            print(f"  {result.headline()}", flush=True)
    n_light = head(actions, stage.mix.light)
    for variant in variant_names(str(args.light_variants)) if n_light else []:
        for bot in ("echo", "mulin"):
            result = await window(
                stage, bot, variant, actions[:n_light], kinds[:n_light], args.timeout,
                rate=args.light_rate,
            )  # fmt: skip
            light.append(result)
            print(f"  {result.headline()} (light load)", flush=True)
    return results, light


async def run_mix(mix: Mix, args: argparse.Namespace) -> dict[str, float]:
    """A mix on its own emulator: set-up, windows, tables; its figures."""
    print(f"\n{mix.name} mix:", flush=True)
    cast, counts = mix.cast, mix.counts
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
                budget = None if mix.groups_unpaced else GROUP_BUDGET
                actions, kinds = script(cast, counts, groups_a, board, texts, budget)
                print(
                    f"set-up: {len(groups_a)} + {cast.groups_b} groups, {cast.private} private "
                    f"chats, {sum(len(c) for c in board.issue_cards.values())} issue cards, "
                    f"{1 if cast.groups_b else 0} activity — {time.perf_counter() - start:.1f} s",
                    flush=True,
                )
                stage = Stage(client, emulator, api_url, workdir, template, mix)
                results, light = await windows(stage, args, actions, kinds)
        finally:
            if args.keep is not None:
                shutil.copytree(workdir, args.keep / mix.name, dirs_exist_ok=True)
            await emulator.stop()
    figures = summarize(results, mix.variants, counts, cast, mix.name, mix.prefix)
    if light:
        figures.update(summarize_light(light, args.light_rate))
    return figures


async def run(args: argparse.Namespace) -> dict[str, float]:
    chosen = mixes(args)
    load_before = os.getloadavg()[0]
    figures: dict[str, float] = {}
    for mix in chosen:
        figures.update(await run_mix(mix, args))
    bare = [figures[f"{m.prefix}unpaced_bare_ratio"] for m in chosen
            if f"{m.prefix}unpaced_bare_ratio" in figures]  # fmt: skip
    figures["bare_ratio"] = min(bare) if bare else math.nan
    print()
    print(mixes_table(figures, [(m.name, m.prefix) for m in chosen]))
    load_after = os.getloadavg()[0]
    figures.update(load_before=load_before, load_after=load_after)
    footnotes(args, chosen, load_before, load_after)
    return figures


def footnotes(
    args: argparse.Namespace, chosen: Sequence[Mix], load_before: float, load_after: float
) -> None:
    """A warning when the machine was busy; the profiles' hotspots, if asked for."""
    if max(load_before, load_after) > 0.5:
        print(
            f"\n(load average {load_before:.2f} before, {load_after:.2f} after: other work on the "
            "machine competes for its cores; wall-clock figures are noisy, CPU per update less so)"
        )
    for bot, spied in (("echo", args.profile_echo), ("Mulin", args.profile)):
        for mix in chosen:
            path = profile_path(spied, mix)
            if path is not None and path.exists():
                print(f"\n{bot} ({mix.name} mix):")
                print(profiling.hotspots(path))
