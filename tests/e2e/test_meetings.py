"""The monthly meeting end to end: the reminder with its agenda, sent once a month even across
restarts, late until the meeting starts; /meeting, /setmeeting, /remind and /minutes."""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

from bot.core.db import utcnow
from bot.meetings import rules
from bot.meetings.jobs import run_meeting_reminder
from tests.conftest import World
from tests.e2e.test_issues import Grid8, grid8, report

SH = ZoneInfo("Asia/Shanghai")


def private_texts(world: World, user: object) -> list[str]:
    return [m.text or "" for m in world.emu.bot_messages(world.emu.private_chat(user))]  # type: ignore[arg-type]


async def with_agenda(world: World) -> Grid8:
    """#1 escalated, #2 open and major: on the agenda; #3 open minor and #4 resolved: not."""
    g = await grid8(world)
    await report(world, g.amei, g.group, "海景湾二期没有电动车充电桩，大家只能飞线充电")
    await report(world, g.bo, g.group, "停车场出入口与报恩路交汇，存在安全隐患")
    await report(world, g.chen, g.group, "楼道里有小广告")
    await report(world, g.amei, g.group, "3号楼路灯不亮")
    await world.say(g.yang, g.group, "/escalate 1 需要镇村协调场地")
    await world.say(g.lin, g.group, "/priority 2 major")
    await world.say(g.lin, g.group, "/close 4 已更换灯泡")
    return g


def community_id(world: World, g: Grid8) -> int:
    assert world.app is not None
    grid = world.app.bot_data.registry.chat_grid(g.group.id)
    assert grid is not None
    return grid.community_id


def on_the_15th(hour: int, minute: int = 0, months: int = 1) -> datetime:
    """A moment on the 15th of a coming month, local time."""
    now = utcnow().astimezone(SH)
    index = now.year * 12 + now.month - 1 + months
    return datetime(index // 12, index % 12 + 1, 15, hour, minute, tzinfo=SH)


async def test_the_reminder_carries_the_agenda_and_goes_out_once(world: World) -> None:
    g = await with_agenda(world)
    await world.say(g.bo, world.emu.private_chat(g.bo), "/remind on")
    cid = community_id(world, g)
    assert world.app is not None
    services = world.app.bot_data

    assert not await run_meeting_reminder(services, cid, on_the_15th(8, 59))  # too early
    assert await run_meeting_reminder(services, cid, on_the_15th(9, 0))
    await world.settle()
    reminder = world.emu.last_bot_message(g.group)
    text = reminder.text or ""
    assert text.startswith("🍵 西安村：今天 19:30 召开居民议事会")
    assert "📍 民情茶角" in text and "议题（2 项）" in text
    assert "#1 海景湾二期没有电动车充电桩" in text and "第8网格 · 已上报" in text
    assert "#2 停车场出入口与报恩路交汇" in text and "大事" in text
    assert "#3" not in text and "#4" not in text
    # role holders and residents who chose /remind on get it privately; others do not
    for user in (g.lin, g.yang, g.chen, g.bo):
        assert any("召开居民议事会" in t for t in private_texts(world, user)), user.first_name
    assert not any("召开居民议事会" in t for t in private_texts(world, g.amei))
    assert not any("召开居民议事会" in t for t in private_texts(world, world.superadmin()))

    # once per community and month: again, later that day, and after a restart
    assert not await run_meeting_reminder(services, cid, on_the_15th(12, 0))
    await world.restart_bot()
    assert world.app is not None
    assert not await run_meeting_reminder(world.app.bot_data, cid, on_the_15th(18, 0))
    # the next month's meeting gets its own
    assert await run_meeting_reminder(world.app.bot_data, cid, on_the_15th(9, 30, months=2))


async def test_a_missed_reminder_goes_out_late_until_the_meeting_starts(world: World) -> None:
    g = await with_agenda(world)
    cid = community_id(world, g)
    assert world.app is not None
    services = world.app.bot_data
    assert not await run_meeting_reminder(services, cid, on_the_15th(19, 30))  # started: too late
    assert await run_meeting_reminder(services, cid, on_the_15th(19, 29))  # late but in time


async def test_jobs_are_registered_for_the_next_reminder(world: World) -> None:
    g = await with_agenda(world)
    cid = community_id(world, g)
    assert world.app is not None and world.app.job_queue is not None
    jobs = world.app.job_queue.get_jobs_by_name(f"meeting:{cid}")
    assert len(jobs) == 1 and jobs[0].next_t is not None
    expected = rules.next_reminder(utcnow(), 15, time(19, 30), SH)
    assert abs((jobs[0].next_t - expected).total_seconds()) < 5

    done = await world.say_one(g.chen, g.group, "/setmeeting 31 20:00 海景湾党群活动中心")
    assert "每月 31 日 20:00，地点海景湾党群活动中心" in (done.text or "")
    jobs = world.app.job_queue.get_jobs_by_name(f"meeting:{cid}")
    assert len(jobs) == 1 and jobs[0].next_t is not None
    expected = rules.next_reminder(utcnow(), 31, time(20, 0), SH)
    assert abs((jobs[0].next_t - expected).total_seconds()) < 5
    local = expected.astimezone(SH)
    assert (local.hour, local.minute) == (9, 0) and local.day >= 28  # the month's last day
    shown = await world.say_one(g.amei, g.group, "/meeting")
    assert "下次居民议事会" in (shown.text or "") and "海景湾党群活动中心" in (shown.text or "")
    assert "议题（2 项）" in (shown.text or "")


async def test_setmeeting_and_remind_refusals(world: World) -> None:
    g = await grid8(world)
    refused = await world.say_one(g.lin, g.group, "/setmeeting 15 19:30 民情茶角")
    assert "只有西安村的社区干部可以设置议事会" in (refused.text or "")
    for text, expected in [
        ("/setmeeting", "现在：每月 15 日 19:30，民情茶角"),
        ("/setmeeting 32 19:30 茶角", "日期为 1 到 31"),
        ("/setmeeting 15 25:00 茶角", "时间请写成 时:分"),
        ("/setmeeting 15 19:30 " + "长" * 51, "地点为 1 到 50 个字"),
    ]:
        reply = await world.say_one(g.chen, g.group, text)
        assert expected in (reply.text or "") and "请这样写" in (reply.text or ""), text
    bad = await world.say_one(g.amei, g.group, "/remind maybe")
    assert "请写 on（开启）或 off（关闭）" in (bad.text or "")
    on = await world.say_one(g.amei, g.group, "/remind on")
    assert "议事会当天会提醒您参加西安村的每月议事会" in (on.text or "")
    off = await world.say_one(g.lin, g.group, "/remind off")
    assert "不再提醒西安村的每月议事会" in (off.text or "")
    assert world.app is not None
    subscribers = await world.app.bot_data.meetings.subscribers(community_id(world, g))
    assert g.amei.id in subscribers and g.lin.id not in subscribers and g.yang.id in subscribers


async def test_minutes_walk_the_agenda(world: World) -> None:
    g = await with_agenda(world)
    refused = await world.say_one(g.amei, world.emu.private_chat(g.amei), "/minutes")
    assert "只有社区干部可以记录议事结果" in (refused.text or "")
    in_group = await world.say_one(g.chen, g.group, "/minutes")
    assert "这个功能请私聊我使用" in (in_group.text or "")

    dm = world.emu.private_chat(g.chen)
    item = await world.say_one(g.chen, dm, "/minutes")
    assert "议事会记录</b>" not in (item.text or "") and "第 1/2 项" in (item.text or "")
    assert "#1 物业说 · 已上报" in (item.text or "")
    assert item.labels() == ["✅ 按议定方案办结", "⏭ 下月再议", "🚫 驳回"]
    forged = await world.emu.press_data(g.amei, item, f"min:{community_id(world, g)}:1:close")
    await world.settle()
    assert forged.show_alert and "只有社区干部" in (forged.text or "")

    await world.press(g.chen, item, "✅ 按议定方案办结")
    prompt = world.emu.last_bot_message(dm)
    assert "请回复这条消息，写上 #1 的解决方案" in (prompt.text or "")
    replies = await world.say(g.chen, dm, "在2期外围报恩路搭建雨棚并安装充电桩", reply_to=prompt)
    nxt = replies[-1]
    assert "第 2/2 项" in (nxt.text or "") and "#2 居民说 · 待处理" in (nxt.text or "")
    # the decision is on the 社区说 board, in the group and with the reporter
    post = world.emu.last_bot_message(g.group)
    assert (post.text or "").startswith("#1 社区说 · 已解决")
    assert any("真的解决了吗" in t for t in private_texts(world, g.amei))

    await world.press(g.chen, nxt, "⏭ 下月再议")
    done = world.emu.last_bot_message(dm)
    assert "议题已全部议定" in (done.text or "")
    note = world.emu.last_bot_message(g.group)
    assert "议事会决定：下月再议" in (note.text or "")
    again = await world.say_one(g.chen, dm, "/minutes")
    assert "议题已全部议定" in (again.text or "")
    shown = await world.say_one(g.amei, g.group, "/meeting")
    assert "议题（1 项）" in (shown.text or "")  # #2 stays on next month's agenda
