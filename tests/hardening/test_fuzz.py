"""Every bad input answered (issue 7, Deliver 4): Hypothesis sends arbitrary text after every
command of `bot.features.all_commands()` (and unknown ones), as a resident, a grid worker, a community
official, an organizer and a superadmin, in private chat and in registered groups.

For each command sent, the property is:
- it gets an answer: in private, the bot's own messages in that chat (not what the outbox sent
  there meanwhile, e.g. an urgent alert); in a group, the bot's messages quoting the command —
  or, for a change applied to an issue whose card is in that group, the post under the card.
  How many depends on the command (`PRIVATE`, `GROUP`): one for most, two for /stats (text and
  chart) and /roster (text and CSV), one per activity for /activities… Never none — except a
  bare unknown command in a group, which is left to other bots (README "Unknown commands");
- no crash: the error handler's apology ("抱歉，我这边出了点问题") appears nowhere;
- no request the emulator refused (4xx), checked after each example;
- a new issue's card shows the reported text verbatim (HTML/Markdown in it never formats).

One bot per test function; each Hypothesis example is one batch: every command once, each with
its own generated text, sent at once from distinct chats (private: one user per command and
role, so that answers can be told apart), then one wait for the bot to settle. The role of an
example is drawn; one explicit example per role (hostile texts) makes sure each role is covered.

What the fuzz found is kept, fixed, in the tests at the end (non-decimal digits such as "²",
a time before 0001-01-01 08:06, a command addressed to another bot, /roster for someone who never
started the bot); their triggers are kept out of the generated text (`NOT_DECIMAL`, no such
times or "@other_bot" among the tokens) so that the fuzz keeps looking for new ones.
HARDENING_EXAMPLES=500 searches harder than `make test` does.
"""

from __future__ import annotations

import asyncio
import os
import re
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, example, given
from hypothesis import settings as budget
from hypothesis import strategies as st

from bot.config import Settings
from bot.core.db import utcnow
from bot.features import all_commands
from emulator import Chat, Emulator, Message, User
from emulator.harness import bot_settings
from tests.conftest import SUPERADMIN_ID, World
from tests.hardening.conftest import Watch, apologies, db_rows, on_loop, outbox_sent

HOME = "西安村"
AWAY = "鸿塔社区"
ROLES = ("resident", "grid", "community", "organizer", "superadmin")
UNKNOWN = ("zzz", "zzz@mulin_bot")  # bare: left alone in groups; addressed: answered
SLOTS: tuple[str, ...] = (*(c.name for c in all_commands()), *UNKNOWN)
MODERATION = frozenset({"escalate", "close", "reopen", "reject", "dup", "priority", "note"})
# One superadmin per command for the private batches (MULIN_ADMINS lists them all).
ADMIN_POOL = tuple(910_001 + i for i in range(len(SLOTS)))

# How many answers a command may get: (least, most). Unlisted: exactly one.
PRIVATE: dict[str, tuple[int, int]] = {
    "issue": (1, 3),  # a card with a long history is split
    "my": (1, 2),
    "activities": (1, 10),  # one card per upcoming activity
    "votes": (1, 10),  # one card per open vote, with its buttons (LIST_LIMIT)
    "roster": (1, 2),  # the list and its CSV
    "meeting": (1, 5),  # one per community (at most five)
    "contacts": (1, 3),  # one per community (at most three)
    "stats": (1, 2),  # the figures and the chart
}
GROUP: dict[str, tuple[int, int]] = {
    **{k: PRIVATE[k] for k in ("issue", "activities", "votes", "stats")},
    **{k: (0, 1) for k in MODERATION},  # 0: answered by the post under the card
    "zzz": (0, 0),
}

# Characters that str.isdigit() accepts and int() refuses ("²", "①"…): they crash the bot's
# number parsing (test_non_decimal_digits_are_answered_not_crashed); kept out of the fuzz.
NOT_DECIMAL = "".join(c for c in map(chr, range(0x110000)) if c.isdigit() and not c.isdecimal())

# -- the text --------------------------------------------------------------------------------

CHARS = st.characters(exclude_categories=("Cs",), exclude_characters="\x00" + NOT_DECIMAL)
FREE = st.text(CHARS, max_size=40)
NUMBERS = (  # as people and forgers write them
    "1", "2", "3", "#1", "#2", "＃3", "#12", "0", "-1", "#", "99999999999", "١", "١٢", "１",
    "1.5", "1e3", "0x10", "4", "7", "14", "15", "31", "90", "91",
)  # fmt: skip
TOKENS = (
    *NUMBERS,
    # words the commands take
    "minor", "major", "urgent", "小事", "大事", "急事", "lighting", "路灯照明", "other",
    "zh", "en", "EN", "on", "off", "开", "关", "grid", "property", "community", "organizer",
    "网格员", "社区", "party", "building_head", "楼栋长", "help", "lang", "r-1", "r100000001",
    "@fz_bystander", "@nobody_here", "@", HOME, AWAY, "第8网格", '"海景湾 二期"', "“西安村”",
    "13812345678", "138 1234 5678", "+86 138 1234 5678", "0595-85123456", "0595-85123456转12",
    "19:30", "25:00", "9:5", "2026-03", "2026-13", "2099-01", "1999-12",
    "2099-12-05 09:00", "2099-12-05 09:00-11:30", "2099-02-30 10:00", "2000-01-01 08:00",
    "9999-12-31 23:59", "2099-12-05 24:00", "2099-12-5 9:00", "２０９９－１２－０５　０９：００",
    "0001-01", "0000-12", "9999-12", "2026-3",
    # markup, separators and scripts
    "|", "｜", "||", "<b>", "</b>", "<i>x</i>", "<a href='tg://user?id=1'>x</a>", "&", "&amp;",
    "&lt;", "<", ">", "*bold*", "_it_", "__u__", "[x](http://x.y)", "`code`", "```pre```", "~s~",
    "||spoiler||", "\\", "'", '"', "“", "”", "\n", "\r\n", "\t", "\u202e", "\u200f", "\u200b",
    "\ufeff", "😀", "👨‍👩‍👧‍👦", "🇨🇳", "مرحبا", "שלום", "नमस्ते", "\u0301", "/start", "/help",
)  # fmt: skip
WORD = st.sampled_from(TOKENS)
PHRASE = st.lists(st.one_of(WORD, FREE), min_size=1, max_size=6).map(" ".join)
NUMBERED = st.tuples(st.sampled_from(NUMBERS), st.one_of(PHRASE, FREE)).map(" ".join)
PIPED = st.lists(st.one_of(WORD, FREE), min_size=2, max_size=7).map(" | ".join)
LONG = st.tuples(st.text(CHARS, min_size=1, max_size=8), st.integers(1_000, 5_000)).map(
    lambda t: (t[0] * (t[1] // len(t[0]) + 1))[: t[1]]
)
ARG = st.one_of(st.just(""), FREE, PHRASE, NUMBERED, PIPED, LONG)
TEXTS = st.tuples(*(ARG for _ in SLOTS))

HOSTILE = (
    "<b>粗体</b> &amp; *星* _斜_ [链](http://x.y) `码`",
    "#1 <script>alert(1)</script>",
    "1 | 2099-12-05 09:00 | <i>场地</i> | 5 | 2 | 描述&<>",
    "\u202eRTL مرحبا 😀👨‍👩‍👧\n第二行\r\n\t缩进",
    "#2 " + "很长的文字" * 900,
    "",
    "99999999999 -1 ＃3",
    "@fz_bystander grid 西安村",
)


def hostile() -> tuple[str, ...]:
    return tuple(HOSTILE[i % len(HOSTILE)] for i in range(len(SLOTS)))


def line(slot: str, text: str, *, addressed: bool = False) -> str:
    word = f"{slot}@mulin_bot" if addressed and "@" not in slot and slot not in UNKNOWN else slot
    return f"/{word} {text}" if text else f"/{word}"


def later(days: int = 5) -> str:
    moment = (utcnow() + timedelta(days=days)).astimezone(ZoneInfo("Asia/Shanghai"))
    return moment.strftime("%Y-%m-%d 09:00")


def parse_number(word: str) -> int | None:
    """The bot's reading of an issue number (bot/core/replies.py parse_number), to find a card."""
    digits = word.lstrip("#＃")
    return int(digits) if digits.isdecimal() and 0 < len(digits) < 10 else None


def shown(messages: list[Message]) -> str:
    return " ‖ ".join((m.text or m.caption or "<file>")[:120] for m in messages)


def args_of(text: str) -> str:
    """What the bot takes as the command's argument (bot/core/replies.py command_text)."""
    parts = text.split(maxsplit=1)
    return parts[1].strip() if len(parts) > 1 else ""


# -- the town --------------------------------------------------------------------------------


@pytest.fixture
def settings(tmp_path: Path, emu: Emulator) -> Settings:
    """The harness's settings with a pool of superadmins (one per command)."""
    return bot_settings(emu, tmp_path / "mulin.sqlite3", admins=(SUPERADMIN_ID, *ADMIN_POOL))


@dataclass
class Town:
    world: World
    groups: list[Chat]  # registered to 西安村
    setup_group: Chat  # where /setup is fuzzed (it moves the group)
    users: dict[tuple[str, str], User] = field(default_factory=dict)  # (role, slot) → user
    watch: Watch | None = None
    reporters: int = 0

    @property
    def emu(self) -> Emulator:
        return self.world.emu

    def fresh_resident(self) -> User:
        self.reporters += 1
        return self.world.person(f"居民{self.reporters}", username=f"fz_reporter{self.reporters}")

    async def grant(self, grants: list[tuple[str, User]]) -> None:
        """The superadmin gives the roles, in private, all at once."""
        emu, admin = self.emu, self.world.superadmin()
        dm = emu.private_chat(admin)
        before = len(emu.bot_messages(dm))
        for role, user in grants:
            await emu.send(admin, dm, f"/grant {role} @{user.username} {HOME}")
        await self.world.settle()
        answers = [m.text or "" for m in emu.bot_messages(dm)[before:]]
        assert len(answers) == len(grants) and all("现在是" in a for a in answers), answers


async def seed(world: World) -> Town:
    """Three groups of 西安村 (and one of 鸿塔社区), issues in each state, an activity published
    and a draft, a contact: so that numbers in the fuzz often name something real."""
    emu, admin = world.emu, world.superadmin()
    groups = [
        await world.registered_group("海景湾二期", HOME, "第8网格"),
        await world.registered_group("海景湾三期", HOME, "第9网格"),
    ]
    setup_group = await world.registered_group("侨城花园", HOME, "第10网格")
    await world.registered_group("鸿塔小区", AWAY, "第1网格")
    reporter = world.person("阿强", username="aqiang")
    bystander = world.person("路人", username="fz_bystander")
    await emu.send(bystander, groups[0], "大家好")
    for group, text in zip(
        groups * 2,
        ("3号楼门口路灯不亮", "5号楼下水道堵了", "东门监控坏了好几天", "垃圾桶满了没人清"),
        strict=True,
    ):
        await emu.send(reporter, group, f"/report {text}")
    await world.settle()
    dm = emu.private_chat(admin)
    for command in ("/escalate 2 需要社区协调", "/close 3 已修好", "/priority 4 major"):
        await emu.send(admin, dm, command)
    await emu.send(admin, groups[0], "/addcontact building_head 陈阿姨 13812345678 3号楼")
    await world.settle()
    preview = await world.say_one(
        admin, groups[0], f"/newactivity 亲子定向赛 | {later()} | 中心花园 | 5 | 2 | 家长带孩子"
    )
    answer = await world.press(admin, preview, "📣 发布")
    assert answer.text == "已发布到 3 个群。", answer.text
    await world.say_one(admin, dm, f"/newactivity 义诊 | {later(9)} | 社区卫生站 | 20")
    town = Town(world, groups, setup_group)
    town.watch = Watch(emu)
    town.watch.new()
    assert not emu.errors
    return town


async def private_town(world: World) -> Town:
    town = await seed(world)
    emu = world.emu
    grants: list[tuple[str, User]] = []
    for role in ROLES:
        for i, slot in enumerate(SLOTS):
            name = f"{role[:3]}{i}"
            if role == "superadmin":
                user = world.person(f"管理员{i}", username=f"fz_{name}", user_id=ADMIN_POOL[i])
            else:
                user = world.person(f"{role}{i}", username=f"fz_{name}")
                await emu.send(user, town.groups[0], "大家好")  # known, and a member of 西安村
                if role != "resident":
                    grants.append((role, user))
            town.users[role, slot] = user
    await world.settle()
    await town.grant(grants)
    assert town.watch is not None
    town.watch.new()
    return town


async def group_town(world: World) -> Town:
    town = await seed(world)
    emu = world.emu
    grants: list[tuple[str, User]] = []
    for role in ROLES:
        if role == "superadmin":
            user = world.superadmin()
        else:
            user = world.person(f"群{role}", username=f"fz_group_{role}")
            if role != "resident":
                grants.append((role, user))
        # started (so that /roster can answer privately) and a member of every group
        await emu.send(user, emu.private_chat(user), "/start")
        for group in (*town.groups, town.setup_group):
            await emu.send(user, group, "大家好")
        for slot in SLOTS:
            town.users[role, slot] = user
    await world.settle()
    await town.grant(grants)
    assert town.watch is not None
    town.watch.new()
    return town


# -- one example -----------------------------------------------------------------------------


def common_checks(town: Town, errors_before: int, problems: list[str]) -> None:
    assert town.watch is not None
    crashed = apologies(town.watch.new())
    if crashed:
        problems.append(f"the bot apologised (an unhandled exception): {crashed}")
    errors = town.emu.errors[errors_before:]
    if errors:
        problems.append(f"the emulator refused requests: {[str(e) for e in errors]}")
    assert not problems, "\n".join(problems)


async def private_round(town: Town, role: str, texts: tuple[str, ...]) -> None:
    emu, errors_before = town.emu, len(town.emu.errors)
    sent: list[tuple[str, str, Chat, Message]] = []
    for slot, text in zip(SLOTS, texts, strict=True):
        user = town.users[role, slot]
        chat = emu.private_chat(user)
        sent.append((slot, text, chat, await emu.send(user, chat, line(slot, text))))
    await town.world.settle()
    outbox = outbox_sent(town.world.settings.db_path)
    problems = []
    for slot, text, chat, command in sent:
        answers = [
            m
            for m in emu.bot_messages(chat)
            if m.message_id > command.message_id and (chat.id, m.html) not in outbox
        ]
        least, most = PRIVATE.get(slot, (1, 1))
        if not least <= len(answers) <= most:
            problems.append(
                f"{role} in private, {line(slot, text)[:100]!r}: {len(answers)} answers "
                f"(expected {least}–{most}): {shown(answers)}"
            )
    common_checks(town, errors_before, problems)


async def group_round(
    town: Town, role: str, texts: tuple[str, ...], where: int, addressed: bool
) -> None:
    emu, errors_before = town.emu, len(town.emu.errors)
    sent: list[tuple[str, str, Chat, Message]] = []
    for slot, text in zip(SLOTS, texts, strict=True):
        chat = town.setup_group if slot == "setup" else town.groups[where]
        user = town.users[role, slot]
        if slot in ("report", "urgent") and role == "resident":
            user = town.fresh_resident()  # five reports an hour each: a new neighbour each time
        said = line(slot, text, addressed=addressed)
        sent.append((slot, said, chat, await emu.send(user, chat, said)))
    await town.world.settle()
    problems = []
    unanswered: dict[tuple[int, int], list[str]] = {}  # (group, issue) → changes answered by post
    for slot, said, chat, command in sent:
        answers = [m for m in emu.bot_messages(chat) if m.reply_to_message_id == command.message_id]
        least, most = GROUP.get(slot, (1, 1))
        if slot in MODERATION and not answers:
            words = args_of(said).split()
            number = parse_number(words[0]) if words else None
            if number is not None:
                unanswered.setdefault((chat.id, number), []).append(said)
                continue
            least = 1
        if not least <= len(answers) <= most:
            problems.append(
                f"{role} in a group, {said[:100]!r}: {len(answers)} answers quoting it "
                f"(expected {least}–{most}): {shown(answers)}"
            )
        if slot in ("report", "urgent") and answers:
            card = answers[0].text or ""
            if re.match(r"#\d+ (居民说|Residents say)", card) and args_of(said) not in card:
                problems.append(f"the card does not show {args_of(said)[:80]!r} verbatim: {card!r}")
    for (chat_id, number), changes in unanswered.items():
        cards = db_rows(
            town.world.settings.db_path,
            "SELECT card_message_id FROM issues WHERE id = ? AND chat_id = ?",
            (number, chat_id),
        )
        card_id = cards[0][0] if cards else None
        since = min(c.message_id for _, s, _, c in sent if s in changes)
        posts = [
            m
            for m in emu.bot_messages(chat_id)
            if card_id is not None and m.reply_to_message_id == card_id and m.message_id > since
        ]
        if len(posts) < len(changes):
            problems.append(
                f"{role} in a group: {[c[:60] for c in changes]} got no answer "
                f"(neither a reply nor a post under the card of #{number})"
            )
    common_checks(town, errors_before, problems)


# -- the tests -------------------------------------------------------------------------------

# Small enough for `make test` (about ten seconds a test); HARDENING_EXAMPLES=500 searches harder.
SETTINGS = budget(
    max_examples=int(os.environ.get("HARDENING_EXAMPLES", "20")),
    deadline=None,
    suppress_health_check=list(HealthCheck),
)


def explicit_roles(**extra: object):  # type: ignore[no-untyped-def]
    """One explicit example per role, with hostile texts: every role is covered whatever is drawn."""

    def add(test):  # type: ignore[no-untyped-def]
        for role in ROLES:
            test = example(role=role, texts=hostile(), **extra)(test)
        return test

    return add


async def test_arbitrary_text_to_every_command_in_private(fast: World) -> None:
    town = await private_town(fast)
    run = on_loop(asyncio.get_running_loop())

    @SETTINGS
    @explicit_roles()
    @given(role=st.sampled_from(ROLES), texts=TEXTS)
    def every_command_answers(role: str, texts: tuple[str, ...]) -> None:
        run(private_round(town, role, texts))

    await asyncio.to_thread(every_command_answers)


async def test_arbitrary_text_to_every_command_in_a_group(fast: World) -> None:
    town = await group_town(fast)
    run = on_loop(asyncio.get_running_loop())

    @SETTINGS
    @example(role="superadmin", texts=hostile(), where=1, addressed=True)
    @explicit_roles(where=0, addressed=False)
    @given(
        role=st.sampled_from(ROLES),
        texts=TEXTS,
        where=st.integers(0, 1),
        addressed=st.booleans(),
    )
    def every_command_answers(
        role: str, texts: tuple[str, ...], where: int, addressed: bool
    ) -> None:
        run(group_round(town, role, texts, where, addressed))

    await asyncio.to_thread(every_command_answers)


# -- what the fuzz found, fixed; kept so that it stays fixed ---------------------------------


async def answers_in(
    world: World, group: Chat, user: User, lines: list[str]
) -> dict[str, list[str]]:
    """Each line sent at once in a group; the bot's answers quoting each."""
    emu = world.emu
    sent = [(line, await emu.send(user, group, line)) for line in lines]
    await world.settle()
    return {
        line: [
            m.text or "" for m in emu.bot_messages(group) if m.reply_to_message_id == m_.message_id
        ]
        for line, m_ in sent
    }


NOT_DECIMAL_LINES = [
    "/issue ²",
    "/cancel ①",
    "/roster ³",
    "/cancelactivity ² 下雨",
    "/escalate ²",
    "/note ¹ 已联系",
    "/dup 1 ²",
    "/category ² lighting",
    "/setsla ² 14",
    "/setmeeting ² 19:30 民情茶角",
    "/setmeeting 15 ²:30 民情茶角",
    "/newactivity 茶话会 | 2099-12-05 09:00 | 活动室 | ²",
    "/newactivity 茶话会 | 2099-12-05 09:00 | 活动室 | 10 | ②",
]


async def test_non_decimal_digits_are_answered_not_crashed(fast: World) -> None:
    admin = fast.superadmin()
    group = await fast.registered_group("海景湾二期", HOME, "第8网格")
    await fast.say(admin, group, "/report 3号楼门口路灯不亮")
    card = fast.emu.last_bot_message(group)
    got = await answers_in(fast, group, admin, NOT_DECIMAL_LINES)
    forged = await fast.emu.press_data(admin, card, "iss:follow:²")
    crashed = {line: texts for line, texts in got.items() if len(texts) != 1 or apologies_in(texts)}
    assert not crashed and "出了点问题" not in (forged.text or ""), (crashed, forged.text)


def apologies_in(texts: list[str]) -> bool:
    return any("抱歉，我这边出了点问题" in t for t in texts)


async def test_a_time_before_year_one_is_refused_not_crashed(fast: World) -> None:
    group = await fast.registered_group("海景湾二期", HOME, "第8网格")
    resident = fast.person("阿美", username="amei")
    got = await answers_in(
        fast, group, resident, ["/newactivity 茶话会 | 0001-01-01 00:00 | 活动室 | 10"]
    )
    (texts,) = got.values()
    assert len(texts) == 1 and not apologies_in(texts), texts


async def test_a_command_addressed_to_another_bot_is_left_alone(fast: World) -> None:
    group = await fast.registered_group("海景湾二期", HOME, "第8网格")
    resident = fast.person("阿美", username="amei")
    lines = ["/help@other_bot", "/report@other_bot 路灯坏了", "/zzz@other_bot"]
    got = await answers_in(fast, group, resident, lines)
    assert got == {line: [] for line in lines}


async def test_roster_for_someone_who_never_started_the_bot_causes_no_api_error(
    fast: World,
) -> None:
    admin = fast.superadmin()
    group = await fast.registered_group("海景湾二期", HOME, "第8网格")
    organizer = fast.person("周阿姨", username="zhou")
    await fast.emu.send(organizer, group, "大家好")
    await fast.settle()
    await fast.say(admin, group, "/grant organizer @zhou")
    await fast.say(organizer, group, f"/newactivity 茶话会 | {later()} | 活动室 | 10")
    answer = await fast.say_one(organizer, group, "/roster 1")
    assert answer.text == "请先私聊我一次：名单会发到私聊里。"
    errors = [str(e) for e in fast.emu.errors]
    assert errors == []
