"""Votes (大事大议; SPEC "Visits, urgent meetings and votes") end to end: a community official
opens a vote in every group of the community (or, with #N, in the groups of the issue's grid);
residents press, change their vote, press again; the cards show counts, never names; a vote in
one group counts in the same tally as the others; the minute's job, driven at a chosen "now",
closes it once (across restarts) and posts the result under every card and, with #N, in the
issue's history; presses after the close, on an unknown vote or from outside the vote's groups
count nowhere; 200 presses at once count each person once."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, replace
from datetime import timedelta

import pytest

from bot.votes.jobs import run_vote_close
from emulator import Chat, Message, User
from tests.conftest import World
from tests.e2e.test_issues import report

FENCES = "/vote 围栏刷成什么颜色？ | 绿色 | 灰色 | 白色"


@dataclass
class Compound:
    groups: list[Chat]  # 海景湾二期 (第8网格), 西安村 · 第9网格
    chen: User  # community official of 西安村
    amei: User
    bo: User
    mei: User


async def compound(world: World) -> Compound:
    admin = world.superadmin()
    groups = [
        await world.registered_group("海景湾二期 · 第8网格群", "西安村", "第8网格"),
        await world.registered_group("西安村 · 第9网格群", "西安村", "第9网格"),
    ]
    chen = world.person("杨主任", username="yang_zr")
    amei = world.person("阿美", username="amei")
    bo = world.person("阿波", username="abo")
    mei = world.person("林阿梅", username="amei_lin")
    for user in (chen, amei):
        await world.emu.send(user, groups[0], "大家好")
    for user in (bo, mei):
        await world.emu.send(user, groups[1], "大家好")
    await world.settle()
    await world.say(admin, groups[0], "/grant community @yang_zr")
    return Compound(groups, chen, amei, bo, mei)


def current(world: World, card: Message) -> Message:
    return world.emu.message(card.chat_id, card.message_id)


def text_of(world: World, card: Message) -> str:
    return current(world, card).text or ""


async def open_fences(world: World, c: Compound, line: str = FENCES) -> list[Message]:
    said = await world.say(c.chen, c.groups[0], line)  # the answer, then the group's card
    assert (said[0].text or "").startswith("✅ 投票 P1 已发到 2 个群，截止时间：")
    cards = [world.emu.last_bot_message(g) for g in c.groups]
    for card in cards:
        assert (card.text or "").startswith("🗳 P1 围栏刷成什么颜色？")
        assert card.labels() == ["绿色", "灰色", "白色"]
    return cards


async def test_a_vote_across_two_groups_counts_in_one_tally_and_closes_once(world: World) -> None:
    c = await compound(world)
    cards = await open_fences(world, c, FENCES + " | 7")
    assert "1. 绿色 — 0 票" in (cards[0].text or "") and "👥 共 0 人投票" in (cards[0].text or "")

    assert (await world.press(c.amei, cards[0], "绿色")).text == "✅ 已投“绿色”（P1）。"
    assert (await world.press(c.bo, cards[1], "灰色")).text == "✅ 已投“灰色”（P1）。"
    assert (await world.press(c.mei, cards[1], "绿色")).text == "✅ 已投“绿色”（P1）。"
    for card in cards:  # one tally, shown in both groups
        text = text_of(world, card)
        assert "1. 绿色 — 2 票" in text and "2. 灰色 — 1 票" in text and "3. 白色 — 0 票" in text
        assert "👥 共 3 人投票" in text
        assert "阿美" not in text and "阿波" not in text  # never who voted what
    # one vote per person, changeable; the same option again changes nothing
    changed = await world.press(c.amei, cards[1], "白色")
    assert changed.text == "✅ 已改投“白色”（P1）。"
    same = await world.press(c.amei, cards[0], "白色")
    assert same.text == "您已经投了“白色”（P1）。"
    text = text_of(world, cards[0])
    assert "1. 绿色 — 1 票" in text and "3. 白色 — 1 票" in text and "👥 共 3 人投票" in text

    listed = await world.say(c.bo, world.emu.private_chat(c.bo), "/votes 西安村")
    assert len(listed) == 1 and (listed[0].text or "").startswith("🗳 P1 围栏刷成什么颜色？")

    services = world.running_app.bot_data
    vote = await services.votes.get(1)
    assert vote is not None and vote.closes_at - vote.created_at == timedelta(days=7)
    assert await run_vote_close(services, vote.closes_at - timedelta(minutes=1)) == []
    assert await run_vote_close(services, vote.closes_at + timedelta(seconds=30)) == [1]
    await world.settle()
    for card, group in zip(cards, c.groups, strict=True):
        final = current(world, card)
        assert final.labels() == []  # no buttons once closed
        assert "🏁 已结束" in (final.text or "") and "1. 绿色 — 1 票 (33%)" in (final.text or "")
        result = world.emu.last_bot_message(group)
        assert result.reply_to_message_id == card.message_id
        assert (result.text or "").splitlines() == [
            "🗳 投票 P1 结果：围栏刷成什么颜色？",
            "1. 绿色 — 1 票 (33%) 🏆",
            "2. 灰色 — 1 票 (33%) 🏆",
            "3. 白色 — 1 票 (33%) 🏆",
            "共 3 人投票。",
        ]
    late = await world.emu.press_data(c.mei, cards[1], "vote:1:0")
    await world.settle()
    assert late.show_alert and late.text == "投票 P1 已结束，这次没有计入。"
    assert await run_vote_close(services, vote.closes_at + timedelta(minutes=2)) == []
    await world.restart_bot()
    assert (
        await run_vote_close(world.running_app.bot_data, vote.closes_at + timedelta(hours=1)) == []
    )
    await world.settle()
    results = [m for m in world.emu.bot_messages(c.groups[0]) if "投票 P1 结果" in (m.text or "")]
    assert len(results) == 1  # once, across restarts
    rows = await world.running_app.bot_data.db.query(
        "SELECT choice, count(*) FROM ballots GROUP BY choice ORDER BY choice"
    )
    assert rows == [(0, 1), (1, 1), (2, 1)]
    nothing = await world.say_one(c.bo, c.groups[1], "/votes")
    assert nothing.text == "西安村目前没有进行中的投票。"
    queue = world.running_app.job_queue
    assert queue is not None
    (job,) = queue.get_jobs_by_name("votes")  # every minute, from the start
    assert job.job.trigger.interval == timedelta(minutes=1)


async def test_200_presses_at_once_count_each_person_once(world: World) -> None:
    c = await compound(world)
    cards = await open_fences(world, c)
    crowd = [world.emu.add_user(f"邻居{i}") for i in range(200)]
    labels = ["绿色", "灰色", "白色"]
    answers = await asyncio.gather(
        *(
            world.emu.press(user, cards[i % 2], labels[i % 3], timeout=60)
            for i, user in enumerate(crowd)
        )
    )
    assert all((a.text or "").startswith("✅ 已投") for a in answers)
    # again at once: the first 50 press the same option, the next 50 change theirs
    again = await asyncio.gather(
        *(
            world.emu.press(crowd[i], cards[(i + 1) % 2], labels[(i + (i >= 50)) % 3], timeout=60)
            for i in range(100)
        )
    )
    assert sum((a.text or "").startswith("您已经投了") for a in again) == 50
    assert sum((a.text or "").startswith("✅ 已改投") for a in again) == 50
    await world.settle()
    expected = [0, 0, 0]
    for i in range(200):
        expected[(i + (50 <= i < 100)) % 3] += 1
    assert sum(expected) == 200
    db = world.running_app.bot_data.db
    rows = await db.query("SELECT choice, count(*) FROM ballots GROUP BY choice ORDER BY choice")
    assert [n for _, n in rows] == expected
    for card in cards:
        text = text_of(world, card)
        for i, label in enumerate(labels):
            assert f"{i + 1}. {label} — {expected[i]} 票" in text, text
        assert "👥 共 200 人投票" in text
    closed = await world.say(c.chen, c.groups[0], "/closevote P1")  # the answer, the result
    assert closed[0].text == "✅ 投票 P1 已结束，结果已发到 2 个群。"
    result = world.emu.last_bot_message(c.groups[1])
    assert f"1. 绿色 — {expected[0]} 票" in (result.text or "")
    assert "共 200 人投票。" in (result.text or "")


async def test_a_vote_on_an_issue_is_held_in_its_grid_and_recorded_in_its_history(
    world: World,
) -> None:
    c = await compound(world)
    issue_card = await report(world, c.amei, c.groups[0], "北门外围栏生锈掉漆，要不要重新刷漆")
    said = await world.say_one(
        c.chen, world.emu.private_chat(c.chen), "/vote #1 北门围栏重新刷漆吗？ | 同意 | 不同意 | 2"
    )
    assert (said.text or "").startswith("✅ 投票 P1 已发到 1 个群")
    card = world.emu.last_bot_message(c.groups[0])
    assert (card.text or "").startswith("🗳 P1 北门围栏重新刷漆吗？\n关于问题 #1")
    assert "P1" not in (world.emu.last_bot_message(c.groups[1]).text or "")  # another grid
    await world.press(c.amei, card, "同意")
    # 阿波 is in the other grid's group only: from /votes in private, his press counts nowhere
    listed = await world.say_one(c.bo, world.emu.private_chat(c.bo), "/votes 西安村")
    outside = await world.press(c.bo, listed, "同意")
    assert outside.show_alert and outside.text == "只有投票所在群的成员可以投票，这次没有计入。"
    # 阿美 is in the vote's group: her press from private counts (a change)
    mine = await world.say_one(c.amei, world.emu.private_chat(c.amei), "/votes 西安村")
    assert (await world.press(c.amei, mine, "不同意")).text == "✅ 已改投“不同意”（P1）。"
    closed = await world.say(c.chen, world.emu.private_chat(c.chen), "/closevote p1")
    assert [m.text for m in closed] == ["✅ 投票 P1 已结束，结果已发到 1 个群。"]
    again = await world.say_one(c.chen, c.groups[0], "/closevote P1")
    assert again.text == "投票 P1 已经结束了。"
    issue = await world.say_one(c.amei, world.emu.private_chat(c.amei), "/issue 1")
    line = "就此事的投票已结束：🗳 P1 北门围栏重新刷漆吗？ → 同意 0 · 不同意 1"
    assert line in (issue.text or "")
    assert line in text_of(world, issue_card)  # the group's issue card shows it too


async def test_only_officials_open_and_close_votes(world: World) -> None:
    c = await compound(world)
    refused = await world.say_one(c.amei, c.groups[0], FENCES)
    assert refused.text == "⛔ 只有西安村的社区干部可以发起和结束投票。"
    await open_fences(world, c)
    refused = await world.say_one(c.amei, c.groups[0], "/closevote P1")
    assert refused.text == "⛔ 只有西安村的社区干部可以发起和结束投票。"
    private = await world.say_one(c.amei, world.emu.private_chat(c.amei), FENCES)
    assert private.text == "⛔ 只有社区干部可以发起投票。"
    assert (await world.say_one(c.chen, c.groups[0], "/closevote P9")).text == "没有 P9 这个投票。"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("/vote", "请写明问题和至少两个选项"),
        ("/vote 刷漆吗？", "投票至少要有 2 个选项"),
        ("/vote 刷漆吗？ | 同意", "投票至少要有 2 个选项"),
        ("/vote 刷漆吗？ | 同意 |  | 不同意", "有一个选项是空的"),
        ("/vote 刷漆吗？ | 甲 | 乙 | 丙 | 丁 | 戊 | 己 | 庚", "投票最多 6 个选项"),
        ("/vote 刷漆吗？ | 同意 | 不同意 | 15", "投票天数为 1 到 14 天"),
        ("/vote 刷漆吗？ | 同意 | 不同意 | 0", "投票天数为 1 到 14 天"),
        ("/vote 刷漆吗？ | 同意 | 同意", "有两个选项相同"),
        ("/vote " + "问" * 201 + " | 同意 | 不同意", "问题最多 200 个字"),
        ("/vote 刷漆吗？ | " + "长" * 41 + " | 不同意", "每个选项最多 40 个字"),
        ("/vote | 同意 | 不同意", "缺少问题"),
    ],
)
async def test_vote_bad_input(world: World, line: str, expected: str) -> None:
    c = await compound(world)
    said = await world.say_one(c.chen, c.groups[0], line)
    assert expected in (said.text or "") and "请这样写" in (said.text or ""), said.text


async def test_unknown_numbers_and_forged_buttons(world: World) -> None:
    c = await compound(world)
    unknown = await world.say_one(c.chen, c.groups[0], "/vote #99 刷漆吗？ | 同意 | 不同意")
    assert unknown.text == "没有 #99 这个问题。"
    which = await world.say_one(c.chen, c.groups[0], "/closevote")
    assert "哪个投票？" in (which.text or "") and "/closevote P1" in (which.text or "")
    cards = await open_fences(world, c)
    for data, expected in [
        ("vote:9:0", "没有 P9 这个投票。"),
        ("vote:1:7", "这个按钮已失效。"),
        ("vote:x:0", "这个按钮已失效。"),
    ]:
        answer = await world.emu.press_data(c.amei, cards[0], data)
        await world.settle()
        assert answer.text == expected, data
    assert "👥 共 0 人投票" in text_of(world, cards[0])


async def test_english_group_card(world: World) -> None:
    c = await compound(world)
    await world.say(world.superadmin(), c.groups[1], "/lang en")
    await world.say(c.chen, c.groups[0], FENCES)
    card = world.emu.last_bot_message(c.groups[1])
    assert (card.text or "").startswith("🗳 P1 围栏刷成什么颜色？")
    assert "1. 绿色 — 0 votes" in (card.text or "") and "👥 0 people voted" in (card.text or "")
    en = world.person("Ann", username="ann", lang="en")
    await world.emu.send(en, c.groups[1], "hi")
    answer = await world.press(en, card, "灰色")
    assert answer.text == "✅ You voted for “灰色” (P1)."
    assert "2. 灰色 — 1 vote" in text_of(world, card)


async def test_a_redelivered_vote_or_press_has_one_effect(world: World) -> None:
    c = await compound(world)
    await world.say(c.chen, c.groups[0], FENCES)
    opened = max(world.emu.update_queue.history)
    card = world.emu.last_bot_message(c.groups[1])
    await world.press(c.bo, card, "灰色")
    pressed = max(world.emu.update_queue.history)
    await world.press(c.bo, card, "白色")  # changed since: a replayed old press must not undo it
    before = len(world.emu.bot_messages(c.groups[0]))
    world.emu.redeliver(opened)
    world.emu.redeliver(pressed)
    await world.settle()
    assert len(world.emu.bot_messages(c.groups[0])) == before  # no second vote, no reply
    rows = await world.running_app.bot_data.db.query("SELECT count(*) FROM votes")
    assert rows == [(1,)]
    text = text_of(world, card)
    assert "2. 灰色 — 0 票" in text and "3. 白色 — 1 票" in text and "👥 共 1 人投票" in text


async def test_a_busy_vote_card_is_edited_at_most_once_an_interval(world: World) -> None:
    """Presses in quick succession: the first shows at once, the rest together once the interval
    (MULIN_CARD_EDIT_SECONDS) has passed — one edit for them all, as for activity cards."""
    world.settings = replace(world.settings, card_edit_seconds=2.0)
    await world.restart_bot()
    c = await compound(world)
    cards = await open_fences(world, c)
    await world.press(c.amei, cards[0], "绿色")
    assert "👥 共 1 人投票" in text_of(world, cards[0])
    edits = current(world, cards[0]).edits
    await world.press(c.bo, cards[1], "灰色")
    await world.press(c.mei, cards[1], "灰色")
    assert "👥 共 1 人投票" in text_of(world, cards[0])  # within the interval: not yet
    await world.emu.wait_for(lambda: "👥 共 3 人投票" in text_of(world, cards[0]), timeout=5)
    assert current(world, cards[0]).edits == edits + 1
