"""Nothing acknowledged is lost, nothing is done twice, no seat is oversold (issue 7, Deliver 4):
the real `python -m bot run` (paced as shipped) gets a mixed burst — reports by several
neighbours, sign-up presses on an activity card with fewer seats than people, "me too" presses —
and is killed with SIGKILL at a seeded random moment of it, then started again.

Three rounds on one emulator and one database, each in a community of its own (three groups),
killed early, midway and late in its burst. After each kill every update of the burst is
delivered again — Telegram redelivers what a dead bot did not confirm, and an update the bot
did handle must then have no second effect and get no second answer. Once the restarted bot
has settled, checked against the database (read-only) and the emulator:
- each report has exactly one issue and its card was posted exactly once in its group;
- each acknowledged press (its popup answer arrived) is in the database once, as answered
  (confirmed / waitlisted with that party; following);
- every press has exactly one sign-up or follow, answered at most once (a second answer to
  one query is an API error);
- confirmed people ≤ capacity, and no waiting party would fit in the seats left;
- the cards show the final counts; the outbox is empty; the emulator saw no API error.

One exception, measured rather than assumed: a message Telegram had accepted when the process
died, before the bot recorded it as sent, is sent again after the restart (the Bot API has no
idempotency key). The test reads those "in flight" messages at the moment of the kill (an
unfinished outbox row whose text the chat already shows) and allows exactly those one repeat
(and, for an edit, Telegram's "message is not modified"). That this is a real gap, a card posted
twice, is shown deterministically by the strict xfail at the end.
"""

from __future__ import annotations

import asyncio
import os
import random
import re
import signal
import sys
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.core.db import utcnow
from emulator import CallbackAnswer, Chat, Emulator, Message, User
from emulator.harness import SUPERADMIN_ID, process_env
from emulator.server import HANDLERS
from tests.hardening.conftest import apologies, db_rows

ROOT = Path(__file__).resolve().parents[2]
SEED = int(os.environ.get("HARDENING_SEED", "20261127"))  # another seed: other kill moments
CAPACITY, MAX_PARTY = 6, 2
# When each round's kill comes, after the burst began: early, midway, late (seconds).
KILL_WINDOWS = ((0.05, 0.2), (0.2, 0.45), (0.45, 0.8))
# Texts that share (almost) no character pairs: no report looks like a duplicate of another.
ISSUE_CARD = r"#{n} (居民说|物业说|社区说|已驳回)"
POOL = (
    "楼栋门口路灯电梯水管井盖车位充电桩垃圾桶绿化草坪围墙栏杆台阶扶手信箱监控"
    "消防通道楼道窗户屋顶漏雨噪音广场健身器材凉亭座椅单元道闸岗亭化粪池排污泵房"
)


async def start_bot(emu: Emulator, db: Path) -> asyncio.subprocess.Process:
    """`python -m bot run` against the emulator, as deployed: once it polls for updates."""
    env = process_env(emu, db)
    polls = len(emu.calls("getUpdates"))
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run",
        cwd=ROOT, env=env, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
    )  # fmt: skip
    try:
        await emu.wait_for(lambda: len(emu.calls("getUpdates")) > polls, timeout=30)
    except BaseException:
        await kill(proc)
        raise
    return proc


async def kill(proc: asyncio.subprocess.Process) -> None:
    if proc.returncode is None:
        proc.send_signal(signal.SIGKILL)
        await proc.wait()


def one(db: Path, sql: str, params: tuple[object, ...] = ()) -> int:
    return int(db_rows(db, sql, params)[0][0])


@dataclass
class Press:
    user: User
    kind: str  # "join" or "follow"
    data: str
    group: Chat
    task: asyncio.Task[CallbackAnswer] | None = None

    def answer(self) -> CallbackAnswer | None:
        """The popup the bot answered with (the acknowledgement), if it did."""
        task = self.task
        if task is None or not task.done() or task.cancelled() or task.exception() is not None:
            return None
        return task.result()


@dataclass
class Round:
    n: int
    groups: list[Chat]
    activity: int = 0
    cards: dict[int, Message] = field(default_factory=dict)  # group → the activity's card
    # the two issues "me too" is pressed on: (number, group, card, the button's data)
    issues: list[tuple[int, Chat, Message, str]] = field(default_factory=list)
    reports: list[tuple[User, Chat, Message, str]] = field(default_factory=list)
    presses: list[Press] = field(default_factory=list)


class Town:
    def __init__(self, emu: Emulator, db: Path) -> None:
        self.emu, self.db = emu, db
        self.in_flight: set[tuple[int, str]] = set()  # (chat, text) accepted, not yet recorded
        self.admin = emu.add_user("镇管理员", user_id=SUPERADMIN_ID, username="town_admin")
        self.people = 0
        self.rng = random.Random(SEED)

    def person(self, what: str) -> User:
        self.people += 1
        return self.emu.add_user(f"{what}{self.people}", username=f"sk_{self.people}")

    def text(self) -> str:
        return "".join(self.rng.sample(POOL, 10))

    def replies_to(self, group: Chat, message: Message) -> list[Message]:
        return [
            m for m in self.emu.bot_messages(group) if m.reply_to_message_id == message.message_id
        ]

    async def prepare(self, n: int) -> Round:
        """A community of three groups, two issues there, an activity published to them."""
        emu, community = self.emu, f"第{n}社区"
        groups = [emu.add_group(f"第{n}社区{k}号群", creator=self.admin) for k in range(3)]
        for k, group in enumerate(groups):
            await emu.add_bot(group, by=self.admin)
            await emu.send(self.admin, group, f"/setup {community} 第{k}网格")
        await emu.wait_for(lambda: all(len(emu.bot_messages(g)) == 2 for g in groups), 15)
        r = Round(n, groups)
        reporter = self.person("报告人")
        seeded = [(g, await emu.send(reporter, g, f"/report {self.text()}")) for g in groups[:2]]
        line = f"/newactivity 义诊{n} | {later()} | 卫生站 | {CAPACITY} | {MAX_PARTY}"
        draft = await emu.send(self.admin, groups[0], line)
        await emu.wait_for(
            lambda: all(self.replies_to(g, m) for g, m in [*seeded, (groups[0], draft)]), 15
        )
        for group, report in seeded:
            (card,) = self.replies_to(group, report)
            follow = card.button("🙋 我也遇到").callback_data
            assert follow is not None
            r.issues.append((int(re.findall(r"^#(\d+)", card.text or "")[0]), group, card, follow))
        (preview,) = self.replies_to(groups[0], draft)
        r.activity = int(re.findall(r"^#(\d+)", preview.text or "")[0])
        answer = await emu.press(self.admin, preview, "📣 发布", timeout=15)
        assert answer.text == "已发布到 3 个群。", answer.text

        def published() -> bool:
            for g in groups:
                cards = [m for m in emu.bot_messages(g) if "报名 1人" in m.labels()]
                if cards:
                    r.cards[g.id] = cards[0]
            return len(r.cards) == 3

        await emu.wait_for(published, 15)
        return r

    async def burst(self, r: Round, proc: asyncio.subprocess.Process, delay: float) -> list[int]:
        """Reports, sign-ups and "me too" presses in a shuffled stream; SIGKILL after `delay`."""
        emu, rng = self.emu, self.rng
        actions: list[tuple[str, int]] = (
            [("report", k % 3) for k in range(6)]
            + [("join", k % 3) for k in range(12)]
            + [("follow", k % 2) for k in range(6)]
        )
        rng.shuffle(actions)

        async def kill_later() -> None:
            await asyncio.sleep(delay)
            await kill(proc)

        first = max(emu.update_queue.history)
        killer = asyncio.create_task(kill_later())
        for kind, k in actions:
            if kind == "report":
                user, group = self.person("居民"), r.groups[k]
                text = self.text()
                r.reports.append(
                    (user, group, await emu.send(user, group, f"/report {text}"), text)
                )
            elif kind == "join":
                group = r.groups[k]
                card = r.cards[group.id]
                party = rng.randint(1, MAX_PARTY)
                data = card.button(f"报名 {party}人").callback_data
                assert data is not None
                r.presses.append(Press(self.person("报名"), "join", data, group))
            else:
                number, group, card, data = r.issues[k]
                assert data.endswith(f":{number}"), data
                r.presses.append(Press(self.person("邻居"), "follow", data, group))
            if kind != "report":
                press = r.presses[-1]
                message = r.cards[group.id] if kind == "join" else r.issues[k][2]
                press.task = asyncio.create_task(
                    emu.press_data(press.user, message, press.data, timeout=25)
                )
            await asyncio.sleep(rng.uniform(0, 0.04))
        await killer
        self.note_in_flight()
        return [u for u in emu.update_queue.history if u > first]

    def note_in_flight(self) -> None:
        """What Telegram accepted from the dead bot that its outbox had not yet recorded."""
        pending = db_rows(self.db, "SELECT chat_id, text FROM outbox WHERE done_at IS NULL")
        for chat_id, text in pending:
            if any(m.html == text for m in self.emu.bot_messages(chat_id)):
                self.in_flight.add((chat_id, text))

    async def settle(self, r: Round) -> None:
        emu, db = self.emu, self.db

        def done() -> bool:
            reports_carded = all(self.replies_to(g, m) for _, g, m, _ in r.reports)
            pressed = one(db, "SELECT count(*) FROM signups WHERE activity_id = ?", (r.activity,))
            return (
                reports_carded
                and pressed == sum(p.kind == "join" for p in r.presses)
                and one(db, "SELECT count(*) FROM outbox WHERE done_at IS NULL") == 0
            )

        await emu.wait_for(done, timeout=30, interval=0.05)
        await emu.wait_idle(quiet=0.3, timeout=15)
        for press in r.presses:
            if press.task is not None and not press.task.done():
                press.task.cancel()  # a press handled before the kill: deduplicated, unanswered
        await asyncio.gather(*(p.task for p in r.presses if p.task), return_exceptions=True)


def later() -> str:
    moment = (utcnow() + timedelta(days=5)).astimezone(ZoneInfo("Asia/Shanghai"))
    return moment.strftime("%Y-%m-%d 09:00")


def check(town: Town, r: Round) -> list[str]:
    emu, db, problems = town.emu, town.db, []
    # reports: one issue each, its card posted once
    for user, group, message, text in r.reports:
        issues = db_rows(
            db, "SELECT id FROM issues WHERE reporter_id = ? AND text = ?", (user.id, text)
        )
        cards = town.replies_to(group, message)
        if len(cards) == 2 and (group.id, cards[0].html) in town.in_flight:
            cards = cards[:1]  # sent once more after the kill: see the module's docstring
        if len(issues) != 1 or len(cards) != 1:
            problems.append(f"report {text}: issues {issues}, cards {[c.text for c in cards]}")
        elif not re.match(ISSUE_CARD.format(n=issues[0][0]), cards[0].text or ""):
            problems.append(f"report {text}: card {cards[0].text!r} is not #{issues[0][0]}'s")
    for number, group, _, _ in r.issues:
        posted = [
            m
            for m in emu.bot_messages(group)
            if re.match(ISSUE_CARD.format(n=number), m.text or "")
        ]
        if len(posted) != 1:
            problems.append(f"#{number}: {len(posted)} cards in its group")
    # presses: what was acknowledged is there, as acknowledged; every press counted once
    for press in r.presses:
        answer = press.answer()
        if press.kind == "join":
            rows = db_rows(
                db,
                "SELECT party, status FROM signups WHERE activity_id = ? AND user_id = ?",
                (r.activity, press.user.id),
            )
            if len(rows) != 1:
                problems.append(f"{press.user.first_name}: {len(rows)} sign-ups {rows}")
                continue
            party, status = rows[0]
            if answer is not None:
                said = answer.text or ""
                expected = "confirmed" if said.startswith("✅ 报名成功") else "waitlisted"
                if not re.search(rf"[，（]{party} 人", said) or status != expected:
                    problems.append(f"{press.user.first_name} was told {said!r}; it is {rows[0]}")
        else:
            number = int(press.data.rsplit(":", 1)[1])
            rows = db_rows(
                db,
                "SELECT count(*) FROM issue_followers WHERE issue_id = ? AND user_id = ?",
                (number, press.user.id),
            )
            if rows[0][0] != 1:
                problems.append(f"{press.user.first_name} follows #{number} {rows[0][0]} times")
            if answer is not None and not (answer.text or "").startswith(
                f"谢谢，您已关注 #{number}。"
            ):
                problems.append(f"{press.user.first_name} was told {answer.text!r}")
    # seats: never oversold, and no waiting party would fit in what is left
    confirmed = one(
        db,
        "SELECT COALESCE(SUM(party), 0) FROM signups WHERE activity_id = ? AND status = 'confirmed'",
        (r.activity,),
    )
    waiting = [
        p for (p,) in db_rows(
            db,
            "SELECT party FROM signups WHERE activity_id = ? AND status = 'waitlisted'",
            (r.activity,),
        )
    ]  # fmt: skip
    if confirmed > CAPACITY:
        problems.append(f"oversold: {confirmed} confirmed for {CAPACITY} seats")
    if waiting and min(waiting) <= CAPACITY - confirmed:
        problems.append(f"{CAPACITY - confirmed} seats free while parties {waiting} wait")
    # the cards show it
    for group in r.groups:
        cards = [
            m
            for m in emu.bot_messages(group)
            if (m.text or "").startswith(f"#{r.activity} 义诊") and "草稿" not in (m.text or "")
        ]
        shows = f"已报名 {confirmed}/{CAPACITY}" + (f" · 候补 {sum(waiting)}" if waiting else "")
        if len(cards) != 1 or shows not in (cards[0].text or ""):
            problems.append(f"activity cards in {group.title}: {[c.text for c in cards]}")
    for number, group, card, _ in r.issues:
        followers = one(db, "SELECT count(*) FROM issue_followers WHERE issue_id = ?", (number,))
        text = emu.message(group, card.message_id).text or ""
        if f"🙋 {followers} 位邻居也遇到" not in text:
            problems.append(f"#{number}'s card does not show {followers} followers: {text!r}")
    if one(db, "SELECT count(*) FROM outbox WHERE done_at IS NULL"):
        problems.append("the outbox is not empty")
    crashed = apologies([m for g in r.groups for m in emu.bot_messages(g)])
    if crashed:
        problems.append(f"the bot apologised: {crashed}")
    errors = [
        e
        for e in emu.errors
        if not (
            e.method == "editMessageText"
            and "message is not modified" in e.description
            and (e.params.get("chat_id"), e.params.get("text")) in town.in_flight
        )
    ]
    if errors:
        problems.append(f"API errors: {[str(e) for e in errors]}")
    return problems


@pytest.mark.provokes_api_errors  # only repeats of edits in flight at a kill: see check()
async def test_sigkill_in_a_mixed_burst_loses_nothing_acknowledged_and_oversells_nothing(
    emu: Emulator, tmp_path: Path
) -> None:
    db = tmp_path / "sigkill.sqlite3"
    town = Town(emu, db)
    delays = [town.rng.uniform(*window) for window in KILL_WINDOWS]
    proc = await start_bot(emu, db)
    try:
        rounds = [await town.prepare(n) for n in (1, 2, 3)]
        await emu.wait_idle(quiet=0.3, timeout=15)
        summary = []
        for r, delay in zip(rounds, delays, strict=True):
            burst = await town.burst(r, proc, delay)
            for update_id in burst:  # as Telegram would, and more: the whole burst once again
                emu.redeliver(update_id)
            proc = await start_bot(emu, db)
            await town.settle(r)
            problems = check(town, r)
            acked = sum(p.answer() is not None for p in r.presses)
            summary.append(
                f"round {r.n}: killed {delay:.2f}s into the burst; "
                f"{acked}/{len(r.presses)} presses acknowledged before or after; "
                f"{len(town.in_flight)} messages in flight at the kills so far"
            )
            assert not problems, "\n".join([*summary, *problems])
    finally:
        await kill(proc)


@pytest.mark.xfail(
    strict=True,
    reason="KNOWN LIMIT (README, 'Nothing is lost'): delivery is at least once. A card Telegram "
    "accepted in the milliseconds before a SIGKILL, before the outbox recorded it, is posted "
    "again after the restart; the Bot API has no idempotency key, and at most once would "
    "instead risk losing a card. This test pins the window down; if it ever passes, the "
    "design changed and the README must say so.",
)
async def test_a_card_telegram_accepted_just_before_the_kill_is_not_posted_again(
    emu: Emulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "window.sqlite3"
    admin = emu.add_user("镇管理员", user_id=SUPERADMIN_ID, username="town_admin")
    amei = emu.add_user("阿美", username="amei")
    group = emu.add_group("海景湾二期", creator=admin)
    proc = await start_bot(emu, db)
    try:
        await emu.add_bot(group, by=admin)
        await emu.send(admin, group, "/setup 西安村 第8网格")
        await emu.wait_for(lambda: len(emu.bot_messages(group)) == 2, timeout=10)
        accept = HANDLERS["sendMessage"]

        async def accept_then_die(backend: Any, call: Any) -> Any:
            result = await accept(backend, call)
            if str(call.params.get("text", "")).startswith("<b>#1 "):  # the card: accepted
                await kill(proc)  # and the bot dies before it hears so
            return result

        monkeypatch.setitem(HANDLERS, "sendMessage", accept_then_die)
        await emu.send(amei, group, "/report 3号楼门口路灯不亮")
        await emu.wait_for(lambda: proc.returncode is not None, timeout=10)
        monkeypatch.undo()
        proc = await start_bot(emu, db)
        await emu.wait_for(
            lambda: one(db, "SELECT count(*) FROM outbox WHERE done_at IS NULL") == 0, timeout=15
        )
        await emu.wait_idle(quiet=0.3)
    finally:
        await kill(proc)
    cards = [m.text for m in emu.bot_messages(group) if (m.text or "").startswith("#1 ")]
    assert len(cards) == 1, cards
