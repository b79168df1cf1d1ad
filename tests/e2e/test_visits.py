"""Visits (接访进小区) end to end: the one-line /visit, its preview and Publish, the reminders
(09:00 the day before, an hour before; each once, across a restart, late only while sensible),
/cancelvisit, /meeting's list, the refusals, and /minutes on a visit that started."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.core.db import utcnow
from bot.visits.jobs import run_visit_reminders
from bot.visits.service import VisitService
from emulator import Chat, Message, User
from tests.conftest import World
from tests.e2e.test_issues import Grid8, grid8, report

SH = ZoneInfo("Asia/Shanghai")
PLACE = "海景湾党群活动中心"


def texts(world: World, chat: Chat | User) -> list[str]:
    target = chat if isinstance(chat, Chat) else world.emu.private_chat(chat)
    return [m.text or "" for m in world.emu.bot_messages(target)]


def ahead(days: int, hour: int = 15) -> datetime:
    """A moment `days` local days from now at `hour`:00: always ahead, whatever the hour."""
    day = (utcnow().astimezone(SH) + timedelta(days=days)).date()
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=SH)


def line(start: datetime, agenda: str = "#1 #2", extra: str = "") -> str:
    return f"/visit {start:%Y-%m-%d %H:%M} | {PLACE} | {agenda}{extra}"


async def with_issues(world: World) -> tuple[Grid8, Chat, Message]:
    """#1 escalated (阿美 reports, 阿波 follows), #2 open, #3 resolved; #4 in 第9网格's group."""
    g = await grid8(world)
    card = await report(world, g.amei, g.group, "海景湾二期没有电动车充电桩，大家只能飞线充电")
    await world.press(g.bo, card, "🙋 我也遇到")
    await report(world, g.bo, g.group, "停车场出入口与报恩路交汇，存在安全隐患")
    await report(world, g.amei, g.group, "3号楼路灯不亮")
    await world.say(g.lin, g.group, "/escalate 1 需要镇村协调场地")
    await world.say(g.lin, g.group, "/close 3 已更换灯泡")
    other = await world.registered_group("海景湾一期 · 第9网格群", "西安村", "第9网格")
    await report(world, world.superadmin(), other, "一期东门道闸坏了")
    return g, other, card


async def publish(world: World, g: Grid8, start: datetime, agenda: str = "#1 #2") -> Message:
    dm = world.emu.private_chat(g.chen)
    preview = await world.say_one(g.chen, dm, line(start, agenda))
    assert (await world.press(g.chen, preview, "📣 发布")).text is None
    return world.emu.last_bot_message(dm)


async def test_a_visit_is_previewed_then_published_in_its_grids_groups(world: World) -> None:
    g, other, _ = await with_issues(world)
    start = ahead(10)
    dm = world.emu.private_chat(g.chen)
    preview = await world.say_one(g.chen, dm, line(start, extra=" | 海景湾二期接访"))
    text = preview.text or ""
    assert text.startswith("📝 草稿") and "海景湾二期接访" in text and PLACE in text
    assert "议题（2 项）" in text and "#1 海景湾二期没有电动车充电桩" in text and "已上报" in text
    assert "#2 停车场出入口" in text and "将发布到 1 个群。" in text
    assert preview.labels() == ["📣 发布", "✖ 放弃"]
    assert not any("海景湾二期接访" in t for t in texts(world, g.group))  # nothing before Publish

    forged = await world.press(g.lin, preview, "📣 发布")  # a grid worker may not publish it
    assert forged.show_alert and "只有社区干部可以安排接访" in (forged.text or "")
    await world.press(g.chen, preview, "📣 发布")
    done = world.emu.last_bot_message(dm)
    assert (done.text or "").startswith("✅ 🏘 V1 海景湾二期接访已发布到 1 个群")
    post = world.emu.last_bot_message(g.group).text or ""
    assert post.startswith("🏘 V1 海景湾二期接访\n西安村：社区干部进小区")
    assert "#1 海景湾二期没有电动车充电桩" in post and "#2 停车场出入口" in post
    assert not any("V1" in t for t in texts(world, other))  # not its grid
    assert preview.labels() == []  # the preview lost its buttons; an old press publishes nothing
    again = await world.emu.press_data(g.chen, preview, "vis:pub:1")
    await world.settle()
    assert "已经发布或放弃" in (again.text or "")
    assert sum("🏘 V1" in t for t in texts(world, g.group)) == 1

    # the next one is V2; /meeting lists both after the monthly meeting
    await publish(world, g, ahead(12), "#2")
    shown = await world.say_one(g.amei, g.group, "/meeting")
    text = shown.text or ""
    assert text.index("下次居民议事会") < text.index("西安村：近期接访")
    assert "🏘 V1 海景湾二期接访" in text and "🏘 V2 接访进小区" in text and "#1 #2" in text


async def test_the_reminders_go_once_each_across_a_restart(world: World) -> None:
    g, _, _ = await with_issues(world)
    start = ahead(10)
    await publish(world, g, start)
    services = world.running_app.bot_data
    eve = start - timedelta(days=1)
    day_before = datetime(eve.year, eve.month, eve.day, 9, 0, tzinfo=SH)
    assert await run_visit_reminders(services, day_before - timedelta(minutes=1)) == 0
    assert await run_visit_reminders(services, day_before) == 1
    await world.settle()
    reminder = world.emu.last_bot_message(g.group).text or ""
    assert reminder.startswith("⏰ 提醒：🏘 V1 接访进小区将于") and "#1 海景湾二期" in reminder
    # privately to the reporters and followers of its agenda, not to the others
    for user in (g.amei, g.bo):
        assert sum("⏰ 提醒：🏘 V1" in t for t in texts(world, user)) == 1, user.first_name
    for user in (g.lin, g.yang, g.chen):
        assert not any("⏰" in t for t in texts(world, user)), user.first_name

    assert await run_visit_reminders(services, day_before + timedelta(hours=3)) == 0
    await world.restart_bot()
    services = world.running_app.bot_data
    assert await run_visit_reminders(services, day_before + timedelta(hours=5)) == 0
    hour_before = start - timedelta(hours=1)
    assert await run_visit_reminders(services, hour_before) == 1
    await world.settle()
    assert (world.emu.last_bot_message(g.group).text or "").startswith("⏰ 🏘 V1 接访进小区即将开始")
    await world.restart_bot()
    services = world.running_app.bot_data
    assert await run_visit_reminders(services, hour_before + timedelta(minutes=30)) == 0
    assert await run_visit_reminders(services, start) == 0
    await world.settle()
    assert sum("即将开始" in t for t in texts(world, g.amei)) == 1


async def test_a_missed_reminder_goes_late_only_while_it_makes_sense(world: World) -> None:
    g, _, _ = await with_issues(world)
    start = ahead(10)
    await publish(world, g, start)
    services = world.running_app.bot_data
    # the bot was down from the day before until 70 minutes before: the day's goes out late
    assert await run_visit_reminders(services, start - timedelta(minutes=70)) == 1
    assert await run_visit_reminders(services, start - timedelta(minutes=50)) == 1  # the hour's
    await world.settle()
    group = texts(world, g.group)
    assert sum("⏰ 提醒" in t for t in group) == 1 and sum("即将开始" in t for t in group) == 1

    second = ahead(11)
    await publish(world, g, second, "#2")
    # down until 30 minutes before: the day-before one is stale and never sent
    assert await run_visit_reminders(services, second - timedelta(minutes=30)) == 1
    assert await run_visit_reminders(services, second - timedelta(minutes=29)) == 0
    await world.settle()
    group = texts(world, g.group)
    assert not any("⏰ 提醒：🏘 V2" in t for t in group)
    assert sum("⏰ 🏘 V2 接访进小区即将开始" in t for t in group) == 1


async def test_cancelling_tells_everyone_who_heard_of_it(world: World) -> None:
    g, _, _ = await with_issues(world)
    start = ahead(10)
    await publish(world, g, start)
    eve = start - timedelta(days=1)
    await run_visit_reminders(world.running_app.bot_data, eve.replace(hour=9, minute=0))
    await world.settle()

    refused = await world.say_one(g.lin, g.group, "/cancelvisit V1")
    assert (refused.text or "") == "⛔ 只有西安村的社区干部可以安排接访。"
    for text, expected in [
        ("/cancelvisit", "请写接访编号"),
        ("/cancelvisit X1", "请写接访编号"),
        ("/cancelvisit V9", "没有接访 V9"),
        ("/cancelvisit V1 " + "长" * 201, "理由最多 200 个字"),
    ]:
        answer = (await world.say_one(g.chen, g.group, text)).text or ""
        assert expected in answer and "请这样写" in answer, text
    done, _ = await world.say(g.chen, g.group, "/cancelvisit v1 天气原因改期")
    assert (done.text or "").startswith("✅ 🏘 V1 接访进小区已取消，已通知 3 处")
    await world.settle()
    for chat in (g.group, g.amei, g.bo):
        last = texts(world, chat)[-1]
        assert "❌" in last and "V1 接访进小区已取消" in last and "天气原因改期" in last
    assert not any("❌" in t for t in texts(world, g.lin))
    again = await world.say_one(g.chen, g.group, "/cancelvisit V1")
    assert "已取消或已经开始" in (again.text or "")
    assert await run_visit_reminders(world.running_app.bot_data, start - timedelta(hours=1)) == 0
    shown = await world.say_one(g.amei, g.group, "/meeting")
    assert "近期接访" not in (shown.text or "")


async def test_visit_refusals(world: World) -> None:
    g, _, _ = await with_issues(world)
    dm = world.emu.private_chat(g.chen)
    start = ahead(10)
    refused = await world.say_one(g.lin, g.group, line(start))
    assert (refused.text or "") == "⛔ 只有西安村的社区干部可以安排接访。"
    private = await world.say_one(g.amei, world.emu.private_chat(g.amei), line(start))
    assert (private.text or "") == "⛔ 只有社区干部可以安排接访。"
    past = (utcnow() - timedelta(days=1)).astimezone(SH)
    for text, expected in [
        ("/visit 明天下午 | 活动中心 | #1", "时间请写成 年-月-日 时:分"),
        (f"/visit {start:%Y-%m-%d %H:%M} | 活动中心", "请用 | 分隔"),
        (line(past), "这个时间已经过去了"),
        (line(start + timedelta(days=400)), "一年以内"),
        (f"/visit {start:%Y-%m-%d %H:%M} | {'长' * 51} | #1", "地点为 1 到 50 个字"),
        (line(start, "电梯"), "请用 #编号 列出议题"),
        (line(start, "#1 #99"), "没有 #99"),
        (line(start, "#3"), "#3 既不是待处理也不是已上报的问题"),
        (line(start, extra=" | " + "长" * 61), "名称为 1 到 60 个字"),
    ]:
        answer = (await world.say_one(g.chen, dm, text)).text or ""
        assert expected in answer and "请这样写" in answer, (text, answer)
    # another community's issue
    away = await world.registered_group("鸿塔小区", "鸿塔社区", "第1网格")
    await report(world, world.superadmin(), away, "鸿塔小区门口积水")
    answer = (await world.say_one(g.chen, g.group, line(start, "#1 #5"))).text or ""
    assert "#5 不是西安村的问题" in answer


async def test_a_redelivered_publish_has_one_effect(world: World) -> None:
    g, _, _ = await with_issues(world)
    dm = world.emu.private_chat(g.chen)
    preview = await world.say_one(g.chen, dm, line(ahead(10)))
    await world.press(g.chen, preview, "📣 发布")
    world.emu.redeliver(max(world.emu.update_queue.history))
    await world.settle()
    assert sum("🏘 V1" in t for t in texts(world, g.group)) == 1
    assert not any("V2" in t for t in texts(world, g.group))


async def test_minutes_offer_a_started_visit_with_the_monthly_steps(world: World) -> None:
    g, _, _ = await with_issues(world)
    start = ahead(3)
    await publish(world, g, start)
    dm = world.emu.private_chat(g.chen)
    before = await world.say_one(g.chen, dm, "/minutes")  # not started: the monthly walk only
    assert "记录哪一场会议" not in (before.text or "")
    cid = world.running_app.bot_data.registry.communities()[0].id
    await world.emu.press_data(g.chen, before, f"min:{cid}:0:next:1")  # a forged early press
    await world.settle()
    assert "按钮已失效" in (world.emu.last_bot_message(dm).text or "")
    app = world.running_app
    services = app.bot_data
    # the officials' clock moves past the visit's start (jobs and use cases take a "now")
    later = start + timedelta(hours=2)
    services.visits = VisitService(
        services.db, services.people, services.issues, services.settings.tz, clock=lambda: later
    )
    dm = world.emu.private_chat(g.chen)
    ask = await world.say_one(g.chen, dm, "/minutes")
    assert "记录哪一场会议" in (ask.text or "")
    assert ask.labels()[0] == "🍵 西安村：每月议事会" and ask.labels()[1].startswith(
        "🏘 V1 接访进小区 · "
    )
    await world.press(g.chen, ask, ask.labels()[1])
    item = world.emu.last_bot_message(dm)
    assert "V1 接访进小区记录" in (item.text or "") and "第 1/2 项" in (item.text or "")
    assert "#1 物业说 · 已上报" in (item.text or "")
    assert item.labels() == ["✅ 按议定方案办结", "⏭ 下月再议", "🚫 驳回"]

    await world.press(g.chen, item, "✅ 按议定方案办结")
    prompt = world.emu.last_bot_message(dm)
    replies = await world.say(g.chen, dm, "在2期外围报恩路搭建雨棚并安装充电桩", reply_to=prompt)
    nxt = replies[-1]
    assert "V1 接访进小区记录" in (nxt.text or "") and "第 2/2 项" in (nxt.text or "")
    assert (world.emu.last_bot_message(g.group).text or "").startswith("#1 社区说 · 已解决")
    assert any("真的解决了吗" in t for t in texts(world, g.amei))

    await world.press(g.chen, nxt, "⏭ 下月再议")
    done = world.emu.last_bot_message(dm)
    assert "V1 接访进小区的议题已全部议定" in (done.text or "")
    assert "议事会决定：下月再议" in (world.emu.last_bot_message(g.group).text or "")
    # the visit is decided: /minutes goes back to the monthly meeting alone
    again = await world.say_one(g.chen, dm, "/minutes")
    assert "记录哪一场会议" not in (again.text or "")


def labelled(message: Message, prefix: str) -> str:
    return next(label for label in message.labels() if label.startswith(prefix))


async def test_the_guided_visit_survives_a_restart(world: World) -> None:
    g, _, _ = await with_issues(world)
    dm = world.emu.private_chat(g.chen)
    refused = await world.say_one(g.amei, world.emu.private_chat(g.amei), "/visit")
    assert (refused.text or "") == "⛔ 只有社区干部可以安排接访。"
    first = await world.say_one(g.chen, dm, "/visit")
    assert "新的接访" in (first.text or "") and first.labels() == ["用“接访进小区”", "✖ 取消"]
    await world.press(g.chen, first, "用“接访进小区”")
    assert "什么时候" in (world.emu.last_bot_message(dm).text or "")
    bad = await world.say_one(g.chen, dm, "明天下午")
    assert "时间请写成 年-月-日 时:分" in (bad.text or "")
    past = (utcnow() - timedelta(hours=1)).astimezone(SH)
    late = await world.say_one(g.chen, dm, f"{past:%Y-%m-%d %H:%M}")
    assert "这个时间已经过去了" in (late.text or "")
    start = ahead(10)
    await world.say(g.chen, dm, f"{start:%Y-%m-%d %H:%M}")
    await world.restart_bot()  # the step and the draft are kept
    grids = await world.say_one(g.chen, dm, PLACE)
    assert grids.labels() == ["第8网格", "第9网格", "➡ 下一步", "✖ 取消"]
    empty = await world.press(g.chen, grids, "➡ 下一步")
    assert "请至少选择一个网格" in (empty.text or "")
    await world.press(g.chen, grids, "第8网格")
    assert grids.labels()[0] == "✅ 第8网格"
    await world.press(g.chen, grids, "➡ 下一步")
    agenda = world.emu.last_bot_message(dm)
    assert "议题是哪些" in (agenda.text or "")
    assert [label[:3] for label in agenda.labels()] == ["#1 ", "#2 ", "👀 预", "✖ 取"]  # not #3, #4
    await world.press(g.chen, agenda, labelled(agenda, "#2 "))
    await world.restart_bot()
    await world.press(g.chen, agenda, labelled(agenda, "#1 "))
    assert agenda.labels()[:2] == [labelled(agenda, "✅ #1"), labelled(agenda, "✅ #2")]
    await world.press(g.chen, agenda, "👀 预览")
    preview = world.emu.last_bot_message(dm)
    text = preview.text or ""
    assert text.startswith("📝 草稿") and "接访进小区" in text and PLACE in text
    assert text.index("#2 停车场") < text.index("#1 海景湾二期")  # in the order chosen
    await world.press(g.chen, preview, "📣 发布")
    post = world.emu.last_bot_message(g.group).text or ""
    assert post.startswith("🏘 V1 接访进小区") and "#1 海景湾二期" in post


async def test_the_guided_visit_can_be_cancelled(world: World) -> None:
    g, _, _ = await with_issues(world)
    dm = world.emu.private_chat(g.chen)
    await world.say(g.chen, dm, "/visit")
    await world.say(g.chen, dm, "周末接访")
    done = await world.say_one(g.chen, dm, "/cancel")
    assert "已取消" in (done.text or "")
    after = await world.say(g.chen, dm, "海景湾")
    assert not any("面向哪些网格" in (m.text or "") for m in after)


async def test_a_visit_for_issues_of_two_grids_goes_to_both_groups(world: World) -> None:
    g, other, _ = await with_issues(world)
    done = await publish(world, g, ahead(10), "#2 #4")
    assert "已发布到 2 个群" in (done.text or "")
    for chat in (g.group, other):
        post = world.emu.last_bot_message(chat).text or ""
        assert (
            post.startswith("🏘 V1 接访进小区") and "#2 停车场" in post and "#4 一期东门道闸" in post
        )
