"""2,000 sign-up presses on one activity: the real bot, the emulator over HTTP, one event loop.

An organizer (the superadmin) publishes an activity to three registered groups; then N distinct
residents each press one sign-up button (party 1–3, i % 3 + 1) on one of the three cards, with
at most `--concurrency` presses in flight. Latency is press → answerCallbackQuery, as
`Emulator.press` returns; the settle afterwards (card edits paced by the rate limiter and
coalesced by the outbox) is timed separately. The database must then hold exactly what was
pressed, with no seat oversold.
"""

from __future__ import annotations

import argparse
import asyncio
import time

from emulator import Message, User
from emulator.harness import World

from .harness import mulin_stage
from .report import percentile, table

DESCRIPTION = "N residents press a sign-up button on one activity published to 3 groups"

ACTIVITY = "/newactivity 亲子定向赛 | 2099-12-05 09:00 | 海景湾三期中心花园 | {capacity} | 3"
GROUPS = (
    ("海景湾二期", "西安村", "第8网格"),
    ("海景湾三期", "西安村", "第9网格"),
    ("侨城花园", "西安村", "第10网格"),
)
PUBLISH = "📣 发布"
SIGN_UP = {1: "报名 1人", 2: "报名 2人", 3: "报名 3人"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--presses", type=int, default=2000, help="residents, one press each")
    parser.add_argument("--concurrency", type=int, default=50, help="presses in flight at once")
    parser.add_argument("--capacity", type=int, default=1000, help="the activity's seats")
    parser.add_argument(
        "--timeout", type=float, default=60.0, help="seconds to wait for one press's answer"
    )


def party_of(i: int) -> int:
    return i % 3 + 1


async def publish(stage: World, capacity: int) -> list[Message]:
    """Register the groups, publish the activity from the superadmin's private chat: the cards."""
    groups = [await stage.registered_group(*group) for group in GROUPS]
    admin = stage.superadmin()
    dm = stage.emu.private_chat(admin)
    replies = await stage.say(admin, dm, ACTIVITY.format(capacity=capacity))
    if len(replies) != 1 or PUBLISH not in replies[0].labels():
        raise RuntimeError(f"unexpected /newactivity preview: {[m.text for m in replies]}")
    answer = await stage.emu.press(admin, replies[0], PUBLISH)
    await stage.settle()
    if answer.text != f"已发布到 {len(groups)} 个群。":
        raise RuntimeError(f"publishing answered {answer.text!r}")
    return [stage.emu.last_bot_message(group) for group in groups]


async def press_all(
    stage: World, cards: list[Message], crowd: list[User], concurrency: int, wait: float
) -> tuple[list[float], list[str], int]:
    """Every resident presses once; the latencies (s) of the answered presses, the failures and
    how many answers said "confirmed"."""
    gate = asyncio.Semaphore(concurrency)
    latencies: list[float] = []  # in the order presses were answered
    failures: list[str] = []
    said_confirmed = 0

    async def one(i: int, user: User) -> None:
        nonlocal said_confirmed
        async with gate:
            start = time.perf_counter()
            try:
                answer = await stage.emu.press(
                    user, cards[i % len(cards)], SIGN_UP[party_of(i)], timeout=wait
                )
            except (TimeoutError, LookupError) as exc:
                failures.append(f"press {i}: {exc}")
                return
            latencies.append(time.perf_counter() - start)
            if (answer.text or "").startswith("✅"):
                said_confirmed += 1

    await asyncio.gather(*(one(i, user) for i, user in enumerate(crowd)))
    return latencies, failures, said_confirmed


async def run(args: argparse.Namespace) -> dict[str, float]:
    presses: int = args.presses
    capacity: int = args.capacity
    async with mulin_stage() as stage:
        setup_start = time.perf_counter()
        cards = await publish(stage, capacity)
        crowd = [stage.emu.add_user(f"邻居{i}") for i in range(presses)]
        setup_s = time.perf_counter() - setup_start
        edits_before = len(stage.emu.calls("editMessageText"))

        start = time.perf_counter()
        latencies, failures, said_confirmed = await press_all(
            stage, cards, crowd, args.concurrency, args.timeout
        )
        wall_s = time.perf_counter() - start

        settle_start = time.perf_counter()
        await stage.settle()
        settle_s = time.perf_counter() - settle_start

        rows = await stage.running_app.bot_data.db.query(
            "SELECT status, count(*), sum(party) FROM signups GROUP BY status"
        )
        edits = len(stage.emu.calls("editMessageText")) - edits_before
        api_errors = len(stage.emu.errors)
        texts = [stage.emu.message(c.chat_id, c.message_id).text or "" for c in cards]

    by_status = {str(status): (int(count), int(people or 0)) for status, count, people in rows}
    confirmed_rows, confirmed = by_status.get("confirmed", (0, 0))
    waitlisted_rows, waitlisted = by_status.get("waitlisted", (0, 0))
    stored_rows = sum(count for count, _ in by_status.values())
    stored_people = sum(people for _, people in by_status.values())
    pressed_people = sum(party_of(i) for i in range(presses))
    oversold = max(0, confirmed - capacity)
    cards_current = sum(f"已报名 {confirmed}/{capacity}" in text for text in texts)
    answered = len(latencies)
    ms = [s * 1000 for s in latencies]
    tenth = max(1, answered // 10)  # does a press get slower as the sign-ups pile up?

    figures: dict[str, float] = {
        "presses": float(presses),
        "answered": float(answered),
        "concurrency": float(args.concurrency),
        "p50_ms": percentile(ms, 50),
        "p95_ms": percentile(ms, 95),
        "p99_ms": percentile(ms, 99),
        "max_ms": max(ms, default=float("nan")),
        "p50_first_tenth_ms": percentile(ms[:tenth], 50),
        "p50_last_tenth_ms": percentile(ms[-tenth:], 50),
        "wall_s": wall_s,
        "presses_per_s": answered / wall_s if wall_s > 0 else 0.0,
        "settle_s": settle_s,
        "setup_s": setup_s,
        "capacity": float(capacity),
        "confirmed": float(confirmed),
        "confirmed_signups": float(confirmed_rows),
        "said_confirmed": float(said_confirmed),
        "waitlisted": float(waitlisted),
        "waitlisted_signups": float(waitlisted_rows),
        "oversold": float(oversold),
        "pressed_people": float(pressed_people),
        "stored_people": float(stored_people),
        "stored_signups": float(stored_rows),
        "parties_match": float(stored_people == pressed_people and stored_rows == presses),
        "card_edits": float(edits),
        "cards_current": float(cards_current),
        "api_errors": float(api_errors),
    }

    def ok(good: bool) -> str:
        return "ok" if good else "FAIL"

    print(
        table(
            f"signups: {presses} presses on one activity (capacity {capacity}), "
            f"{len(cards)} group cards, {args.concurrency} in flight",
            [
                ("presses sent", f"{presses}"),
                ("presses answered", f"{answered}", ok(answered == presses)),
                ("latency p50", f"{figures['p50_ms']:.1f} ms", "press → answerCallbackQuery"),
                ("latency p95", f"{figures['p95_ms']:.1f} ms"),
                ("latency p99", f"{figures['p99_ms']:.1f} ms"),
                ("latency max", f"{figures['max_ms']:.1f} ms"),
                (
                    "p50 first / last tenth",
                    f"{figures['p50_first_tenth_ms']:.0f} / {figures['p50_last_tenth_ms']:.0f} ms",
                    "answers in order: growth with sign-ups",
                ),
                ("wall time", f"{wall_s:.2f} s", "first press → last answer"),
                ("throughput", f"{figures['presses_per_s']:.1f} /s", "presses answered per second"),
                (
                    "settle",
                    f"{settle_s:.2f} s",
                    "after the last answer: queue, outbox (card edits wait out MULIN_CARD_EDIT_SECONDS), emulator",
                ),
                ("card edits sent", f"{edits}", f"coalesced, {len(cards)} cards"),
                ("cards showing final count", f"{cards_current}/{len(cards)}"),
                ("confirmed people", f"{confirmed}", f"{confirmed_rows} sign-ups"),
                ("waitlisted people", f"{waitlisted}", f"{waitlisted_rows} sign-ups"),
                ("oversold", f"{oversold}", ok(oversold == 0)),
                (
                    "people pressed / stored",
                    f"{pressed_people} / {stored_people}",
                    ok(bool(figures["parties_match"])),
                ),
                (
                    "answers saying confirmed",
                    f"{said_confirmed}",
                    ok(said_confirmed == confirmed_rows),
                ),
                ("API errors", f"{api_errors}", ok(api_errors == 0)),
            ],
        )
    )
    for failure in failures[:5]:
        print(f"  ! {failure}")
    if len(failures) > 5:
        print(f"  ! … and {len(failures) - 5} more")
    return figures
