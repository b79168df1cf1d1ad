"""A vote storm: 2,000 presses on one vote shown in 3 groups — the real bot, the emulator over
HTTP, one event loop.

The superadmin opens a vote with three options in the three groups of 西安村; then N residents
press an option (i % 3) on one of the three cards ((i // 3) % 3: every card gets every option),
at most `--concurrency` in flight; a tenth of them (`--changes`) then press again, another
option, to change their vote. Latency is press → answerCallbackQuery, as `Emulator.press`
returns. Afterwards the ballots in the database and the counts on every card must be exactly
what was pressed, and the card edits far fewer than the presses (the outbox coalesces them,
at most one per card and MULIN_CARD_EDIT_SECONDS).
"""

from __future__ import annotations

import argparse
import asyncio
import time

from emulator import Message, User
from emulator.harness import World

from .harness import mulin_stage
from .report import percentile, table

DESCRIPTION = "a vote storm: N residents press an option on one vote shown in 3 groups"

GROUPS = (
    ("海景湾二期", "西安村", "第8网格"),
    ("海景湾三期", "西安村", "第9网格"),
    ("侨城花园", "西安村", "第10网格"),
)
OPTIONS = ("绿色", "灰色", "白色")
VOTE = "/vote 围栏刷成什么颜色？ | " + " | ".join(OPTIONS)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--presses", type=int, default=2000, help="residents, one press each")
    parser.add_argument("--changes", type=int, default=200, help="of them, press again to change")
    parser.add_argument("--concurrency", type=int, default=50, help="presses in flight at once")
    parser.add_argument(
        "--timeout", type=float, default=60.0, help="seconds to wait for one press's answer"
    )


async def open_vote(stage: World) -> list[Message]:
    """Register the groups, open the vote from the first group: the three cards."""
    groups = [await stage.registered_group(*group) for group in GROUPS]
    admin = stage.superadmin()
    said = await stage.say(admin, groups[0], VOTE)
    if not said or not (said[0].text or "").startswith("✅ 投票 P1 已发到 3 个群"):
        raise RuntimeError(f"unexpected /vote answer: {[m.text for m in said]}")
    cards = [stage.emu.last_bot_message(group) for group in groups]
    if any(card.labels() != list(OPTIONS) for card in cards):
        raise RuntimeError(f"unexpected cards: {[c.labels() for c in cards]}")
    return cards


async def storm(
    stage: World,
    cards: list[Message],
    presses: list[tuple[User, int, int]],  # (who, card, option)
    args: argparse.Namespace,
) -> tuple[list[float], list[str], list[str]]:
    """Every press, `--concurrency` at a time: the latencies (s), the failures, the answers."""
    gate, wait = asyncio.Semaphore(args.concurrency), args.timeout
    latencies: list[float] = []
    failures: list[str] = []
    answers: list[str] = []

    async def one(i: int, user: User, card: int, option: int) -> None:
        async with gate:
            start = time.perf_counter()
            try:
                answer = await stage.emu.press(user, cards[card], OPTIONS[option], timeout=wait)
            except (TimeoutError, LookupError) as exc:
                failures.append(f"press {i}: {exc}")
                return
            latencies.append(time.perf_counter() - start)
            answers.append(answer.text or "")

    await asyncio.gather(*(one(i, *press) for i, press in enumerate(presses)))
    return latencies, failures, answers


def shows(text: str, counts: list[int]) -> bool:
    """The card shows exactly these counts."""
    pairs = enumerate(zip(OPTIONS, counts, strict=True))
    return all(f"{i + 1}. {o} — {n} 票" in text for i, (o, n) in pairs)


def expected_counts(presses: int, changes: int) -> list[int]:
    """Resident i votes i % 3; the first `changes` move to (i + 1) % 3."""
    counts = [0, 0, 0]
    for i in range(presses):
        counts[(i + (i < changes)) % 3] += 1
    return counts


async def run(args: argparse.Namespace) -> dict[str, float]:
    presses: int = args.presses
    changes: int = min(args.changes, presses)
    async with mulin_stage() as stage:
        setup_start = time.perf_counter()
        cards = await open_vote(stage)
        crowd = [stage.emu.add_user(f"邻居{i}") for i in range(presses)]
        setup_s = time.perf_counter() - setup_start
        edits_before = len(stage.emu.calls("editMessageText"))

        first = [(user, (i // 3) % 3, i % 3) for i, user in enumerate(crowd)]
        second = [(crowd[i], (i // 3 + 1) % 3, (i + 1) % 3) for i in range(changes)]
        start = time.perf_counter()
        latencies, failures, answers = await storm(stage, cards, first, args)
        more, more_failures, more_answers = await storm(stage, cards, second, args)
        wall_s = time.perf_counter() - start
        latencies += more
        failures += more_failures

        settle_start = time.perf_counter()
        await stage.settle()
        settle_s = time.perf_counter() - settle_start
        rows = await stage.running_app.bot_data.db.query(
            "SELECT choice, count(*) FROM ballots GROUP BY choice ORDER BY choice"
        )
        edits = len(stage.emu.calls("editMessageText")) - edits_before
        api_errors = len(stage.emu.errors)
        texts = [stage.emu.message(c.chat_id, c.message_id).text or "" for c in cards]

    stored = [0, 0, 0]
    for choice, count in rows:
        stored[int(choice)] = int(count)
    expected = expected_counts(presses, changes)
    cards_exact = sum(shows(text, expected) for text in texts)
    said_voted = sum(a.startswith("✅ 已投") for a in answers)
    said_changed = sum(a.startswith("✅ 已改投") for a in more_answers)
    answered = len(latencies)
    total = presses + changes
    ms = [s * 1000 for s in latencies]
    figures: dict[str, float] = {
        "presses": float(total),
        "answered": float(answered),
        "concurrency": float(args.concurrency),
        "p50_ms": percentile(ms, 50),
        "p95_ms": percentile(ms, 95),
        "p99_ms": percentile(ms, 99),
        "max_ms": max(ms, default=float("nan")),
        "wall_s": wall_s,
        "presses_per_s": answered / wall_s if wall_s > 0 else 0.0,
        "settle_s": settle_s,
        "setup_s": setup_s,
        "voters_stored": float(sum(stored)),
        "totals_exact": float(stored == expected and said_voted == presses),
        "double_counted": float(max(0, sum(stored) - presses)),
        "changes_answered": float(said_changed),
        "card_edits": float(edits),
        "cards_exact": float(cards_exact),
        "api_errors": float(api_errors),
    }
    _print(figures, expected, stored, len(cards), failures)
    return figures


def _print(
    figures: dict[str, float],
    expected: list[int],
    stored: list[int],
    cards: int,
    failures: list[str],
) -> None:
    def ok(good: bool) -> str:
        return "ok" if good else "FAIL"

    presses = int(figures["presses"])
    print(
        table(
            f"votes: {presses} presses on one vote, {cards} group cards, "
            f"{int(figures['concurrency'])} in flight",
            [
                (
                    "presses answered",
                    f"{int(figures['answered'])}/{presses}",
                    ok(figures["answered"] == presses),
                ),
                ("latency p50", f"{figures['p50_ms']:.1f} ms", "press → answerCallbackQuery"),
                ("latency p95", f"{figures['p95_ms']:.1f} ms"),
                ("latency p99", f"{figures['p99_ms']:.1f} ms"),
                ("latency max", f"{figures['max_ms']:.1f} ms"),
                ("wall time", f"{figures['wall_s']:.2f} s", "first press → last answer"),
                ("throughput", f"{figures['presses_per_s']:.1f} /s", "presses answered per second"),
                (
                    "settle",
                    f"{figures['settle_s']:.2f} s",
                    "after the last answer: the held-back card edits",
                ),
                ("totals pressed", " / ".join(map(str, expected))),
                ("totals stored", " / ".join(map(str, stored)), ok(bool(figures["totals_exact"]))),
                (
                    "double counted",
                    f"{int(figures['double_counted'])}",
                    ok(figures["double_counted"] == 0),
                ),
                ("votes changed", f"{int(figures['changes_answered'])}"),
                ("card edits sent", f"{int(figures['card_edits'])}", f"coalesced, {cards} cards"),
                (
                    "cards showing the exact totals",
                    f"{int(figures['cards_exact'])}/{cards}",
                    ok(figures["cards_exact"] == cards),
                ),
                ("API errors", f"{int(figures['api_errors'])}", ok(figures["api_errors"] == 0)),
            ],
        )
    )
    for failure in failures[:5]:
        print(f"  ! {failure}")
