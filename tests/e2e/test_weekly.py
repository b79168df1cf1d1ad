"""The weekly account (公开上榜; SPEC "Follow-through") end to end: every Monday at 09:00 each
registered group gets its grid's week — resolved with solutions, raised, still open oldest first
with owner, date and ⏰ — at most ten a section, then "and N more"; once per group and week
across restarts, the next Monday again; a start later on Monday catches up once; /week in a
group and in private. Moments are counted from when the test runs (the next Monday 09:00 after
now), so it passes at any hour and on any weekday."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from bot.issues.jobs import run_followup
from bot.weekly.jobs import run_weekly
from emulator import Chat, Message
from tests.conftest import World
from tests.e2e.test_issues import grid8, report

TITLE = "📋 公开上榜"
NOTHING = "本周没有新问题，也没有待办的问题。"
# Twelve reports no two of which look alike (a near-duplicate would be asked about instead).
TWELVE = [
    "1号楼楼道灯不亮",
    "2号楼电梯有异响",
    "东门外人行道被占道经营",
    "地下车库积水没人管",
    "小区监控摄像头坏了",
    "燃气管道附近有异味",
    "垃圾分类点太脏",
    "广场舞音响太吵",
    "儿童游乐设施损坏",
    "消防通道被杂物堵塞",
    "北门道闸不抬杆",
    "绿化带杂草丛生",
]


def local_now(world: World) -> datetime:
    return datetime.now(world.settings.tz)


def next_monday_nine(world: World) -> datetime:
    """The first Monday 09:00 (local) after now: the issues the test raises now are in its week."""
    now = local_now(world)
    monday = datetime.combine(
        now.date() + timedelta(days=-now.weekday() % 7), time(9, 0), tzinfo=world.settings.tz
    )
    return monday if monday > now else monday + timedelta(days=7)


def month_day(day: date) -> str:
    return f"{day.month}月{day.day}日"


def accounts(world: World, chat: Chat) -> list[Message]:
    return [m for m in world.emu.bot_messages(chat) if TITLE in (m.text or "")]


def section(text: str, head: str) -> list[str]:
    """The lines under a section's heading, up to the next blank line."""
    lines = text.splitlines()
    starts = [i for i, line in enumerate(lines) if line.startswith(head)]
    assert starts, (head, text)
    start = starts[0]
    end = next((i for i in range(start + 1, len(lines)) if not lines[i]), len(lines))
    return lines[start + 1 : end]


async def test_the_monday_account_reaches_every_registered_group(world: World) -> None:
    g = await grid8(world)
    admin = world.superadmin()
    g9 = await world.registered_group("海景湾二期 · 第9网格群", "西安村", "第9网格")
    east = await world.registered_group("东山村 · 第1网格群", "东山村", "第1网格")
    await report(world, g.amei, g.group, "小区北门积水严重，下雨就过不去")
    await report(world, g.bo, g.group, "5号楼电梯经常停运，老人上下楼困难")
    await report(world, g.amei, g.group, "3号楼门口路灯不亮，晚上很黑")
    await report(world, admin, g9, "9号楼垃圾桶满了没人清理")
    await world.say(g.lin, g.group, "/close 3 已更换灯泡")
    await world.say(g.yang, g.group, "/escalate 2 需要电梯公司来修")
    await world.say(g.lin, g.group, "/assign 1 物业 @yang_wuye")
    due = local_now(world).date()
    await world.say(g.lin, g.group, f"/promise 1 {due.isoformat()}")
    services = world.running_app.bot_data
    morning_after = datetime.combine(due + timedelta(days=1), time(9), world.settings.tz)
    broken = await run_followup(services, morning_after)
    assert broken is not None and broken.past_due == [1]

    monday = next_monday_nine(world)
    sent = await run_weekly(services, monday)
    await world.settle()
    assert sent is not None and sorted(sent.chats) == sorted([g.group.id, g9.id, east.id])
    (account,) = accounts(world, g.group)
    text = account.text or ""
    lines = text.splitlines()
    assert lines[0] == "📋 公开上榜 · 第8网格"
    assert lines[1] == f"{month_day(monday.date() - timedelta(days=7))}至{month_day(monday.date())}"
    assert section(text, "✅ 本周已解决（1）") == [
        "#3 3号楼门口路灯不亮，晚上很黑",
        "└ 解决方案：已更换灯泡",
    ]
    assert section(text, "📝 本周新反映（3）") == [
        "#3 3号楼门口路灯不亮，晚上很黑 · 已解决",
        "#2 5号楼电梯经常停运，老人上下楼困难 · 已上报",
        "#1 小区北门积水严重，下雨就过不去 · 待处理",
    ]
    still_open = section(text, "⏳ 仍待解决（2），最早的在前")
    assert len(still_open) == 2
    owner = f"承办：物业（杨春英） · 预计 {month_day(due)}前完成 · ⏰ 逾期"
    assert re.fullmatch(rf"#1 小区北门积水严重，下雨就过不去 · {owner} · \d 天", still_open[0])
    assert re.fullmatch(r"#2 5号楼电梯经常停运，老人上下楼困难 · 已上报 · \d 天", still_open[1])
    assert lines[-1] == "用 /issue 编号 查看详情。"
    print(text)  # the account as a group reads it (pytest -s)

    (ninth,) = accounts(world, g9)
    assert (ninth.text or "").startswith("📋 公开上榜 · 第9网格")
    assert "#4 9号楼垃圾桶满了没人清理" in (ninth.text or "") and "#1" not in (ninth.text or "")
    (quiet,) = accounts(world, east)
    assert (quiet.text or "").splitlines()[0] == "📋 公开上榜 · 第1网格"
    assert NOTHING in (quiet.text or "")


async def test_at_most_ten_a_section_then_and_n_more(world: World) -> None:
    admin = world.superadmin()  # exempt from the reports-per-hour limit
    group = await world.registered_group("海景湾二期 · 第8网格群", "西安村", "第8网格")
    for text in TWELVE:
        await report(world, admin, group, text)
    shown = await world.say_one(admin, group, "/week")
    text = shown.text or ""
    raised = section(text, "📝 本周新反映（12）")
    assert [line.split()[0] for line in raised[:10]] == [f"#{n}" for n in range(12, 2, -1)]
    assert raised[10:] == ["……还有 2 个"]
    still_open = section(text, "⏳ 仍待解决（12），最早的在前")
    assert [line.split()[0] for line in still_open[:10]] == [f"#{n}" for n in range(1, 11)]
    assert still_open[10:] == ["……还有 2 个"]
    assert section(text, "✅ 本周已解决（0）") == []


async def test_once_per_group_and_week_across_a_restart_then_the_next_monday(
    world: World,
) -> None:
    admin = world.superadmin()
    first = await world.registered_group("海景湾二期 · 第8网格群", "西安村", "第8网格")
    second = await world.registered_group("东山村 · 第1网格群", "东山村", "第1网格")
    await report(world, admin, first, "3号楼门口路灯不亮，晚上很黑")
    monday = next_monday_nine(world)
    services = world.running_app.bot_data
    sent = await run_weekly(services, monday)
    assert sent is not None and sorted(sent.chats) == sorted([first.id, second.id])
    again = await run_weekly(services, monday + timedelta(hours=3))
    assert again is not None and again.chats == []
    await world.settle()
    await world.restart_bot()
    after = await run_weekly(world.running_app.bot_data, monday + timedelta(hours=5))
    assert after is not None and after.chats == []
    await world.settle()
    assert [len(accounts(world, chat)) for chat in (first, second)] == [1, 1]

    next_week = await run_weekly(world.running_app.bot_data, monday + timedelta(days=7))
    assert next_week is not None and sorted(next_week.chats) == sorted([first.id, second.id])
    assert next_week.week != sent.week
    await world.settle()
    assert [len(accounts(world, chat)) for chat in (first, second)] == [2, 2]
    latest = accounts(world, first)[-1].text or ""
    assert "✅ 本周已解决（0）" in latest and "📝 本周新反映（0）" in latest  # a week later
    assert "⏳ 仍待解决（1）" in latest and "#1 3号楼门口路灯不亮" in latest


async def test_a_start_later_on_monday_catches_up_once(world: World) -> None:
    admin = world.superadmin()
    group = await world.registered_group("海景湾二期 · 第8网格群", "西安村", "第8网格")
    await report(world, admin, group, "3号楼门口路灯不亮，晚上很黑")
    services = world.running_app.bot_data
    monday = next_monday_nine(world)
    # The group was registered after the last Monday's 09:00: it missed nothing that Monday.
    missed = await run_weekly(services, monday - timedelta(days=7, hours=-1))
    assert missed is not None and missed.chats == []
    assert await run_weekly(services, monday - timedelta(minutes=1)) is None  # not yet 09:00
    tuesday = monday + timedelta(days=1, hours=1)
    assert await run_weekly(services, tuesday - timedelta(days=7)) is None  # last week's: stale
    late = await run_weekly(services, monday + timedelta(hours=14, minutes=50))  # 23:50
    assert late is not None and late.chats == [group.id]
    assert await run_weekly(services, tuesday) is None
    await world.settle()
    (account,) = accounts(world, group)
    assert "#1 3号楼门口路灯不亮" in (account.text or "")


async def test_the_monday_job_is_registered_for_nine(world: World) -> None:
    queue = world.running_app.job_queue
    assert queue is not None
    (job,) = queue.get_jobs_by_name("weekly")
    assert job.next_t is not None
    assert abs((job.next_t - next_monday_nine(world)).total_seconds()) < 5


async def test_week_in_a_group_and_in_private(world: World) -> None:
    early = world.person("早来的人")
    nobody = await world.say_one(early, world.emu.private_chat(early), "/week")
    assert nobody.text == "⛔ 还没有登记任何网格群。"
    g = await grid8(world)
    dm = world.emu.private_chat(g.amei)
    before = local_now(world).date()
    quiet = await world.say_one(g.amei, g.group, "/week")
    assert NOTHING in (quiet.text or "")
    spans = {  # the last seven days up to today (the day it was asked: midnight may pass; in
        # the last second before midnight the window starts at the first one, a day later)
        f"{month_day(day - timedelta(days=back))}至{month_day(day)}"
        for day in (before, local_now(world).date())
        for back in (7, 6)
    }
    assert (quiet.text or "").splitlines()[1] in spans
    g9 = await world.registered_group("海景湾二期 · 第9网格群", "西安村", "第9网格")
    await report(world, g.amei, g.group, "小区北门积水严重，下雨就过不去")
    await report(world, world.superadmin(), g9, "9号楼垃圾桶满了没人清理")
    await world.say(g.lin, g.group, "/close 1 已疏通下水道")

    here = await world.say_one(g.bo, g.group, "/week")
    assert (here.text or "").startswith("📋 公开上榜 · 第8网格")
    assert "#1" in (here.text or "") and "#2" not in (here.text or "")
    mine = await world.say_one(g.amei, dm, "/week")
    text = mine.text or ""
    assert text.startswith("📋 公开上榜 · 西安村")
    assert section(text, "✅ 本周已解决（1）") == [
        "#1 小区北门积水严重，下雨就过不去 · 第8网格",
        "└ 解决方案：已疏通下水道",
    ]
    (waiting,) = section(text, "⏳ 仍待解决（1）")
    assert re.fullmatch(r"#2 9号楼垃圾桶满了没人清理 · 第9网格 · \d 天", waiting)

    await world.registered_group("东山村 · 第1网格群", "东山村", "第1网格")
    which = await world.say_one(g.amei, dm, "/week")
    assert "哪个社区？请加上社区名" in (which.text or "") and "/week 西安村" in (which.text or "")
    named = await world.say_one(g.amei, dm, "/week 西安村")
    assert (named.text or "").startswith("📋 公开上榜 · 西安村")


async def test_week_in_an_unregistered_group_says_how_to_register(world: World) -> None:
    admin = world.superadmin()
    group = await world.group("还没登记的群", admin=admin)
    answer = await world.say_one(admin, group, "/week")
    text = answer.text or ""
    assert "本群还没有登记" in text and "/setup 西安村 第8网格" in text
