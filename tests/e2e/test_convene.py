"""/convene end to end (急事立议): an urgent meeting on one issue, published at once in its group
and privately to every other moderator, its reporter and followers; the issue becomes urgent;
its reminders follow the visit rules; refusals; a redelivered command has one effect."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.core.db import utcnow
from bot.visits import rules
from bot.visits.jobs import run_visit_reminders
from tests.conftest import World
from tests.e2e.test_issues import Grid8, grid8, report
from tests.e2e.test_visits import SH, ahead, texts


async def reported(world: World) -> Grid8:
    """#1 open, reported by 阿美 and followed by 阿波; #2 resolved."""
    g = await grid8(world)
    card = await report(world, g.amei, g.group, "5号楼电梯经常停运，老人上下楼困难")
    await world.press(g.bo, card, "🙋 我也遇到")
    await report(world, g.bo, g.group, "3号楼路灯不亮")
    await world.say(g.lin, g.group, "/close 2 已更换灯泡")
    return g


async def test_convene_announces_at_once_and_makes_the_issue_urgent(world: World) -> None:
    g = await reported(world)
    start = ahead(2, 19)
    answers = await world.say(g.lin, g.group, f"/convene 1 {start:%Y-%m-%d %H:%M} 5号楼架空层")
    assert len(answers) == 2, [m.text for m in answers]
    confirm, post = answers
    assert (confirm.text or "").startswith("✅ 🚨 V1 急事立议已发布到 1 个群。")
    assert "已私聊通知 4 人。" in (confirm.text or "")  # 杨春英, 陈书记, 阿美, 阿波
    text = post.text or ""
    assert text.startswith("🚨 V1 急事立议\n西安村：召集急事立议。") and "📍 5号楼架空层" in text
    assert "#1 5号楼电梯经常停运" in text and "🚨 急事" in text
    for user in (g.yang, g.chen, g.amei, g.bo):
        assert sum("🚨 V1 急事立议" in t for t in texts(world, user)) == 1, user.first_name
    assert not any("急事立议" in t for t in texts(world, g.lin))  # who convened it
    # the issue is urgent: card, /issue, and no second alert of /priority's
    card = next(m for m in world.emu.bot_messages(g.group) if (m.text or "").startswith("#1 "))
    shown = await world.say_one(g.amei, g.group, "/issue 1")
    assert "急事" in (shown.text or "") and "急事" in (
        world.emu.message(g.group, card.message_id).text or ""
    )
    for user in (g.yang, g.chen):
        assert len([t for t in texts(world, user) if "#1" in t]) == 1, user.first_name

    # its reminders follow the visit rules, also to the reporter and follower
    services = world.running_app.bot_data
    eve = start - timedelta(days=1)
    assert (
        await run_visit_reminders(services, datetime(eve.year, eve.month, eve.day, 9, 0, tzinfo=SH))
        == 1
    )
    assert await run_visit_reminders(services, start - timedelta(hours=1)) == 1
    await world.settle()
    assert sum("⏰" in t for t in texts(world, g.bo)) == 2
    shown = await world.say_one(g.amei, g.group, "/meeting")
    assert "🚨 V1 急事立议" in (shown.text or "")


async def test_a_bare_time_is_today_or_tomorrow_and_only_reminders_ahead_go(world: World) -> None:
    g = await reported(world)
    now = utcnow().astimezone(SH)
    clock = (now + timedelta(hours=3)).strftime("%H:%M")
    expected = rules.parse_clock(clock, utcnow(), SH)
    assert expected is not None
    _confirm, post = await world.say(g.chen, g.group, f"/convene #1 {clock} 5号楼架空层")
    assert world.running_app.bot_data.settings.tz.key == "Asia/Shanghai"
    when = world.running_app.bot_data.catalogs.get("zh_CN").when(expected)
    assert when in (post.text or ""), (when, post.text)
    # announced less than a day ahead: the day-before reminder is already past, never sent
    services = world.running_app.bot_data
    assert await run_visit_reminders(services, expected - timedelta(hours=2)) == 0
    assert await run_visit_reminders(services, expected - timedelta(minutes=59)) == 1
    assert await run_visit_reminders(services, expected - timedelta(minutes=58)) == 0


async def test_convene_refusals(world: World) -> None:
    g = await reported(world)
    start = ahead(2, 19)
    when = f"{start:%Y-%m-%d %H:%M}"
    for user in (g.amei, g.yang):  # a resident; property staff
        refused = await world.say_one(user, g.group, f"/convene 1 {when} 5号楼架空层")
        assert (refused.text or "") == "⛔ 只有网格员和社区干部可以召集急事立议。", user.first_name
    past = (utcnow() - timedelta(days=1)).astimezone(SH)
    for text, expected in [
        ("/convene", "请写问题编号"),
        ("/convene 电梯", "请写问题编号"),
        ("/convene 99 19:30 架空层", "没有 #99"),
        ("/convene 1 晚上 架空层", "时间请写成 时:分 或 年-月-日 时:分"),
        ("/convene 1 25:00 架空层", "时间请写成 时:分"),
        ("/convene 1 19:30", "地点为 1 到 50 个字"),
        (f"/convene 1 19:30 {'长' * 51}", "地点为 1 到 50 个字"),
        (f"/convene 1 {past:%Y-%m-%d %H:%M} 架空层", "这个时间已经过去了"),
        (f"/convene 2 {when} 架空层", "#2 既不是待处理也不是已上报的问题"),
    ]:
        answer = (await world.say_one(g.lin, g.group, text)).text or ""
        assert expected in answer and "请这样写" in answer, (text, answer)
    assert not any("急事立议" in t for t in texts(world, g.amei))


async def test_a_redelivered_convene_has_one_effect(world: World) -> None:
    g = await reported(world)
    start = ahead(2, 19)
    await world.say(g.lin, g.group, f"/convene 1 {start:%Y-%m-%d %H:%M} 5号楼架空层")
    world.emu.redeliver(max(world.emu.update_queue.history))
    await world.settle()
    assert sum(t.startswith("🚨 V1") for t in texts(world, g.group)) == 1
    assert sum(t.startswith("✅ 🚨 V1") for t in texts(world, g.group)) == 1  # one reply
    assert not any("V2" in t for t in texts(world, g.group))
    assert sum("🚨 V1" in t for t in texts(world, g.amei)) == 1
