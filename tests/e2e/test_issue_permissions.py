"""Who may change an issue, in which state: SPEC "Issues: the three boards", through the emulator.

The matrix runs every moderation command, for every kind of actor, in the states where it
matters, and checks three things against the SPEC's table: the answer the actor gets, the post
under the issue's card in its group, and the card itself. Then the card's buttons, the prompts
they open, and forged button data.

Telegram lets a bot send about 20 messages a minute into one group, and the bot's rate limiter
paces itself accordingly; so that a test stays fast, its issues are spread over several grid
groups of 西安村, each given only as many issues as it has room for.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field

import pytest

from emulator import Chat, Message, User
from tests.conftest import World

HOME = "西安村"
AWAY = "鸿塔社区"

BOARDS = {"open": "居民说", "escalated": "物业说", "resolved": "社区说"}
STATES = {"open": "待处理", "escalated": "已上报", "resolved": "已解决", "rejected": "已驳回"}


def title(n: int, state: str) -> str:
    """A card's first line, as SPEC "Cards" gives it."""
    if state == "rejected":
        return f"#{n} 已驳回"
    return f"#{n} {BOARDS[state]} · {STATES[state]}"


def first_line(message: Message) -> str:
    return (message.text or "").split("\n", 1)[0]


# -- the SPEC's table ---------------------------------------------------------------------------

MODERATORS = frozenset({"grid", "property", "community"})
GRID_OR_COMMUNITY = frozenset({"grid", "community"})
REPORTER = "reporter"  # the issue's own reporter, as a "role" for /reopen

# command → state → who may run it there; a state not listed: nobody.
MAY: dict[str, dict[str, frozenset[str]]] = {
    "escalate": {"open": MODERATORS},
    "close": {"open": MODERATORS, "escalated": GRID_OR_COMMUNITY},
    "reopen": {"resolved": GRID_OR_COMMUNITY | {REPORTER}},
    "reject": {"open": GRID_OR_COMMUNITY, "escalated": GRID_OR_COMMUNITY},
    "dup": {"open": GRID_OR_COMMUNITY, "escalated": GRID_OR_COMMUNITY},
    "priority": {"open": MODERATORS, "escalated": MODERATORS},
    "note": {"open": MODERATORS, "escalated": MODERATORS},
}
# The states each command is tried in: where someone may run it, and where nobody may.
TRIED_IN: dict[str, tuple[str, ...]] = {
    "escalate": ("open", "escalated", "resolved"),
    "close": ("open", "escalated", "resolved"),
    "reopen": ("resolved", "open", "rejected"),
    "reject": ("open", "escalated", "rejected"),
    "dup": ("open", "escalated", "resolved"),
    "priority": ("open", "escalated", "rejected"),
    "note": ("open", "escalated", "resolved"),
}
AFTER: dict[str, str | None] = {  # the state a command leaves; None: unchanged
    "escalate": "escalated",
    "close": "resolved",
    "reopen": "open",
    "reject": "rejected",
    "dup": "rejected",
    "priority": None,
    "note": None,
}
WHO_MAY = {
    "escalate": "只有网格员、物业和社区干部可以上报问题。",
    "close": "只有网格员、物业和社区干部可以办结问题。",
    "reopen": "只有反映人、网格员和社区干部可以重新打开问题。",
    "reject": "只有网格员和社区干部可以驳回问题。",
    "dup": "只有网格员和社区干部可以驳回问题。",
    "priority": "只有网格员、物业和社区干部可以调整优先级。",
    "note": "只有网格员、物业和社区干部可以添加进展。",
}
WHO_MAY_CLOSE_ESCALATED = "已上报的问题只有网格员和社区干部可以办结。"
ONLY_IN_STATE = {
    "escalate": "只有待处理的问题可以上报。",
    "close": "只有待处理或已上报的问题可以办结。",
    "reopen": "只有已解决的问题可以重新打开。",
    "reject": "只有待处理或已上报的问题可以驳回。",
    "dup": "只有待处理或已上报的问题可以标记为重复。",
    "priority": "只有待处理或已上报的问题可以调整优先级。",
    "note": "只有待处理或已上报的问题可以添加进展。",
}


def command_line(command: str, n: int, target: int | None = None) -> str:
    return {
        "escalate": f"/escalate {n} 需要社区协调",
        "close": f"/close {n} 已更换灯泡",
        "reopen": f"/reopen {n} 还是不亮",
        "reject": f"/reject {n} 不属于小区公共区域",
        "dup": f"/dup {n} {target}",
        "priority": f"/priority {n} major",
        "note": f"/note {n} 已联系供电所，明天维修",
    }[command]


def effect_marker(command: str, target: int | None = None) -> str:
    """What the card shows once the command was applied (absent from a fresh card)."""
    return {
        "escalate": "上报到社区",
        "close": "✅ 解决方案：已更换灯泡",
        "reopen": "重新打开：还是不亮",
        "reject": "理由：不属于小区公共区域",
        "dup": f"🔁 与 #{target} 重复",
        "priority": "把优先级调整为大事",
        "note": "：已联系供电所，明天维修",
    }[command]


@dataclass(frozen=True)
class Actor:
    key: str
    name: str
    username: str
    roles: frozenset[str]  # as seen from 西安村, where every issue of the matrix is
    where: str  # "group": the issue's own group; "dm": private chat; "away": 鸿塔社区's group
    grant: tuple[str, str] | None = None  # (role, community) given by the superadmin


SUPERADMIN_ROLES = frozenset({"grid", "property", "community", "organizer"})
ACTORS: tuple[Actor, ...] = (
    Actor("resident", "阿美", "amei", frozenset(), "group"),
    Actor("reporter", "阿强", "aqiang", frozenset({REPORTER}), "dm"),
    Actor("grid", "小林", "lin", frozenset({"grid"}), "group", ("grid", HOME)),
    Actor("property", "王物业", "wang", frozenset({"property"}), "dm", ("property", HOME)),
    Actor("community", "陈书记", "chen", frozenset({"community"}), "dm", ("community", HOME)),
    Actor("organizer", "周阿姨", "zhou", frozenset({"organizer"}), "dm", ("organizer", HOME)),
    Actor("superadmin", "镇管理员", "town_admin", SUPERADMIN_ROLES, "away"),
    # moderators of another community are residents for 西安村's issues
    Actor("away_grid", "鸿塔网格员", "hong_grid", frozenset(), "away", ("grid", AWAY)),
    Actor("away_community", "鸿塔书记", "hong_chen", frozenset(), "dm", ("community", AWAY)),
)
BY_KEY = {a.key: a for a in ACTORS}

ANSWERED_BY_POST = "(no reply: the post under the card answers)"
CONFIRMED = "(a confirmation titled with the new state)"


def allowed(command: str, state: str, actor: Actor) -> bool:
    return bool(actor.roles & MAY[command].get(state, frozenset()))


def expected_answer(command: str, state: str, actor: Actor, n: int) -> str:
    if allowed(command, state, actor):
        return ANSWERED_BY_POST if actor.where == "group" else CONFIRMED
    someone_may_now = state in MAY[command]
    may_elsewhere = bool(actor.roles & frozenset().union(*MAY[command].values()))
    if may_elsewhere and not someone_may_now:
        return f"#{n} {STATES[state]}。{ONLY_IN_STATE[command]}"
    who = (
        WHO_MAY_CLOSE_ESCALATED if command == "close" and state == "escalated" else WHO_MAY[command]
    )
    return "⛔ " + who


# -- the town -----------------------------------------------------------------------------------

# Common characters for issue texts that share (almost) no character pairs with each other,
# so that no report looks like a near-duplicate of another.
POOL = (
    "楼栋门口路灯电梯水管井盖车位充电桩垃圾桶绿化草坪围墙栏杆台阶扶手信箱监控"
    "消防通道楼道窗户屋顶漏雨噪音广场健身器材凉亭座椅单元道闸岗亭化粪池排污泵房"
)


@dataclass
class Ticket:
    n: int
    state: str
    group: Chat
    card_id: int


@dataclass
class Town:
    """Two communities: grid groups of 西安村 made as needed, one group of 鸿塔社区, and ACTORS."""

    world: World
    away: Chat
    users: dict[str, User]
    groups: list[Chat] = field(default_factory=list)
    planned: dict[int, int] = field(default_factory=dict)  # group id → bot requests planned
    rng: random.Random = field(default_factory=lambda: random.Random(8))

    CAPACITY = 17  # of Telegram's 20 a minute per group, with room to spare

    @classmethod
    async def build(cls, world: World) -> Town:
        admin = world.superadmin()
        users = {"superadmin": admin}
        for actor in ACTORS:
            if actor.key != "superadmin":
                users[actor.key] = world.person(actor.name, username=actor.username)
        away = await world.registered_group("鸿塔小区", AWAY, "第1网格")
        home = await world.registered_group("海景湾1期", HOME, "第1网格")
        for key, user in users.items():
            if key != "superadmin":
                await world.emu.send(user, world.emu.private_chat(user), "/start")
        await world.settle()
        admin_dm = world.emu.private_chat(admin)
        sent = []
        for actor in ACTORS:
            if actor.grant is not None:
                role, community = actor.grant
                sent.append(
                    await world.emu.send(
                        admin, admin_dm, f"/grant {role} @{actor.username} {community}"
                    )
                )
        await world.settle()
        granted = [m.text or "" for m in world.emu.bot_messages(admin_dm)][-len(sent) :]
        assert all("现在是" in text for text in granted), granted
        return cls(world, away, users, [home], {home.id: 2})

    def user(self, key: str) -> User:
        return self.users[key]

    def chat_of(self, actor: Actor, ticket: Ticket) -> Chat:
        if actor.where == "group":
            return ticket.group
        if actor.where == "away":
            return self.away
        return self.world.emu.private_chat(self.user(actor.key))

    def text(self) -> str:
        return "".join(self.rng.sample(POOL, 12))

    async def group_with_room(self, cost: int) -> Chat:
        for group in self.groups:
            if self.planned[group.id] + cost <= self.CAPACITY:
                self.planned[group.id] += cost
                return group
        k = len(self.groups) + 1
        group = await self.world.registered_group(f"海景湾{k}期", HOME, f"第{k}网格")
        self.groups.append(group)
        self.planned[group.id] = 2 + cost  # the welcome and the answer to /setup
        return group

    async def raise_issues(self, plan: list[tuple[User, str, int]]) -> list[Ticket]:
        """Issues (reporter, state, bot requests still to come in its group), all at once: the
        reports, then the superadmin's changes (in private) that bring each to its state."""
        emu = self.world.emu
        groups = [
            await self.group_with_room(1 + (state != "open") * 2 + extra)
            for _, state, extra in plan
        ]
        reports = [
            await emu.send(reporter, group, f"/report {self.text()}")
            for (reporter, _, _), group in zip(plan, groups, strict=True)
        ]
        await self.world.settle()
        tickets = []
        for (_, state, _), group, report in zip(plan, groups, reports, strict=True):
            cards = [
                m for m in emu.bot_messages(group) if m.reply_to_message_id == report.message_id
            ]
            assert len(cards) == 1, [m.text for m in cards]
            found = re.match(r"#(\d+) 居民说 · 待处理$", first_line(cards[0]))
            assert found, cards[0].text
            tickets.append(Ticket(int(found.group(1)), state, group, cards[0].message_id))
        admin = self.user("superadmin")
        admin_dm = emu.private_chat(admin)
        to_state = {
            "escalated": "/escalate {n}",
            "resolved": "/close {n} 已修好",
            "rejected": "/reject {n} 不属实",
        }
        for ticket in tickets:
            if ticket.state != "open":
                await emu.send(admin, admin_dm, to_state[ticket.state].format(n=ticket.n))
        await self.world.settle()
        for ticket in tickets:
            assert first_line(self.card(ticket)) == title(ticket.n, ticket.state)
        return tickets

    async def issue(self, state: str, reporter: str = "reporter") -> Ticket:
        (ticket,) = await self.raise_issues([(self.user(reporter), state, 8)])
        return ticket

    def card(self, ticket: Ticket) -> Message:
        return self.world.emu.message(ticket.group, ticket.card_id)

    def posts_under(self, ticket: Ticket) -> list[Message]:
        return [
            m
            for m in self.world.emu.bot_messages(ticket.group)
            if m.reply_to_message_id == ticket.card_id
        ]


# -- the matrix ---------------------------------------------------------------------------------


def answer_of(replies: list[Message], ticket: Ticket, after: str) -> str:
    if not replies:
        return ANSWERED_BY_POST
    if len(replies) == 1 and first_line(replies[0]) == title(ticket.n, after):
        return CONFIRMED
    return " | ".join(m.text or "" for m in replies)


@pytest.mark.parametrize("command", list(MAY))
async def test_who_may_run_each_command_in_each_state(world: World, command: str) -> None:
    town = await Town.build(world)
    emu = world.emu
    admin = town.user("superadmin")
    dups = sum(allowed(command, s, a) for s in TRIED_IN[command] for a in ACTORS)
    target = (await town.raise_issues([(admin, "open", dups)]))[0] if command == "dup" else None
    target_n = target.n if target else None

    # one issue of 阿强's in each state for those who may not, a fresh one for each who may
    plan: list[tuple[User, str, int]] = []
    for state in TRIED_IN[command]:
        in_group = sum(a.where == "group" and not allowed(command, state, a) for a in ACTORS)
        plan.append((town.user("reporter"), state, in_group))
        for actor in ACTORS:
            if allowed(command, state, actor):
                reporter = town.user("reporter") if actor.key == "reporter" else admin
                plan.append((reporter, state, 2))
    tickets = iter(await town.raise_issues(plan))

    for state in TRIED_IN[command]:
        base = next(tickets)
        ticket_of = {a.key: next(tickets) if allowed(command, state, a) else base for a in ACTORS}
        cards_before = {a.key: town.card(ticket_of[a.key]).text for a in ACTORS}
        posts_before = {
            (m.chat_id, m.message_id) for t in ticket_of.values() for m in town.posts_under(t)
        }
        dms_before = {
            a.key: len(emu.bot_messages(town.chat_of(a, base))) for a in ACTORS if a.where == "dm"
        }
        sent: dict[str, Message] = {}
        for actor in ACTORS:
            ticket = ticket_of[actor.key]
            sent[actor.key] = await emu.send(
                town.user(actor.key),
                town.chat_of(actor, ticket),
                command_line(command, ticket.n, target_n),
            )
        await world.settle()

        actual: dict[str, tuple[str, str, str, list[str]]] = {}
        expected: dict[str, tuple[str, str, str, list[str]]] = {}
        for actor in ACTORS:
            ticket = ticket_of[actor.key]
            chat = town.chat_of(actor, ticket)
            if actor.where == "dm":
                replies = emu.bot_messages(chat)[dms_before[actor.key] :]
            else:
                replies = [
                    m
                    for m in emu.bot_messages(chat)
                    if m.reply_to_message_id == sent[actor.key].message_id
                ]
            may = allowed(command, state, actor)
            after = (AFTER[command] or state) if may else state
            card = town.card(ticket)
            marker = effect_marker(command, target_n)
            if card.text == cards_before[actor.key]:
                card_change = "unchanged"
            elif marker in (card.text or ""):
                card_change = "shows the change"
            else:
                card_change = "changed otherwise: " + (card.text or "")
            posts = [
                first_line(m)
                for m in town.posts_under(ticket)
                if (m.chat_id, m.message_id) not in posts_before
            ]
            actual[actor.key] = (
                answer_of(replies, ticket, after),
                first_line(card),
                card_change,
                posts,
            )
            expected[actor.key] = (
                expected_answer(command, state, actor, ticket.n),
                title(ticket.n, after),
                "shows the change" if may else "unchanged",
                [title(ticket.n, after)] if may else [],
            )
        assert actual == expected, f"/{command} on a {state} issue"


async def test_a_change_made_elsewhere_is_confirmed_there_and_posted_under_the_card(
    world: World,
) -> None:
    town = await Town.build(world)
    ticket = await town.issue("open")
    chen = town.user("community")
    # the community official, from 鸿塔社区's group (where he holds no role, but 西安村 is his)
    chen_in_away = await world.say_one(chen, town.away, f"/escalate {ticket.n}")
    assert first_line(chen_in_away) == title(ticket.n, "escalated")
    assert chen_in_away.reply_to_message_id is not None
    assert "陈书记 上报到社区" in (chen_in_away.text or "")
    assert [first_line(m) for m in town.posts_under(ticket)][-1] == title(ticket.n, "escalated")
    # the reporter, who started the bot, hears of it privately
    reporter_dm = world.emu.private_chat(town.user("reporter"))
    heard = world.emu.last_bot_message(reporter_dm)
    assert first_line(heard) == title(ticket.n, "escalated") and "陈书记" in (heard.text or "")


async def test_the_escalation_note_is_published(world: World) -> None:
    town = await Town.build(world)
    ticket = await town.issue("open")
    note = "物业无法解决，需要社区协调业主"
    await world.say(town.user("grid"), ticket.group, f"/escalate {ticket.n} {note}")
    assert first_line(town.card(ticket)) == title(ticket.n, "escalated")
    heard = world.emu.last_bot_message(world.emu.private_chat(town.user("reporter")))
    shown = {
        "card": note in (town.card(ticket).text or ""),
        "post under the card": note in (town.posts_under(ticket)[-1].text or ""),
        "reporter's notice": note in (heard.text or ""),
    }
    assert shown == dict.fromkeys(shown, True)


# -- the card's buttons -------------------------------------------------------------------------


async def test_a_resident_pressing_escalate_on_the_card_gets_a_popup_and_nothing_changes(
    world: World,
) -> None:
    town = await Town.build(world)
    ticket = await town.issue("open")
    card = town.card(ticket)
    assert card.labels() == ["🙋 我也遇到", "⬆️ 上报", "✅ 办结", "🚫 驳回"]
    before = (card.text, card.labels(), len(world.emu.bot_messages(ticket.group)))
    for key in ("resident", "reporter", "organizer", "away_grid"):
        answer = await world.press(town.user(key), card, "⬆️ 上报")
        assert answer.show_alert, key
        assert answer.text == WHO_MAY["escalate"], key
        card = town.card(ticket)
        assert (card.text, card.labels(), len(world.emu.bot_messages(ticket.group))) == before
    for key, label, command in (
        ("resident", "✅ 办结", "close"),
        ("property", "🚫 驳回", "reject"),
    ):
        answer = await world.press(town.user(key), card, label)
        assert answer.show_alert and answer.text == WHO_MAY[command], key
        assert len(world.emu.bot_messages(ticket.group)) == before[2], "no prompt for " + key


async def test_escalate_button_of_a_moderator_changes_the_card_and_its_buttons(
    world: World,
) -> None:
    town = await Town.build(world)
    ticket = await town.issue("open")
    answer = await world.press(town.user("property"), town.card(ticket), "⬆️ 上报")
    assert answer.text == "好的。" and not answer.show_alert
    card = town.card(ticket)
    assert first_line(card) == title(ticket.n, "escalated")
    assert "王物业 上报到社区" in (card.text or "")
    assert card.labels() == ["🙋 我也遇到", "✅ 办结", "🚫 驳回"]
    assert [first_line(m) for m in town.posts_under(ticket)] == [title(ticket.n, "escalated")]
    # property may no longer resolve it: a popup, no prompt
    count = len(world.emu.bot_messages(ticket.group))
    answer = await world.press(town.user("property"), card, "✅ 办结")
    assert answer.show_alert and answer.text == WHO_MAY_CLOSE_ESCALATED
    assert len(world.emu.bot_messages(ticket.group)) == count
    # a stale "escalate" press (an old copy of the card) says why, and changes nothing
    answer = await world.emu.press_data(town.user("grid"), card, f"iss:escalate:{ticket.n}")
    await world.settle()
    assert answer.show_alert
    assert answer.text == f"#{ticket.n} 已上报。只有待处理的问题可以上报。"
    assert town.card(ticket).text == card.text


async def test_resolve_button_asks_with_a_force_reply_and_the_reply_resolves(
    world: World,
) -> None:
    town = await Town.build(world)
    ticket = await town.issue("open")
    lin, amei = town.user("grid"), town.user("resident")
    before = {m.message_id for m in world.emu.bot_messages(ticket.group)}
    answer = await world.press(lin, town.card(ticket), "✅ 办结")
    assert not answer.show_alert
    prompts = [m for m in world.emu.bot_messages(ticket.group) if m.message_id not in before]
    assert len(prompts) == 1
    prompt = prompts[0]
    assert prompt.text == f"小林，请回复这条消息，写上 #{ticket.n} 的解决方案；它会公开发布。"
    assert prompt.keyboard is not None and prompt.keyboard.get("force_reply") is True
    assert prompt.keyboard.get("selective") is True
    assert first_line(town.card(ticket)) == title(ticket.n, "open")  # nothing yet

    # someone else answering the prompt resolves nothing
    assert await world.say(amei, ticket.group, "我觉得修好了", reply_to=prompt) == []
    assert first_line(town.card(ticket)) == title(ticket.n, "open")

    await world.say(lin, ticket.group, "已更换灯泡，亮了", reply_to=prompt)
    card = town.card(ticket)
    assert first_line(card) == title(ticket.n, "resolved")
    assert "✅ 解决方案：已更换灯泡，亮了" in (card.text or "")
    assert "小林 办结：已更换灯泡，亮了" in (card.text or "")
    assert card.labels() == ["↩️ 重新打开"]
    assert [first_line(m) for m in town.posts_under(ticket)] == [title(ticket.n, "resolved")]
    # the reporter is asked whether it is fixed
    question = world.emu.last_bot_message(world.emu.private_chat(town.user("reporter")))
    assert f"#{ticket.n} 已标记为已解决" in (question.text or "")
    assert question.labels() == ["👍 解决了", "🤏 部分解决", "👎 没解决"]


async def test_a_reply_to_a_prompt_is_not_lost_in_a_restart(world: World) -> None:
    town = await Town.build(world)
    ticket = await town.issue("open")
    lin = town.user("grid")
    await world.press(lin, town.card(ticket), "✅ 办结")
    prompt = world.emu.last_bot_message(ticket.group)
    await world.restart_bot()
    replies = await world.say(lin, ticket.group, "已更换灯泡", reply_to=prompt)
    resolved = first_line(town.card(ticket)) == title(ticket.n, "resolved")
    assert resolved or replies, "the solution was dropped without a word"


async def test_reject_button_asks_for_the_reason(world: World) -> None:
    town = await Town.build(world)
    ticket = await town.issue("escalated")
    chen = town.user("community")
    await world.press(chen, town.card(ticket), "🚫 驳回")
    prompt = world.emu.last_bot_message(ticket.group)
    assert prompt.text == f"陈书记，请回复这条消息，写上驳回 #{ticket.n} 的理由。"
    await world.say(chen, ticket.group, "属于业主私人区域", reply_to=prompt)
    card = town.card(ticket)
    assert first_line(card) == title(ticket.n, "rejected")
    assert "理由：属于业主私人区域" in (card.text or "")
    assert card.labels() == []


async def test_private_cards_offer_only_the_changes_the_viewer_may_make(world: World) -> None:
    town = await Town.build(world)
    escalated = await town.issue("escalated")
    resolved = await town.issue("resolved")
    expected = {
        ("grid", escalated.n): ["🙋 我也遇到", "✅ 办结", "🚫 驳回"],
        ("property", escalated.n): ["🙋 我也遇到"],
        ("resident", escalated.n): ["🙋 我也遇到"],
        ("away_community", escalated.n): ["🙋 我也遇到"],
        ("reporter", escalated.n): [],
        ("reporter", resolved.n): ["↩️ 重新打开"],
        ("property", resolved.n): [],
        ("community", resolved.n): ["↩️ 重新打开"],
        ("superadmin", resolved.n): ["↩️ 重新打开"],
    }
    actual = {}
    for key, n in expected:
        user = town.user(key)
        card = await world.say_one(user, world.emu.private_chat(user), f"/issue {n}")
        actual[key, n] = card.labels()
    assert actual == expected


# -- forged and stale button data ---------------------------------------------------------------


async def test_forged_callback_data_is_refused_without_any_change(world: World) -> None:
    town = await Town.build(world)
    ticket = await town.issue("resolved")
    amei, lin = town.user("resident"), town.user("grid")
    card = town.card(ticket)
    reporter_dm = world.emu.private_chat(town.user("reporter"))
    question = world.emu.last_bot_message(reporter_dm)
    assert question.labels() == ["👍 解决了", "🤏 部分解决", "👎 没解决"]

    def state() -> tuple[str | None, int, int]:
        return (
            town.card(ticket).text,
            len(world.emu.bot_messages(ticket.group)),
            len(world.emu.bot_messages(reporter_dm)),
        )

    before = state()
    forged = [
        (lin, card, "iss:close:99999", "没有 #99999 这个问题。"),
        (lin, card, "iss:escalate:abc", "这个按钮已失效。"),
        (lin, card, "iss:note:1", "这个按钮已失效。"),
        (lin, card, "iss:close:" + "9" * 40, "这个按钮已失效。"),
        (amei, card, f"iss:reopen:{ticket.n}", WHO_MAY["reopen"]),
        (town.user("property"), card, f"iss:reopen:{ticket.n}", WHO_MAY["reopen"]),
        (amei, card, f"fix:yes:{ticket.n}", "只有反映人和关注这个问题的邻居可以回答。"),
        (lin, card, f"fix:no:{ticket.n}", "只有反映人和关注这个问题的邻居可以回答。"),
        (amei, card, f"fix:partly:{ticket.n}", "只有反映人和关注这个问题的邻居可以回答。"),
        (amei, card, "fix:maybe:1", "这个按钮已失效。"),
    ]
    answers = []
    for user, message, data, _ in forged:
        answer = await world.emu.press_data(user, message, data)
        await world.settle()
        answers.append((data, answer.text))
        assert state() == before, data
    assert answers == [(data, text) for _, _, data, text in forged]

    # the reporter's own question was not answered by the forgeries: "not fixed" still works
    answer = await world.press(town.user("reporter"), question, "👎 没解决")
    assert answer.text == f"#{ticket.n} 已重新打开，会再处理。"
    assert first_line(town.card(ticket)) == title(ticket.n, "open")
