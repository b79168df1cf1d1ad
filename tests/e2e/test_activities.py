"""Activities end to end: publish to several groups, sign up with parties, waitlist, cancel,
deadline, roster, reminders — and never a seat oversold."""

from __future__ import annotations

import asyncio
import csv
import io
from dataclasses import dataclass, replace
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.activities.jobs import run_activities
from bot.activities.service import ActivityDetails, ActivityRoster, DraftMade
from bot.core.db import utcnow
from bot.core.origin import Origin
from emulator import Chat, Message, User
from tests.conftest import World

LINE = "/newactivity 亲子定向赛 | {when} | 海景湾三期中心花园 | {capacity} | {party} | 家长带孩子一起参加"


@dataclass
class Town:
    groups: list[Chat]
    organizer: User
    chen: User
    residents: list[User]


def later(days: int = 3, hour: int = 9) -> str:
    """A time `days` days ahead, as an organizer in Anhai types it."""
    moment = (utcnow() + timedelta(days=days)).astimezone(ZoneInfo("Asia/Shanghai"))
    return moment.strftime(f"%Y-%m-%d {hour:02d}:00")


async def town(world: World, residents: int = 4) -> Town:
    admin = world.superadmin()
    groups = [
        await world.registered_group("海景湾二期", "西安村", "第8网格"),
        await world.registered_group("海景湾三期", "西安村", "第9网格"),
        await world.registered_group("侨城花园", "西安村", "第10网格"),
    ]
    organizer = world.person("邻里中心小王", username="linli")
    chen = world.person("陈书记", username="chen_xian")
    people = [world.person(f"居民{i}", username=f"r{i}") for i in range(residents)]
    for user in (organizer, chen, *people):
        await world.emu.send(user, groups[0], "大家好")
        await world.emu.send(user, world.emu.private_chat(user), "/start")
    await world.settle()
    await world.say(admin, groups[0], "/grant organizer @linli")
    await world.say(admin, groups[0], "/grant community @chen_xian")
    return Town(groups, organizer, chen, people)


async def publish(world: World, t: Town, *, capacity: int = 40, party: int = 3) -> list[Message]:
    """The organizer's one-line /newactivity in private, then "Publish": the cards it sent."""
    dm = world.emu.private_chat(t.organizer)
    preview = await world.say_one(
        t.organizer, dm, LINE.format(when=later(), capacity=capacity, party=party)
    )
    assert "将发送到 3 个群" in (preview.text or "")
    assert preview.labels() == ["📣 发布", "🎯 选择网格", "✖ 放弃"]
    answer = await world.press(t.organizer, preview, "📣 发布")
    assert answer.text == "已发布到 3 个群。"
    return [world.emu.last_bot_message(g) for g in t.groups]


def card_text(world: World, card: Message) -> str:
    return world.emu.message(card.chat_id, card.message_id).text or ""


async def test_publish_to_every_group_with_a_live_count(world: World) -> None:
    t = await town(world)
    cards = await publish(world, t)
    for card in cards:
        assert (card.text or "").startswith("#1 亲子定向赛")
        assert "📍 海景湾三期中心花园" in (card.text or "")
        assert "👥 已报名 0/40" in (card.text or "")
        assert "每份报名最多 3 人" in (card.text or "")
        assert card.labels() == ["报名 1人", "报名 2人", "报名 3人", "取消报名"]

    answer = await world.press(t.residents[0], cards[1], "报名 3人")
    assert answer.text == "✅ 报名成功：#1 亲子定向赛，3 人。"
    dm = world.emu.last_bot_message(world.emu.private_chat(t.residents[0]))
    assert dm.text == "✅ 报名成功：#1 亲子定向赛，3 人。"  # also privately, having started the bot
    for card in cards:
        assert "👥 已报名 3/40" in card_text(world, card)
    # pressing another size changes the party
    answer = await world.press(t.residents[0], cards[0], "报名 2人")
    assert answer.text == "已修改。 ✅ 报名成功：#1 亲子定向赛，2 人。"
    assert "👥 已报名 2/40" in card_text(world, cards[2])
    answer = await world.press(t.residents[0], cards[0], "报名 2人")
    assert (answer.text or "").startswith("您已经报过名了。")


async def test_a_busy_card_is_edited_at_most_once_an_interval(world: World) -> None:
    """Presses in quick succession: the first shows at once, the rest together after the
    interval (MULIN_CARD_EDIT_SECONDS) — not one edit per press."""
    world.settings = replace(world.settings, card_edit_seconds=2.0)
    await world.restart_bot()
    t = await town(world)
    cards = await publish(world, t)
    await world.press(t.residents[0], cards[0], "报名 3人")
    assert "👥 已报名 3/40" in card_text(world, cards[0])
    edits = world.emu.message(cards[0].chat_id, cards[0].message_id).edits
    await world.press(t.residents[1], cards[0], "报名 2人")
    await world.press(t.residents[2], cards[0], "报名 1人")
    assert "👥 已报名 3/40" in card_text(world, cards[0])  # within the interval: not yet
    await world.emu.wait_for(lambda: "👥 已报名 6/40" in card_text(world, cards[0]), timeout=5)
    assert world.emu.message(cards[0].chat_id, cards[0].message_id).edits == edits + 1


async def test_english_card_and_buttons(world: World) -> None:
    t = await town(world)
    await world.say(world.superadmin(), t.groups[2], "/lang en")
    cards = await publish(world, t)
    assert cards[2].labels() == ["Sign up ×1", "Sign up ×2", "Sign up ×3", "Cancel"]
    assert "Signed up 0/40" in (cards[2].text or "")


async def test_waitlist_is_served_in_order_and_parties_are_never_split(world: World) -> None:
    t = await town(world, residents=4)
    a, b, c, d = t.residents
    cards = await publish(world, t, capacity=5, party=3)
    card = cards[0]
    assert (await world.press(a, card, "报名 3人")).text == "✅ 报名成功：#1 亲子定向赛，3 人。"
    assert (
        await world.press(b, card, "报名 3人")
    ).text == "⏳ 已候补 #1 亲子定向赛（3 人），第 1 位。"
    assert (await world.press(c, card, "报名 1人")).text == "✅ 报名成功：#1 亲子定向赛，1 人。"
    assert (
        await world.press(d, card, "报名 2人")
    ).text == "⏳ 已候补 #1 亲子定向赛（2 人），第 2 位。"
    assert "已报名 4/5 · 候补 5" in card_text(world, card)
    # a confirmed party cannot grow past the free seats
    refused = await world.press(c, card, "报名 3人")
    assert refused.show_alert and refused.text == "只剩 1 个名额，您的报名保持不变。"

    answer = await world.press(a, card, "取消报名")
    assert answer.text == "您已取消 #1 的报名。"
    # b (3) fits in the 4 free seats; d (2) does not fit in the 1 left and keeps its place
    assert "已报名 4/5 · 候补 2" in card_text(world, card)
    told = world.emu.last_bot_message(world.emu.private_chat(b))
    assert "有名额了" in (told.text or "") and "（3 人）已确认" in (told.text or "")
    mine = await world.say_one(d, world.emu.private_chat(d), "/my")
    assert "#1 亲子定向赛" in (mine.text or "") and "候补第 1 位" in (mine.text or "")
    assert (
        await world.say_one(c, world.emu.private_chat(c), "/cancel 1")
    ).text == "您已取消 #1 的报名。"
    told = world.emu.last_bot_message(world.emu.private_chat(d))
    assert "（2 人）已确认" in (told.text or "")
    again = await world.say_one(c, world.emu.private_chat(c), "/cancel 1")
    assert again.text == "您没有报名这个活动。"


async def test_200_concurrent_presses_on_the_last_seats_never_oversell(world: World) -> None:
    t = await town(world, residents=0)
    cards = await publish(world, t, capacity=10, party=1)
    crowd = [world.emu.add_user(f"邻居{i}") for i in range(200)]
    answers = await asyncio.gather(
        *(
            world.emu.press(user, cards[i % 3], "报名 1人", timeout=60)
            for i, user in enumerate(crowd)
        )
    )
    assert len(answers) == 200 and all(a.text for a in answers)
    confirmed = [a for a in answers if (a.text or "").startswith("✅")]
    assert len(confirmed) == 10
    await world.settle()
    assert world.app is not None
    rows = await world.app.bot_data.db.query(
        "SELECT status, count(*), sum(party) FROM signups GROUP BY status ORDER BY status"
    )
    assert rows == [("confirmed", 10, 10), ("waitlisted", 190, 190)]
    admin = world.superadmin().id
    roster = await world.app.bot_data.activities.roster(Origin(admin, admin, None, True), 1)
    assert isinstance(roster, ActivityRoster)
    assert sum(s.party for s in roster.signups if s.status == "confirmed") == 10
    assert [s.position for s in roster.signups if s.status == "waitlisted"] == list(range(1, 191))
    assert "已报名 10/10 · 候补 190" in card_text(world, cards[0])


async def test_deadline_and_closed_activities(world: World) -> None:
    t = await town(world, residents=1)
    assert world.app is not None
    services = world.app.bot_data
    grid = services.registry.chat_grid(t.groups[0].id)
    assert grid is not None
    start = utcnow() + timedelta(days=2)
    organizer = Origin(t.organizer.id, t.organizer.id, None, True)
    made = await services.activities.create_draft(
        organizer,
        grid.community_id,
        ActivityDetails(
            "义诊", start, "海景湾党群活动中心", 30, deadline=utcnow() + timedelta(seconds=1)
        ),
    )
    assert isinstance(made, DraftMade)
    draft = made.activity
    roster = await world.say(
        t.organizer, world.emu.private_chat(t.organizer), f"/roster {draft.id}"
    )
    assert "#1 义诊" in (roster[0].text or "") and roster[1].document is not None
    await services.activities.publish(organizer, draft.id)
    await world.settle()
    card = world.emu.last_bot_message(t.groups[0])
    await asyncio.sleep(1.1)
    late = await world.press(t.residents[0], card, "报名 1人")
    assert late.show_alert and (late.text or "").startswith("报名已于")
    await world.say(t.organizer, world.emu.private_chat(t.organizer), "/cancelactivity 1 天气原因")
    closed = (
        await world.press(t.residents[0], card, "报名 1人")
        if world.emu.message(card.chat_id, card.message_id).labels()
        else None
    )
    assert closed is None  # the cancelled card lost its buttons
    assert "❌ 已取消" in card_text(world, card) and "理由：天气原因" in card_text(world, card)


async def test_roster_is_private_with_a_csv_excel_can_read(world: World) -> None:
    t = await town(world, residents=2)
    cards = await publish(world, t, capacity=1, party=3)
    await world.press(t.residents[0], cards[0], "报名 1人")
    await world.press(t.residents[1], cards[1], "报名 2人")
    said = await world.say_one(t.organizer, t.groups[0], "/roster 1")
    assert said.text == "名单已私聊发给您。"
    dm = world.emu.private_chat(t.organizer)
    text, document = world.emu.bot_messages(dm)[-2:]
    assert "已确认" in (text.text or "") and "1. 居民0 × 1" in (text.text or "")
    assert "1. 居民1 × 2" in (text.text or "")
    assert document.document is not None and document.document.file_name == "roster-1.csv"
    data = document.document.data
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == ["状态", "候补顺位", "姓名", "用户名", "人数", "报名时间"]
    assert rows[1][:5] == ["已确认", "", "居民0", "@r0", "1"]
    assert rows[2][:5] == ["候补", "1", "居民1", "@r1", "2"]
    refused = await world.say_one(
        t.residents[0], world.emu.private_chat(t.residents[0]), "/roster 1"
    )
    assert "只有该社区的邻里中心和社区干部" in (refused.text or "")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/newactivity", "请用一行写明活动"),
        ("/newactivity 只有名称", "请至少写明名称、时间、地点和人数"),
        ("/newactivity 活动 | 明天上午 | 花园 | 40", "时间请写成 YYYY-MM-DD HH:MM"),
        ("/newactivity 活动 | 2020-01-01 09:00 | 花园 | 40", "已经过去了"),
        ("/newactivity 活动 | 2099-02-30 09:00 | 花园 | 40", "不是有效的日期时间"),
        ("/newactivity 活动 | 2099-01-01 09:00 | 花园 | 四十", "人数是 1 到 10000 之间的数字"),
        (
            "/newactivity 活动 | 2099-01-01 09:00 | 花园 | 40 | 11",
            "每份报名人数是 1 到 10 之间的数字",
        ),
        ("/newactivity " + "长" * 101 + " | 2099-01-01 09:00 | 花园 | 40", "名称为 1 到 100 个字"),
    ],
)
async def test_newactivity_bad_input(world: World, text: str, expected: str) -> None:
    t = await town(world, residents=0)
    reply = await world.say_one(t.organizer, t.groups[0], text)
    assert expected in (reply.text or "") and "请这样写" in (reply.text or "")


async def test_residents_may_not_organize(world: World) -> None:
    t = await town(world, residents=1)
    resident = t.residents[0]
    await publish(world, t)
    for command in (
        LINE.format(when=later(), capacity=10, party=1),
        "/cancelactivity 1",
        "/announce 大家好",
    ):
        reply = await world.say_one(resident, t.groups[0], command)
        assert "只有" in (reply.text or ""), (command, reply.text)
    preview_like = world.emu.last_bot_message(world.emu.private_chat(t.organizer))
    forged = [
        ("act:publish:1", "只有该社区的邻里中心和社区干部可以这样做。"),
        ("act:join:1:4", "每份报名为 1 到 3 人。"),
        ("act:join:999:1", "没有 #999 这个活动。"),
        ("act:join:x:1", "这个按钮已失效。"),
        ("act:grid:1:1", "只有该社区的邻里中心和社区干部可以这样做。"),
    ]
    for data, expected in forged:
        answer = await world.emu.press_data(resident, preview_like, data)
        await world.settle()
        assert answer.text == expected, data


async def test_announce_and_cancel_activity(world: World) -> None:
    t = await town(world, residents=2)
    cards = await publish(world, t)
    await world.press(t.residents[0], cards[0], "报名 2人")
    done = await world.say_one(
        t.organizer, world.emu.private_chat(t.organizer), "/announce 周六上午<b>9点</b>集合"
    )
    assert done.text == "✅ 已发送到西安村的 3 个群。"
    for group in t.groups:
        notice = world.emu.last_bot_message(group)
        assert notice.text == "📢 西安村通知\n周六上午<b>9点</b>集合"
    said = await world.say_one(t.chen, t.groups[0], "/cancelactivity 1 场地维修")
    assert said.text == "✅ #1 已取消，已通知 1 份报名。"
    told = world.emu.last_bot_message(world.emu.private_chat(t.residents[0]))
    assert "已取消" in (told.text or "") and "理由：场地维修" in (told.text or "")
    for card in cards:
        assert world.emu.message(card.chat_id, card.message_id).labels() == []
    again = await world.say_one(t.chen, t.groups[0], "/cancelactivity 1")
    assert again.text == "#1 已结束或已取消。"


async def test_reminder_24_hours_before_sent_once_and_activities_listed(world: World) -> None:
    t = await town(world, residents=2)
    cards = await publish(world, t, capacity=1)
    await world.press(t.residents[0], cards[0], "报名 1人")
    await world.press(t.residents[1], cards[0], "报名 1人")  # waitlisted: no reminder
    listed = await world.say(t.residents[1], world.emu.private_chat(t.residents[1]), "/activities")
    assert listed[0].labels() == ["报名 1人", "报名 2人", "报名 3人", "取消报名"]
    assert world.app is not None
    activity = await world.app.bot_data.activities.get(1)
    assert activity is not None
    early = await run_activities(world.app.bot_data, activity.starts_at - timedelta(hours=25))
    assert early.sent == []
    due = await run_activities(world.app.bot_data, activity.starts_at - timedelta(hours=23))
    assert due.sent == [1]
    await world.settle()
    reminder = world.emu.last_bot_message(world.emu.private_chat(t.residents[0]))
    assert (reminder.text or "").startswith("⏰ 明天的活动：#1 亲子定向赛")
    assert "明天的活动" not in (
        world.emu.last_bot_message(world.emu.private_chat(t.residents[1])).text or ""
    )
    again = await run_activities(world.app.bot_data, activity.starts_at - timedelta(hours=22))
    assert again.sent == []
    over = await run_activities(world.app.bot_data, activity.starts_at + timedelta(hours=1))
    assert over.finished == [1]
    await world.settle()
    assert "🏁 已结束" in card_text(world, cards[0])
    assert world.app.job_queue is not None
    assert world.app.job_queue.get_jobs_by_name("activities")


async def test_guided_newactivity(world: World) -> None:
    t = await town(world, residents=0)
    dm = world.emu.private_chat(t.organizer)
    steps = [
        ("/newactivity", "活动名称是"),
        ("社区义诊", "什么时间"),
        ("明天", "时间请写成"),
        (f"{later(days=5)}-11:30", "在哪里"),
        ("海景湾党群活动中心", "可以参加多少人"),
        ("0", "人数是 1 到 10000"),
        ("60", "每份报名最多几人"),
    ]
    for text, expected in steps:
        reply = await world.say_one(t.organizer, dm, text)
        assert expected in (reply.text or ""), (text, reply.text)
    await world.press(t.organizer, world.emu.last_bot_message(dm), "1")
    await world.press(t.organizer, world.emu.last_bot_message(dm), "跳过 ›")
    assert "报名在活动开始时" in (world.emu.last_bot_message(dm).text or "")
    preview = await world.say_one(t.organizer, dm, later(days=4, hour=18))
    assert (preview.text or "").startswith("#1 社区义诊") and "报名截止" in (preview.text or "")
    await world.press(t.organizer, preview, "🎯 选择网格")
    picker = world.emu.last_bot_message(dm)
    assert picker.labels() == ["第10网格", "第8网格", "第9网格", "📣 发布"]
    await world.press(t.organizer, picker, "第9网格")
    picker = world.emu.message(dm, picker.message_id)
    assert "✓ 第9网格" in picker.labels()
    await world.press(t.organizer, picker, "📣 发布")
    card = world.emu.last_bot_message(t.groups[1])
    assert (card.text or "").startswith("#1 社区义诊") and "11:30" in (card.text or "")
    assert not (world.emu.last_bot_message(t.groups[0]).text or "").startswith("#1")


async def test_in_private_an_organizer_of_several_communities_names_one(world: World) -> None:
    t = await town(world, residents=0)
    away = await world.registered_group("鸿塔小区", "鸿塔社区", "第1网格")
    admin = world.superadmin()  # organizes everywhere
    dm = world.emu.private_chat(admin)
    line = LINE.format(when=later(), capacity=10, party=1)
    ask = await world.say_one(admin, dm, line)
    assert "哪个社区？" in (ask.text or "") and "鸿塔社区" in (ask.text or "")
    named = line.replace("/newactivity ", "/newactivity 西安村 | ", 1)
    preview = await world.say_one(admin, dm, named)
    assert (preview.text or "").startswith("#1 亲子定向赛") and "将发送到 3 个群" in (
        preview.text or ""
    )
    ask = await world.say_one(admin, dm, "/announce 周六大扫除")
    assert "哪个社区？" in (ask.text or "")
    done = await world.say_one(admin, dm, "/announce 鸿塔社区 周六大扫除")
    assert done.text == "✅ 已发送到鸿塔社区的 1 个群。"
    assert world.emu.last_bot_message(away).text == "📢 鸿塔社区通知\n周六大扫除"
    assert all("大扫除" not in (world.emu.last_bot_message(g).text or "") for g in t.groups)
