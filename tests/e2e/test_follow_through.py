"""Follow-through (SPEC "Follow-through"; issue 14, items 1-3): a community's responsible bodies,
`/assign N <body> [@user]` and `/promise N <YYYY-MM-DD> [note]` on the card, the history and the
boards; a broken promise marked ⏰ by the 09:00 follow-up, listed each morning to the person who
answers for it (else the grid workers), and put on the meeting's agenda. Dates are counted from
the moment the test runs, so it passes at any hour and on any day."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from bot.issues.jobs import run_followup
from emulator import Message, User
from tests.conftest import World
from tests.e2e.test_issues import Grid8, grid8, report


def today(world: World) -> date:
    return datetime.now(world.settings.tz).date()


def nine(world: World, day: date) -> datetime:
    """09:00 local time on `day`: the morning follow-up's moment."""
    return datetime.combine(day, time(9, 0), tzinfo=world.settings.tz)


def private_texts(world: World, user: User) -> list[str]:
    return [m.text or "" for m in world.emu.bot_messages(world.emu.private_chat(user))]


def card_now(world: World, card: Message) -> str:
    return world.emu.message(card.chat_id, card.message_id).text or ""


async def test_bodies_are_listed_to_anyone_and_kept_by_officials(world: World) -> None:
    g = await grid8(world)
    listed = await world.say_one(g.amei, g.group, "/body")
    assert "西安村的承办单位：物业、社区" in (listed.text or "")
    added = await world.say_one(g.chen, g.group, "/body add 综合执法队")
    assert "✅ 综合执法队 已成为西安村的承办单位" in (added.text or "")
    refusals = [
        (g.lin, "/body add 供电所", "⛔ 只有西安村的社区干部可以修改承办单位名单"),
        (g.chen, "/body add 综合执法队", "已在名单上"),
        (g.chen, "/body add 物业", "物业和社区始终在名单上"),
        (g.chen, "/body add " + "很长的名字" * 5, "最多 20 个字"),
        (g.chen, "/body add", "请写上承办单位的名称"),
        (g.chen, "/body remove 供电所", "不在西安村的承办单位名单上"),
    ]
    for who, text, expected in refusals:
        answer = await world.say_one(who, g.group, text)
        assert expected in (answer.text or ""), (text, answer.text)
    listed = await world.say_one(g.amei, g.group, "/body")
    assert "物业、社区、综合执法队" in (listed.text or "")


async def test_assign_and_promise_show_on_the_card_the_history_and_the_board(
    world: World,
) -> None:
    g = await grid8(world)
    await world.say(g.chen, g.group, "/body add 综合执法队")
    card = await report(world, g.amei, g.group, "东门外人行道被占道经营，行人只能走机动车道")
    due = today(world) + timedelta(days=10)
    await world.say(g.lin, g.group, "/assign 1 综合执法队 @yang_wuye")
    told = private_texts(world, g.yang)[-1]
    assert "📌 #1 由您承办" in told
    dm = world.emu.private_chat(g.yang)  # the assigned person may promise
    await world.say(g.yang, dm, f"/promise 1 {due.isoformat()} 已约执法队周五来清理")
    day = f"{due.month}月{due.day}日"
    shown = card_now(world, card)
    assert "承办：综合执法队（杨春英）" in shown and f"预计 {day}前完成" in shown
    assert "林网格员 交由 综合执法队 承办" in shown
    assert f"杨春英 承诺 {day}前完成：已约执法队周五来清理" in shown
    later = due + timedelta(days=5)
    await world.say(g.yang, dm, f"/promise 1 {later.isoformat()}")
    shown = card_now(world, card)
    assert f"推迟到 {later.month}月{later.day}日" in shown
    assert f"承诺 {day}前完成" in shown  # the first date stays in the history
    board = await world.say_one(g.amei, g.group, "/board")
    assert f"综合执法队 · 预计 {later.month}月{later.day}日前完成" in (board.text or "")
    assert any("推迟到" in text for text in private_texts(world, g.amei))  # the reporter is told


async def test_what_assign_and_promise_refuse(world: World) -> None:
    g = await grid8(world)
    await report(world, g.amei, g.group, "3号楼门口路灯不亮，晚上很黑")
    past = (today(world) - timedelta(days=1)).isoformat()
    refusals = [
        (g.amei, "/assign 1 物业", "⛔ 只有网格员、物业和社区干部可以指定承办单位"),
        (g.lin, "/assign 1 供电所", "“供电所”不是承办单位，现有：物业、社区"),
        (g.lin, "/assign 1 物业 @nobody", "我还不认识 @nobody"),
        (g.lin, "/assign 1", "请写上问题编号和承办单位"),
        (g.lin, "/assign 9 物业", "#9"),
        (g.amei, f"/promise 1 {today(world).isoformat()}", "⛔ 只有网格员、物业、社区干部和 #1"),
        (g.lin, f"/promise 1 {past}", "这一天已经过去了"),
        (g.lin, "/promise 1 下周五", "日期请写成 年-月-日"),
        (g.lin, "/promise 1 2026-02-30", "日期请写成 年-月-日"),
        (g.lin, "/promise 1 2099-01-01", "三年以后"),
        (g.lin, "/promise 1", "请写上问题编号和预计完成日期"),
    ]
    for who, text, expected in refusals:
        answer = await world.say_one(who, g.group, text)
        assert expected in (answer.text or ""), (text, answer.text)
    await world.say(g.lin, g.group, "/close 1 已更换灯泡")
    closed = await world.say_one(g.lin, g.group, "/assign 1 物业")
    assert "#1 已办结" in (closed.text or "")


async def broken_promise(world: World, g: Grid8, *, assignee: str | None) -> tuple[Message, date]:
    card = await report(world, g.amei, g.group, "小区北门积水严重，下雨就过不去")
    await world.say(g.lin, g.group, "/assign 1 物业" + (f" @{assignee}" if assignee else ""))
    due = today(world) + timedelta(days=2)
    await world.say(g.lin, g.group, f"/promise 1 {due.isoformat()}")
    return card, due


async def test_a_broken_promise_is_marked_listed_each_morning_and_on_the_agenda(
    world: World,
) -> None:
    g = await grid8(world)
    card, due = await broken_promise(world, g, assignee="yang_wuye")
    services = world.running_app.bot_data
    await run_followup(services, nine(world, due))  # the promised day itself: kept so far
    await world.settle()
    assert "逾期" not in card_now(world, card)
    done = await run_followup(services, nine(world, due + timedelta(days=1)))
    await world.settle()
    assert done is not None and done.past_due == [1]
    assert "⏰ 逾期" in card_now(world, card)
    lists = [t for t in private_texts(world, g.yang) if "已过承诺日期" in t]
    assert len(lists) == 1 and "#1 小区北门积水严重" in lists[0]
    assert not any("已过承诺日期" in t for t in private_texts(world, g.lin))  # assigned: yang
    again = await run_followup(services, nine(world, due + timedelta(days=1)) + timedelta(hours=5))
    assert again is None  # the same morning again (a restart): nothing twice
    await run_followup(services, nine(world, due + timedelta(days=2)))
    await world.settle()
    assert len([t for t in private_texts(world, g.yang) if "已过承诺日期" in t]) == 2
    meeting = await world.say_one(g.amei, g.group, "/meeting")
    assert "#1" in (meeting.text or "")
    new_day = due + timedelta(days=30)
    await world.say(g.yang, world.emu.private_chat(g.yang), f"/promise 1 {new_day.isoformat()}")
    assert "逾期" not in card_now(world, card)


async def test_an_unassigned_broken_promise_goes_to_the_grid_workers(world: World) -> None:
    g = await grid8(world)
    _card, due = await broken_promise(world, g, assignee=None)
    await run_followup(world.running_app.bot_data, nine(world, due + timedelta(days=1)))
    await world.settle()
    assert any("已过承诺日期" in t for t in private_texts(world, g.lin))
    assert not any("已过承诺日期" in t for t in private_texts(world, g.yang))
