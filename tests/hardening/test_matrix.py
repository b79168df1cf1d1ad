"""Who may run each command (issue 7, Deliver 4): every command × every role × own or another
community, against the one permission table (bot/core/roles.py `PERMISSIONS`, which the README's
"who" columns and SPEC describe): each row's expectation is the table's answer, so a handler
that checks something else than the table fails here.

The issue-changing commands (/escalate /close /reopen /reject /dup /priority /note) have their
own matrix, state by state, in tests/e2e/test_issue_permissions.py; this one covers the others
(`test_the_matrix_covers_every_other_command` keeps it so as commands are added).

The town: 西安村 (HOME, two grid groups) and 鸿塔社区 (AWAY, one group). The actors are a
resident, a chat administrator without a role, the superadmin, and one holder of each role of
西安村 — and one holder of each role of 鸿塔社区, who writes in 西安村's group too: for 西安村 a
role of another community is no role at all. Each row sends its command from every actor at
once (in 西安村's group, or each in their private chat), then compares each answer with the
row's success marker and refusal (the "⛔ …只有…" texts users read).

One bot for the module (the rows share it, and leave what they change as they found it or in a
state later rows do not depend on); each row also checks that the bot caused no API error.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
import pytest_asyncio

from bot.core.commands import Where
from bot.core.db import utcnow
from bot.core.roles import PERMISSIONS, Action
from bot.features import all_commands
from emulator import Chat, Emulator, Message, User
from emulator.harness import bot_settings
from tests.conftest import TOKEN, World
from tests.hardening.conftest import apologies, outbox_sent, unpaced

SHARED_LOOP = pytest.mark.asyncio(loop_scope="module")  # the module's bot lives on it

HOME = "西安村"
AWAY = "鸿塔社区"
GRID, PROPERTY, COMMUNITY, ORGANIZER = "grid", "property", "community", "organizer"
MODERATORS = (GRID, PROPERTY, COMMUNITY)
# In tests/e2e/test_issue_permissions.py, state by state.
ISSUE_MATRIX = frozenset({"escalate", "close", "reopen", "reject", "dup", "priority", "note"})


@dataclass(frozen=True)
class Actor:
    key: str
    name: str
    username: str
    role: str | None = None
    community: str | None = None  # where the role is held
    superadmin: bool = False
    chat_admin: bool = False  # an administrator of 西安村's group (Telegram's, not a role)

    def holds(self, *roles: str, community: str = HOME) -> bool:
        """A role of `community`, as the README's "who" column means it (superadmins: all)."""
        return self.superadmin or (self.community == community and self.role in roles)

    def holds_anywhere(self, *roles: str) -> bool:
        return self.superadmin or self.role in roles

    def may(self, action: Action) -> bool:
        """What the permission table (bot/core/roles.py) allows in 西安村 — the expectation of
        every row, so that the table and what the handlers do cannot drift apart."""
        rule = PERMISSIONS[action]
        return (
            self.superadmin
            or (not rule.superadmins_only and self.holds(*rule.roles))
            or (rule.chat_admins and self.chat_admin)
        )

    def may_anywhere(self, action: Action) -> bool:
        rule = PERMISSIONS[action]
        return self.superadmin or (not rule.superadmins_only and self.holds_anywhere(*rule.roles))


def may(action: Action) -> Callable[[Actor], bool]:
    return lambda actor: actor.may(action)


def may_anywhere(action: Action) -> Callable[[Actor], bool]:
    return lambda actor: actor.may_anywhere(action)


ACTORS = (
    Actor("resident", "阿美", "mx_amei"),
    Actor("chat_admin", "群管理员老郑", "mx_zheng", chat_admin=True),
    Actor("grid", "小林", "mx_lin", GRID, HOME),
    Actor("property", "王物业", "mx_wang", PROPERTY, HOME),
    Actor("community", "陈书记", "mx_chen", COMMUNITY, HOME),
    Actor("organizer", "周阿姨", "mx_zhou", ORGANIZER, HOME),
    Actor("superadmin", "镇管理员", "town_admin", superadmin=True),
    Actor("away_grid", "鸿塔网格员", "mx_hgrid", GRID, AWAY),
    Actor("away_property", "鸿塔物业", "mx_hwang", PROPERTY, AWAY),
    Actor("away_community", "鸿塔书记", "mx_hchen", COMMUNITY, AWAY),
    Actor("away_organizer", "鸿塔邻里中心", "mx_hzhou", ORGANIZER, AWAY),
)
HOME_PHONE, AWAY_PHONE = "13812345678", "13912345678"


def later(days: int) -> str:
    moment = (utcnow() + timedelta(days=days)).astimezone(ZoneInfo("Asia/Shanghai"))
    return moment.strftime("%Y-%m-%d 09:00")


# -- the town --------------------------------------------------------------------------------


@dataclass
class Town:
    world: World
    home: Chat
    away: Chat
    users: dict[str, User]
    card: Message  # activity #1's card in 西安村's group
    drafts: dict[str, int] = field(default_factory=dict)  # actor → an activity to cancel

    @property
    def emu(self) -> Emulator:
        return self.world.emu


async def build(world: World) -> Town:
    emu, admin = world.emu, world.superadmin()
    home = await world.registered_group("海景湾一期", HOME, "第1网格")
    await world.registered_group("海景湾二期", HOME, "第2网格")
    away = await world.registered_group("鸿塔小区", AWAY, "第1网格")
    users = {"superadmin": admin}
    for actor in ACTORS:
        if not actor.superadmin:
            users[actor.key] = world.person(actor.name, username=actor.username)
    for actor in ACTORS:
        user = users[actor.key]
        await emu.send(user, emu.private_chat(user), "/start")
        await emu.send(user, home, "大家好")
        if actor.community == AWAY:
            await emu.send(user, away, "大家好")
    target = world.person("小周", username="mx_target")
    reporter = world.person("阿强", username="mx_aqiang")
    await emu.send(target, home, "大家好")
    await emu.send(reporter, home, "/report 3号楼门口路灯不亮，晚上很黑")
    await world.settle()
    emu.set_admin(home, users["chat_admin"])
    dm = emu.private_chat(admin)
    for actor in ACTORS:
        if actor.role is not None:
            await emu.send(admin, dm, f"/grant {actor.role} @{actor.username} {actor.community}")
    await emu.send(admin, home, f"/addcontact building_head 陈阿姨 {HOME_PHONE} 3号楼")
    await emu.send(admin, away, f"/addcontact volunteer 林阿伯 {AWAY_PHONE}")
    await world.settle()
    granted = [m.text or "" for m in emu.bot_messages(dm)]
    assert sum("现在是" in t for t in granted) == sum(a.role is not None for a in ACTORS), granted

    preview = await world.say_one(
        admin, home, f"/newactivity 亲子定向赛 | {later(5)} | 中心花园 | 40 | 1"
    )
    assert (await world.press(admin, preview, "📣 发布")).text == "已发布到 2 个群。"
    card = next(m for m in emu.bot_messages(home) if "报名 1人" in m.labels())
    town = Town(world, home, away, users, card)
    lines = {  # a draft for each actor to try /cancelactivity on
        actor.key: await emu.send(admin, home, f"/newactivity 茶话会{i} | {later(6)} | 活动室 | 10")
        for i, actor in enumerate(ACTORS)
    }
    await world.settle()
    for key, line in lines.items():
        (draft,) = [m for m in emu.bot_messages(home) if m.reply_to_message_id == line.message_id]
        found = re.match(r"#(\d+) 茶话会", draft.text or "")
        assert found, draft.text
        town.drafts[key] = int(found.group(1))
    assert not emu.errors, emu.errors
    return town


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def town(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Town]:
    db = tmp_path_factory.mktemp("matrix") / "mulin.sqlite3"
    async with Emulator(token=TOKEN, bot_username="mulin_bot", bot_name="睦邻") as emu:
        world = World(emu, unpaced(bot_settings(emu, db)))
        world.superadmin()
        await world.start_bot()
        try:
            yield await build(world)
        finally:
            await world.stop_bot()


# -- rows ------------------------------------------------------------------------------------

Answers = list[Message]


@dataclass(frozen=True)
class Row:
    """One command line, sent by every actor; `allowed` says who may, from the README."""

    id: str
    where: str  # "group": 西安村's group; "private": each actor's private chat
    text: Callable[[Town, Actor], str]
    allowed: Callable[[Actor], bool]
    success: Callable[[Answers, Actor], bool]
    refusal: str | None  # the whole answer of a refused actor (None: nobody is refused)


def says(*markers: str) -> Callable[[Answers, Actor], bool]:
    """Succeeded: one answer, containing every marker, without "⛔"."""

    def check(answers: Answers, actor: Actor) -> bool:
        text = (answers[0].text or answers[0].caption or "") if len(answers) == 1 else ""
        return bool(text) and "⛔" not in text and all(m in text for m in markers)

    return check


def fixed(text: str) -> Callable[[Town, Actor], str]:
    return lambda town, actor: text


def anyone(actor: Actor) -> bool:
    return True


def issue_card(answers: Answers, actor: Actor) -> bool:
    return len(answers) == 1 and bool(re.match(r"#\d+ 居民说 · 待处理\n", answers[0].text or ""))


def stats_sent(answers: Answers, actor: Actor) -> bool:
    return (
        len(answers) == 2
        and (answers[0].text or "").startswith(f"📊 {HOME} · ")
        and answers[1].photo is not None
    )


def roster_sent(answers: Answers, actor: Actor) -> bool:
    return (
        len(answers) == 2
        and (answers[0].text or "").startswith("#1 亲子定向赛")
        and answers[1].document is not None
    )


def private_contacts(answers: Answers, actor: Actor) -> bool:
    """Phones in private: of 西安村 to its role holders and members, of 鸿塔社区 to its own."""
    text = "\n".join(m.text or "" for m in answers)
    home = actor.superadmin or actor.community in (HOME, None)
    away = actor.superadmin or actor.community == AWAY
    return (
        bool(answers)
        and "⛔" not in text
        and (HOME_PHONE in text) == home
        and (AWAY_PHONE in text) == away
    )


def group_contacts(answers: Answers, actor: Actor) -> bool:
    text = (answers[0].text or "") if len(answers) == 1 else ""
    return "📇 西安村：联系人" in text and "陈阿姨" in text and "1381234" not in text


def minutes_started(answers: Answers, actor: Actor) -> bool:
    text = (answers[0].text or "") if len(answers) == 1 else ""
    return "议事会的议题已全部议定" in text or "记录哪个社区的议事会" in text


# Reports that share (almost) no character pairs: none looks like a duplicate of another.
REPORTS = dict(zip((a.key for a in ACTORS), (
    "三号楼门口路灯不亮", "五栋电梯经常卡住", "东门岗亭没人值班", "充电桩坏了两台",
    "绿化带杂草丛生", "垃圾桶满溢发臭", "围墙栏杆生锈断裂", "屋顶漏雨严重",
    "广场健身器材松动", "化粪池排污不畅", "信箱被撬开了",
), strict=True))  # fmt: skip
URGENT = dict(zip((a.key for a in ACTORS), (
    "消防通道被车堵死", "地下室进水很深", "燃气管道有异味", "高空坠物砸到车",
    "配电箱冒烟起火", "井盖缺失有人摔伤", "水管爆裂喷水", "楼梯扶手脱落",
    "监控全部黑屏", "泵房漏电报警", "老人被困电梯",
), strict=True))  # fmt: skip

ONLY_ORGANIZERS = "⛔ 只有该社区的邻里中心和社区干部可以这样做。"
ONLY_KEEPERS = "⛔ 只有西安村的网格员和社区干部可以修改联系人。"
ONLY_OFFICIALS_ROLES = "⛔ 只有西安村的社区干部可以授予或收回角色。"
ONLY_MODERATORS_STATS = "⛔ 只有西安村的网格员、物业和社区干部可以查看统计。"

ROWS: tuple[Row, ...] = (
    Row("start", "private", fixed("/start"), anyone, says("您好", "睦邻"), None),
    Row("help", "group", fixed("/help"), anyone, says("您在这里可以做的事"), None),
    Row(
        "lang-group",
        "group",
        fixed("/lang zh"),
        may(Action.SET_GROUP_LANG),
        says("本群语言已设为中文"),
        "⛔ 只有网格员、物业和社区干部可以设置群语言。要改您自己的语言，请私聊我发送 /lang。",
    ),
    Row("lang-private", "private", fixed("/lang zh"), anyone, says("语言已设为中文"), None),
    Row("report", "group", lambda t, a: f"/report {REPORTS[a.key]}", anyone, issue_card, None),
    Row("urgent", "group", lambda t, a: f"/urgent {URGENT[a.key]}", anyone, says("急事"), None),
    Row("issue", "group", fixed("/issue 1"), anyone, says("#1 居民说 · 待处理"), None),
    Row("board", "group", fixed("/board"), anyone, says("问题看板"), None),
    Row("my", "private", fixed("/my"), anyone, says("您反映的问题", "您的报名"), None),
    Row(
        "category",
        "group",
        fixed("/category 1 lighting"),
        may(Action.CATEGORY),
        says("✅ #1 现在的分类是"),
        "⛔ 只有网格员、物业和社区干部可以修改分类。",
    ),
    Row(
        "add",
        "private",
        lambda t, a: f"/add 1 {a.name}看过了",
        may(Action.ADD),  # no actor reported #1 or follows it: roles alone decide
        says("✅ 已补充到 #1"),
        "⛔ 只有 #1 的反映人、点过“我也遇到”的邻居，以及网格员、物业和社区干部可以补充。",
    ),
    Row("body", "group", fixed("/body"), anyone, says("西安村的承办单位：物业、社区"), None),
    Row("week", "group", fixed("/week"), anyone, says("公开上榜"), None),
    Row("week-private", "private", fixed(f"/week {HOME}"), anyone, says("公开上榜 · 西安村"), None),
    Row(
        "body-add",
        "group",
        lambda t, a: f"/body add 单位{a.key}",
        may(Action.EDIT_BODIES),
        says("✅ 单位"),
        "⛔ 只有西安村的社区干部可以修改承办单位名单。",
    ),
    Row(
        "assign",
        "private",  # in the issue's group the answer is the post under its card
        fixed("/assign 1 物业"),
        may(Action.ASSIGN),
        says("交由 物业 承办"),
        "⛔ 只有网格员、物业和社区干部可以指定承办单位。",
    ),
    Row(
        "promise",
        "private",
        lambda t, a: f"/promise 1 {later(30)[:10]}",
        may(Action.PROMISE),  # #1 is assigned to 物业, to no person: roles alone decide
        says("承诺"),
        "⛔ 只有网格员、物业、社区干部和 #1 的承办人可以承诺完成日期。",
    ),
    Row(
        "setfollow",
        "group",
        fixed("/setfollow 10"),
        may(Action.SET_FOLLOW),
        says("✅ 西安村：10 位邻居关注的问题将升为大事"),
        "⛔ 只有西安村的社区干部可以修改。",
    ),
    Row(
        "setsla",
        "group",
        fixed("/setsla 7 14"),
        may(Action.SET_SLA),
        says("✅ 西安村：问题 7 天无进展提醒物业，14 天无进展自动上报。"),
        "⛔ 只有西安村的社区干部可以修改跟进天数。",
    ),
    Row(
        "setsla-private",
        "private",
        fixed(f"/setsla 7 14 {HOME}"),
        may(Action.SET_SLA),
        says("✅ 西安村：问题 7 天无进展提醒物业"),
        "⛔ 只有西安村的社区干部可以修改跟进天数。",
    ),
    Row("activities", "group", fixed("/activities"), anyone, says("#1 亲子定向赛"), None),
    Row(
        "cancel",  # everyone but the resident signed up first (see the test)
        "group",
        fixed("/cancel 1"),
        lambda a: a.key != "resident",
        says("您已取消 #1 的报名。"),
        "您没有报名这个活动。",
    ),
    Row(
        "newactivity",
        "group",
        lambda t, a: f"/newactivity 读书会{a.key} | {later(7)} | 图书角 | 12",
        may(Action.ORGANIZE),
        says("📝 草稿", "将发送到 2 个群"),
        ONLY_ORGANIZERS,
    ),
    Row(
        "newactivity-private",  # in private: the community where one organizes (asked if several)
        "private",
        lambda t, a: f"/newactivity 义诊{a.key} | {later(8)} | 卫生站 | 30",
        may_anywhere(Action.ORGANIZE),
        lambda ans, a: says("📝 草稿")(ans, a) or says("哪个社区？")(ans, a),
        "⛔ 只有邻里中心和社区干部可以创建活动。",
    ),
    Row(
        "roster",
        "private",
        fixed("/roster 1"),
        may(Action.ORGANIZE),
        roster_sent,
        ONLY_ORGANIZERS,
    ),
    Row(
        "roster-group",
        "group",
        fixed("/roster 1"),
        may(Action.ORGANIZE),
        says("名单已私聊发给您。"),
        ONLY_ORGANIZERS,
    ),
    Row(
        "cancelactivity",
        "group",
        lambda t, a: f"/cancelactivity {t.drafts[a.key]} 场地有变",
        may(Action.ORGANIZE),
        says("已取消"),
        ONLY_ORGANIZERS,
    ),
    Row(
        "announce",
        "group",
        fixed("/announce 本周六上午大扫除，欢迎参加"),
        may(Action.ORGANIZE),
        says("✅ 已发送到"),
        ONLY_ORGANIZERS,
    ),
    Row(
        "notice",  # posts G1, G2 (the superadmin's and the official's) for the rows below
        "group",
        fixed("/notice 5 业主委员会筹备组成员名单公示：许惠莲、朱炳兴"),
        may(Action.NOTICE),
        says("✅ 公示 G", "已发布到 2 个群"),
        "⛔ 只有西安村的社区干部可以发布公示。",
    ),
    Row("notices", "group", fixed("/notices"), anyone, says("📢 西安村：正在公示"), None),
    Row(
        "objections",  # private only; the notice's community decides
        "private",
        fixed("/objections G1"),
        may(Action.NOTICE),
        says("✋ 公示 G1「", "：0 条异议"),
        "⛔ 只有该社区的社区干部可以查看公示收到的异议。",
    ),
    Row("votes", "group", fixed("/votes"), anyone, says("西安村目前没有进行中的投票。"), None),
    Row(
        "vote",  # opens P1 and P2 (the superadmin's and the official's) for /closevote below
        "group",
        lambda t, a: f"/vote 围栏刷成什么颜色？{a.key} | 绿色 | 灰色",
        may(Action.VOTE),
        says("✅ 投票 P", "已发到 2 个群"),
        "⛔ 只有西安村的社区干部可以发起和结束投票。",
    ),
    Row(
        "closevote",  # each allowed actor closes one of the two; the others try P1
        "group",
        lambda t, a: "/closevote P2" if a.key == "superadmin" else "/closevote P1",
        may(Action.VOTE),
        says("✅ 投票 P", "已结束，结果已发到 2 个群"),
        "⛔ 只有西安村的社区干部可以发起和结束投票。",
    ),
    Row("meeting", "group", fixed("/meeting"), anyone, says("西安村：下次居民议事会"), None),
    Row(
        "remind",
        "group",
        fixed("/remind on"),
        anyone,
        says("✅ 议事会当天会提醒您参加西安村"),
        None,
    ),
    Row(
        "setmeeting",
        "group",
        fixed("/setmeeting 15 19:30 民情茶角"),
        may(Action.SET_MEETING),
        says("✅ 西安村：居民议事会定于每月 15 日 19:30，地点民情茶角。"),
        "⛔ 只有西安村的社区干部可以设置议事会。",
    ),
    Row(
        "minutes",  # private only; an official keeps the minutes of their own community
        "private",
        fixed("/minutes"),
        may_anywhere(Action.MINUTES),
        minutes_started,
        "⛔ 只有社区干部可以记录议事结果。",
    ),
    Row(
        "visit",  # a draft only (Publish is a button): nothing later rows see
        "group",
        lambda t, a: f"/visit {later(9)} | 活动中心 | #1",
        may(Action.VISIT),
        says("📝 草稿", "将发布到 1 个群"),
        "⛔ 只有西安村的社区干部可以安排接访。",
    ),
    Row(
        "cancelvisit",  # who may is asked before which visit: an unknown one shows it
        "group",
        fixed("/cancelvisit V99"),
        may(Action.VISIT),
        says("没有接访 V99"),
        "⛔ 只有西安村的社区干部可以安排接访。",
    ),
    Row(
        "convene",
        "group",
        lambda t, a: f"/convene 1 {later(9)} 活动中心{a.key}",
        may(Action.CONVENE),
        says("急事立议已发布到 1 个群"),
        "⛔ 只有网格员和社区干部可以召集急事立议。",
    ),
    Row("contacts", "group", fixed("/contacts"), anyone, group_contacts, None),
    Row("contacts-private", "private", fixed("/contacts"), anyone, private_contacts, None),
    Row(
        "addcontact",
        "group",
        lambda t, a: f"/addcontact volunteer 志愿者{a.key} 13700001111 5号楼",
        may(Action.EDIT_CONTACTS),
        says("已加入西安村联系人（志愿者）"),
        ONLY_KEEPERS,
    ),
    Row(
        "removecontact",
        "group",
        lambda t, a: f"/removecontact 志愿者{a.key}",
        may(Action.EDIT_CONTACTS),
        says("西安村联系人"),
        ONLY_KEEPERS,
    ),
    Row(
        "stats",
        "group",
        fixed("/stats"),
        may(Action.STATS),
        stats_sent,
        ONLY_MODERATORS_STATS,
    ),
    Row(
        "health",
        "group",
        fixed("/health"),
        may(Action.HEALTH),
        says("🩺 运行状态", "待发消息"),
        "⛔ 只有超级管理员可以查看运行状态。",
    ),
    Row(
        "health-private",
        "private",
        fixed("/health"),
        may(Action.HEALTH),
        says("🩺 运行状态", "待发消息"),
        "⛔ 只有超级管理员可以查看运行状态。",
    ),
    Row(
        "setup",
        "group",
        fixed(f"/setup {HOME} 第1网格"),
        may(Action.SETUP),
        says("✅ 本群已登记到西安村 · 第1网格。"),
        "⛔ 只有本群管理员可以登记本群。",
    ),
    Row(
        "grant",
        "group",
        fixed("/grant organizer @mx_target"),
        may(Action.GRANT),
        lambda ans, a: says("是西安村的邻里中心")(ans, a),
        ONLY_OFFICIALS_ROLES,
    ),
    Row(
        "grant-private",
        "private",
        fixed(f"/grant organizer @mx_target {HOME}"),
        may(Action.GRANT),
        says("是西安村的邻里中心"),
        ONLY_OFFICIALS_ROLES,
    ),
    Row(
        "revoke",
        "group",
        fixed("/revoke organizer @mx_target"),
        may(Action.GRANT),
        lambda ans, a: says("不再是西安村的邻里中心")(ans, a) or says("无需收回")(ans, a),
        ONLY_OFFICIALS_ROLES,
    ),
)


async def run_row(town: Town, row: Row) -> dict[str, str]:
    """Every actor sends the row's line at once; what each got, or "" when it matches."""
    emu = town.emu
    errors_before = len(emu.errors)
    sent: list[tuple[Actor, Chat, Message]] = []
    for actor in ACTORS:
        user = town.users[actor.key]
        chat = town.home if row.where == "group" else emu.private_chat(user)
        sent.append((actor, chat, await emu.send(user, chat, row.text(town, actor))))
    await town.world.settle()
    outbox = outbox_sent(town.world.settings.db_path)
    wrong: dict[str, str] = {}
    for actor, chat, command in sent:
        if row.where == "group":
            answers = [
                m for m in emu.bot_messages(chat) if m.reply_to_message_id == command.message_id
            ]
        else:
            answers = [
                m
                for m in emu.bot_messages(chat)
                if m.message_id > command.message_id and (chat.id, m.html) not in outbox
            ]
        texts = [m.text or m.caption or "<file>" for m in answers]
        if row.allowed(actor):
            if not row.success(answers, actor):
                wrong[actor.key] = f"should be allowed, got {texts}"
        elif texts != [row.refusal]:
            wrong[actor.key] = f"should be refused with {row.refusal!r}, got {texts}"
        if apologies(answers):
            wrong[actor.key] = f"crashed: {texts}"
    errors = emu.errors[errors_before:]
    if errors:
        wrong["(api)"] = str([str(e) for e in errors])
    return wrong


def table(row: Row, wrong: dict[str, str]) -> str:
    return f"/{row.id}:\n" + "\n".join(f"  {k:15} {v}" for k, v in wrong.items())


@SHARED_LOOP
@pytest.mark.parametrize("row", ROWS, ids=[r.id for r in ROWS])
async def test_who_may_run_the_command(town: Town, row: Row) -> None:
    if row.id == "cancel":
        for actor in ACTORS:
            if actor.key != "resident":
                await town.emu.press(town.users[actor.key], town.card, "报名 1人")
        await town.world.settle()
    wrong = await run_row(town, row)
    assert not wrong, table(row, wrong)


@SHARED_LOOP
async def test_help_lists_what_each_role_may_do_in_the_group(town: Town) -> None:
    """/help in 西安村's group shows each caller the commands open to them there (README)."""
    open_to: dict[str, Callable[[Actor], bool]] = {
        spec.name: (anyone if spec.action is None else may(spec.action))
        for spec in all_commands()
        if Where.GROUP in spec.where
    }
    emu = town.emu
    errors_before = len(emu.errors)
    sent = [(a, await emu.send(town.users[a.key], town.home, "/help")) for a in ACTORS]
    await town.world.settle()
    wrong = {}
    if emu.errors[errors_before:]:
        wrong["(api)"] = str([str(e) for e in emu.errors[errors_before:]])
    for actor, command in sent:
        (answer,) = [
            m for m in emu.bot_messages(town.home) if m.reply_to_message_id == command.message_id
        ]
        listed = listed_commands(answer)
        expected = {c for c, may in open_to.items() if may(actor)}
        if listed != expected:
            wrong[actor.key] = (
                f"missing {sorted(expected - listed)}, extra {sorted(listed - expected)}"
            )
    assert not wrong, wrong


def listed_commands(answer: Message) -> set[str]:
    return set(re.findall(r"^/([a-z]+)", answer.text or "", re.MULTILINE))


@SHARED_LOOP
async def test_help_shows_health_only_to_superadmins(town: Town) -> None:
    emu = town.emu
    sent = []
    for actor in ACTORS:
        user = town.users[actor.key]
        for chat in (town.home, emu.private_chat(user)):
            sent.append((actor, chat, await emu.send(user, chat, "/help")))
    await town.world.settle()
    shown_to = set()
    for actor, chat, command in sent:
        answers = [m for m in emu.bot_messages(chat) if m.message_id > command.message_id]
        if any("health" in listed_commands(m) for m in answers[:1]):
            shown_to.add(actor.key)
    assert shown_to == {"superadmin"}


def test_the_matrix_covers_every_other_command() -> None:
    rows = {r.id.split("-")[0] for r in ROWS}
    assert {c.name for c in all_commands()} - ISSUE_MATRIX - rows == set()
