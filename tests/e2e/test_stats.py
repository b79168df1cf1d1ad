"""/stats end to end: a seeded month checked against figures computed by hand, the chart sent as a
photo where it was asked, and the refusals (residents, bad months, no community)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.activities.store import NewActivity
from bot.core.db import utcnow
from bot.issues.rules.states import Command, Who
from bot.issues.store import Created, NewIssue
from bot.stats.store import Month
from emulator import Message
from tests.conftest import World
from tests.e2e.test_issues import Grid8, grid8

SH = ZoneInfo("Asia/Shanghai")  # MULIN_TZ's default: the month is the local calendar month
PNG = b"\x89PNG\r\n\x1a\n"
MODERATOR = Who(frozenset({"grid"}))
SYSTEM = Who(frozenset(), system=True)


def local(text: str) -> datetime:
    """'2025-03-01 00:30' in Shanghai time."""
    return datetime.fromisoformat(text).replace(tzinfo=SH)


async def seed(world: World, g: Grid8) -> None:
    """Issues and sign-ups of February and March 2025 in 西安村, with times at the edges.

    March 2025, by hand (Shanghai time):
      A lighting  grid 8  raised 03-01 00:30 (16:30 UTC the day before), closed 03-04, reopened,
                          closed again 03-08 12:30: resolved once, in 7.5 days
      B lighting  grid 8  raised 03-02 10:00, escalated 03-05, closed 03-12 10:00: 10.0 days
      C parking   grid 9  raised 03-03 09:00, rejected 03-03
      D parking   grid 9  raised 03-10 08:00, escalated by the follow-up job 03-24
      E noise     grid 8  raised 03-20 20:00, duplicate of D 03-21 (rejected)
      F sanitation grid 8 raised 03-31 23:30 (15:30 UTC): still March locally
      G lighting  grid 8  raised 02-10 09:00 (February), closed 03-01 09:00: 19.0 days
      H drainage  grid 9  raised 02-28 23:30 (February), escalated 03-02
    February 2025:
      I lighting  grid 8  raised 02-05 10:00, closed 02-07 10:00: 2.0 days
      J noise     grid 8  raised 02-14 10:00, rejected 02-15
      (G and H raised)
    Outside: K raised 04-01 00:10 (April); L raised in March in another community.

    March: raised 6 (A–F), resolved 3 (A, B, G), escalated 3 (B, D, H), rejected 2 (C, E),
    median days to resolve 10.0 (7.5, 10.0, 19.0).
    February: raised 4 (G, H, I, J), resolved 1 (I), escalated 0, rejected 1 (J), median 2.0.
    Sign-ups: March 2 (parties 2 and 3: 5 people; a third, cancelled, does not count; one in
    another community does not count); February 1 (1 person).
    """
    assert world.app is not None
    services = world.app.bot_data
    storage, issues = services.registry, services.issues
    grid_8 = storage.chat_grid(g.group.id)
    assert grid_8 is not None
    admin = world.superadmin().id
    grid_9 = (await storage.register_chat(-100909, "西安村", "第9网格", admin)).grid
    other = (await storage.register_chat(-100910, "鸿塔社区", "第1网格", admin)).grid
    reporters = [g.amei, g.bo, g.chen]
    numbers: dict[str, int] = {}

    async def raise_(key: str, category: str, grid_id: int, at: str, community: int = 0) -> None:
        new = NewIssue(
            reporters[len(numbers) % 3].id,
            community or grid_8.community_id,
            grid_id,
            None,
            f"问题 {key}",
            category,
        )
        created = await issues.create(
            new, now=local(at), compose=lambda e: [], check_rate=False, check_duplicates=False
        )
        assert isinstance(created, Created)
        numbers[key] = created.issue.id

    async def act(key: str, command: Command, at: str, *, dup_of: str | None = None) -> None:
        who = SYSTEM if command is Command.AUTO_ESCALATE else MODERATOR
        await issues.apply(
            numbers[key],
            command,
            lambda issue: who,
            actor_id=None if who is SYSTEM else g.lin.id,
            now=local(at),
            compose=lambda e: [],
            note="说明",
            dup_of=numbers[dup_of] if dup_of else None,
        )
        issue = await issues.get(numbers[key])
        assert issue is not None and issue.history[-1].action == command.value

    await raise_("I", "lighting", grid_8.id, "2025-02-05 10:00")
    await act("I", Command.CLOSE, "2025-02-07 10:00")
    await raise_("G", "lighting", grid_8.id, "2025-02-10 09:00")
    await raise_("J", "noise", grid_8.id, "2025-02-14 10:00")
    await act("J", Command.REJECT, "2025-02-15 10:00")
    await raise_("H", "drainage", grid_9.id, "2025-02-28 23:30")
    await raise_("A", "lighting", grid_8.id, "2025-03-01 00:30")
    await act("G", Command.CLOSE, "2025-03-01 09:00")
    await raise_("B", "lighting", grid_8.id, "2025-03-02 10:00")
    await act("H", Command.ESCALATE, "2025-03-02 11:00")
    await raise_("C", "parking", grid_9.id, "2025-03-03 09:00")
    await act("C", Command.REJECT, "2025-03-03 18:00")
    await act("A", Command.CLOSE, "2025-03-04 12:30")
    await act("B", Command.ESCALATE, "2025-03-05 10:00")
    await raise_("L", "lighting", other.id, "2025-03-05 10:00", community=other.community_id)
    await act("A", Command.REOPEN, "2025-03-06 09:00")
    await act("A", Command.CLOSE, "2025-03-08 12:30")
    await raise_("D", "parking", grid_9.id, "2025-03-10 08:00")
    await act("B", Command.CLOSE, "2025-03-12 10:00")
    await raise_("E", "noise", grid_8.id, "2025-03-20 20:00")
    await act("E", Command.DUP, "2025-03-21 10:00", dup_of="D")
    await act("D", Command.AUTO_ESCALATE, "2025-03-24 08:00")
    await raise_("F", "sanitation", grid_8.id, "2025-03-31 23:30")
    await raise_("K", "other", grid_8.id, "2025-04-01 00:10")

    activities = services.activities

    async def activity(community_id: int) -> int:
        draft = await activities.create_draft(
            NewActivity(
                community_id, "亲子手工", local("2025-04-20 09:00"), "党群活动中心", 30, admin, 3
            ),
            now=local("2025-02-01 09:00"),
        )
        await activities.publish(
            draft.id,
            lambda a: [],
            now=local("2025-02-01 09:00"),
            compose=lambda c: [],
            may=lambda a: True,
        )
        return draft.id

    ours, theirs = await activity(grid_8.community_id), await activity(other.community_id)
    for who, party, at, aid in (
        (g.amei, 1, "2025-02-20 10:00", ours),
        (g.bo, 2, "2025-03-05 10:00", ours),
        (g.chen, 3, "2025-03-06 10:00", ours),
        (g.yang, 1, "2025-03-07 10:00", ours),
        (g.amei, 2, "2025-03-07 10:00", theirs),
    ):
        await activities.sign_up(aid, who.id, party, now=local(at), compose=lambda c: [])
    await activities.cancel_signup(
        ours, g.yang.id, now=local("2025-03-08 10:00"), compose=lambda c: []
    )


EXPECTED_ZH = """\
📊 西安村 · 2025年3月 统计
括号内为与2025年2月相比的变化。

📥 新增问题：6（+2）
✅ 已解决：3（+2）
⬆️ 已上报：3（+3）
🚫 已驳回：2（+1）
⏱ 解决用时中位数：10.0 天（+8.0）
🙋 活动报名：2（+1）
👥 报名人数：5（+4）

按类别 · 新增 / 解决 / 上报 / 驳回
🔌 停车充电：2（+2） / 0（±0） / 1（+1） / 1（+1）
💡 路灯照明：2（±0） / 3（+2） / 1（+1） / 0（±0）
🚰 排水管网：0（−1） / 0（±0） / 1（+1） / 0（±0）
🧹 环境卫生：1（+1） / 0（±0） / 0（±0） / 0（±0）
🔊 噪音：1（±0） / 0（±0） / 0（±0） / 1（±0）

按网格 · 新增 / 解决 / 上报 / 驳回
第8网格：4（+1） / 3（+2） / 1（+1） / 1（±0）
第9网格：2（+1） / 0（±0） / 2（+2） / 1（+1）"""


def assert_chart(message: Message) -> bytes:
    assert message.photo is not None, message.text
    data = message.photo.data
    assert data.startswith(PNG)
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert 600 <= width <= 2000 and 600 <= height <= 3000  # a readable picture, within limits
    return data


async def test_stats_of_a_seeded_month_in_the_group(world: World) -> None:
    g = await grid8(world)
    await seed(world, g)
    replies = await world.say(g.chen, g.group, "/stats 2025-03")
    assert len(replies) == 2, [m.text for m in replies]
    text, photo = replies
    assert text.text == EXPECTED_ZH
    assert "<b>按类别</b>" in (text.html or "")
    assert photo is world.emu.bot_messages(g.group)[-1]  # the chart comes after the text
    assert_chart(photo)
    assert photo.caption == "📊 西安村 · 2025年3月"
    assert photo.reply_to_message_id == text.reply_to_message_id  # both answer the command

    # February against January: the change is against an empty month
    feb = (await world.say(g.lin, g.group, "/stats 2025-2"))[0].text or ""
    assert "📥 新增问题：4（+4）" in feb and "✅ 已解决：1（+1）" in feb
    assert "⏱ 解决用时中位数：2.0 天" in feb.splitlines()  # nothing to compare with in January
    assert "👥 报名人数：1（+1）" in feb and "🚫 已驳回：1（+1）" in feb


async def test_stats_in_private_and_in_english(world: World) -> None:
    g = await grid8(world)
    await seed(world, g)
    # property staff of one community: /stats in private is about that community
    mine = await world.say(g.yang, world.emu.private_chat(g.yang), "/stats 2025-03")
    assert mine[0].text == EXPECTED_ZH
    assert_chart(mine[1])
    # a superadmin (two communities now) names the community, before or after the month
    admin = world.superadmin()
    named = await world.say(admin, world.emu.private_chat(admin), "/stats 鸿塔社区 2025-03")
    lines = (named[0].text or "").splitlines()
    assert lines[0] == "📊 鸿塔社区 · 2025年3月 统计"
    assert "📥 新增问题：1（+1）" in lines and "🙋 活动报名：1（+1）" in lines
    assert "👥 报名人数：2（+2）" in lines and "⏱ 解决用时中位数：本月无已解决问题" in lines
    assert_chart(named[1])

    english = world.person("Grace", username="grace_grid", lang="en")
    await world.emu.send(english, g.group, "hello")
    await world.say(world.superadmin(), g.group, "/grant grid @grace_grid")
    replies = await world.say(english, world.emu.private_chat(english), "/stats 2025-03")
    lines = (replies[0].text or "").splitlines()
    assert lines[0] == "📊 Statistics · 西安村 · March 2025"
    assert lines[1] == "In brackets: the change against February 2025."
    assert "📥 Issues raised: 6 (+2)" in lines
    assert "⏱ Median time to resolve: 10.0 days (+8.0)" in lines
    assert "💡 Lighting: 2 (±0) / 3 (+2) / 1 (+1) / 0 (±0)" in lines
    assert replies[1].caption == "📊 西安村 · March 2025"
    assert_chart(replies[1])


async def test_stats_without_an_argument_is_this_month(world: World) -> None:
    g = await grid8(world)
    await world.say(g.amei, g.group, "/report 3号楼路灯不亮")
    replies = await world.say(g.lin, g.group, "/stats")
    now = utcnow().astimezone(SH)
    month = Month(now.year, now.month)
    assert (replies[0].text or "").startswith(f"📊 西安村 · {now.year}年{now.month}月 统计")
    assert "📥 新增问题：1（+1）" in (replies[0].text or "")
    assert f"括号内为与{month.previous.year}年{month.previous.month}月相比的变化。" in (
        replies[0].text or ""
    )
    assert_chart(replies[1])


async def test_stats_refusals(world: World) -> None:
    g = await grid8(world)
    refused = await world.say_one(g.amei, g.group, "/stats")
    assert refused.text == "⛔ 只有西安村的网格员、物业和社区干部可以查看统计。"
    refused = await world.say_one(g.amei, g.group, "/stats 2025-03")
    assert refused.text == "⛔ 只有西安村的网格员、物业和社区干部可以查看统计。"

    for bad in ("2025-13", "abc", "2025-03 2025-04"):
        answer = await world.say_one(g.chen, g.group, f"/stats {bad}")
        assert (answer.text or "").startswith(f"⚠️ “{bad}”不是月份"), answer.text
        assert "请这样写：/stats 2026-03" in (answer.text or "")
    now = utcnow().astimezone(SH)
    coming = Month(now.year, now.month).next
    answer = await world.say_one(g.chen, g.group, f"/stats {coming}")
    assert answer.text == (
        f"⚠️ {coming.year}年{coming.month}月还没有开始。\n请这样写：/stats 2026-03"
    )
    answer = await world.say_one(g.chen, g.group, "/stats 2999-01")
    assert (answer.text or "").startswith("⚠️ 2999年1月还没有开始。")

    # in private, a resident holds no role anywhere: refused, even naming the community
    private = world.emu.private_chat(g.amei)
    answer = await world.say_one(g.amei, private, "/stats")
    assert answer.text == "⛔ 统计只对网格员、物业和社区干部开放。"
    answer = await world.say_one(g.amei, private, "/stats 西安村")
    assert answer.text == "⛔ 只有西安村的网格员、物业和社区干部可以查看统计。"

    # a superadmin with several communities must name one
    admin = world.superadmin()
    assert world.app is not None
    await world.app.bot_data.registry.register_chat(-100910, "鸿塔社区", "第1网格", admin.id)
    answer = await world.say_one(admin, world.emu.private_chat(admin), "/stats 2025-03")
    assert answer.text == "⚠️ 请在网格群里发送，或加上社区名。\n请这样写：/stats 2026-03 西安村"

    # an unregistered group
    loose = await world.group("没登记的群", admin=g.chen)
    answer = await world.say_one(g.chen, loose, "/stats")
    assert "还没有登记" in (answer.text or "")
    assert not any(m.photo for m in world.emu.bot_messages(g.group))
