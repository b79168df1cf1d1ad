"""Follow-through (SPEC "Follow-through"; issue 14, items 4 and 5): "Fixed?" asked of the
reporter and every follower who started the bot, with 👍 / 🤏 / 👎, counted on the card and
changeable while the issue stays resolved, the reporter's 👎 reopening it; and many voices
making a big matter: at the community's follower threshold a minor issue becomes major, once."""

from __future__ import annotations

from emulator import Message, User
from tests.conftest import World
from tests.e2e.test_issues import grid8, report


def question_of(world: World, user: User) -> Message:
    asked = [
        m
        for m in world.emu.bot_messages(world.emu.private_chat(user))
        if "真的解决了吗" in (m.text or "")
    ]
    assert asked, f"{user.first_name} was not asked"
    return asked[-1]


async def me_too(world: World, user: User, card: Message) -> None:
    """ "Me too" on the card as it is now (its button's label carries the count)."""
    await world.emu.press_data(
        user, world.emu.message(card.chat_id, card.message_id), "iss:follow:1"
    )
    await world.settle()


def card_now(world: World, card: Message) -> str:
    return world.emu.message(card.chat_id, card.message_id).text or ""


async def test_everyone_affected_is_asked_and_the_answers_are_counted(world: World) -> None:
    g = await grid8(world)
    card = await report(world, g.amei, g.group, "3号楼门口路灯不亮，晚上很黑")
    for neighbour in (g.bo, g.chen):
        await me_too(world, neighbour, card)
    silent = world.person("老郑", username="zheng")  # follows, never started the bot
    await world.emu.send(silent, g.group, "大家好")
    await me_too(world, silent, card)
    await world.say(g.lin, g.group, "/close 1 已更换灯泡")
    reporter_q, bo_q, chen_q = (question_of(world, u) for u in (g.amei, g.bo, g.chen))
    assert "7 天内不回复" in (reporter_q.text or "")
    assert "7 天内不回复" not in (bo_q.text or "")  # only the reporter's silence counts
    assert bo_q.labels() == ["👍 解决了", "🤏 部分解决", "👎 没解决"]
    await world.press(g.amei, reporter_q, "👍 解决了")
    await world.press(g.bo, bo_q, "🤏 部分解决")
    await world.press(g.chen, chen_q, "👎 没解决")  # a follower's 👎 is counted, no reopening
    await world.settle()
    assert "评价 1👍 1🤏 1👎" in card_now(world, card)
    assert card_now(world, card).startswith("#1 社区说 · 已解决")
    changed = await world.press(g.bo, world.emu.message(bo_q.chat_id, bo_q.message_id), "👍 解决了")
    assert changed.text == "谢谢！很高兴问题解决了。"
    await world.settle()
    assert "评价 2👍 0🤏 1👎" in card_now(world, card)
    marked = world.emu.message(bo_q.chat_id, bo_q.message_id).labels()
    assert marked == ["✓ 👍 解决了", "🤏 部分解决", "👎 没解决"]
    stranger = await world.emu.press_data(g.yang, bo_q, "fix:fixed:1")
    assert stranger.text == "只有反映人和关注这个问题的邻居可以回答。"


async def test_the_reporters_no_reopens_and_old_answers_close(world: World) -> None:
    g = await grid8(world)
    card = await report(world, g.amei, g.group, "5号楼下水道堵了，污水漫出来")
    await me_too(world, g.bo, card)
    await world.say(g.lin, g.group, "/close 1 已疏通")
    bo_q = question_of(world, g.bo)
    await world.press(g.amei, question_of(world, g.amei), "👎 没解决")
    assert card_now(world, card).startswith("#1 居民说 · 待处理")
    late = await world.press(g.bo, bo_q, "👍 解决了")
    assert late.text == "这个问题已经有了新变化，此评价已关闭。"
    assert "评价" not in card_now(world, card)


async def test_the_reporters_partly_settles_the_question(world: World) -> None:
    g = await grid8(world)
    await report(world, g.amei, g.group, "5号楼下水道堵了，污水漫出来")
    await world.say(g.lin, g.group, "/close 1 已疏通")
    await world.press(g.amei, question_of(world, g.amei), "🤏 部分解决")
    history = await world.say_one(g.lin, g.group, "/issue 1")
    assert "反映人表示部分解决" in (history.text or "")


async def test_many_voices_make_a_big_matter_once(world: World) -> None:
    g = await grid8(world)
    refused = await world.say_one(g.lin, g.group, "/setfollow 3")
    assert "⛔ 只有西安村的社区干部可以修改" in (refused.text or "")
    for wrong in ("/setfollow", "/setfollow 1", "/setfollow 1001", "/setfollow 三"):
        answer = await world.say_one(g.chen, g.group, wrong)
        assert "现在：10 位邻居关注的问题会升为大事" in (answer.text or ""), wrong
    done = await world.say_one(g.chen, g.group, "/setfollow 3")
    assert "3 位邻居关注的问题将升为大事" in (done.text or "")
    card = await report(world, g.amei, g.group, "小区门口的减速带坏了，车开得飞快")
    neighbours = [world.person(f"邻居{i}", username=f"nb{i}") for i in range(4)]
    for neighbour in neighbours[:2]:
        await me_too(world, neighbour, card)
    assert "小事" in card_now(world, card)
    await me_too(world, neighbours[2], card)  # the third: the threshold
    shown = card_now(world, card)
    assert "大事" in shown and "3 位邻居都遇到了：升为大事，列入议事会议题" in shown
    meeting = await world.say_one(g.amei, g.group, "/meeting")
    assert "#1" in (meeting.text or "")
    await world.say(g.lin, g.group, "/priority 1 minor")  # a moderator has the last word
    await me_too(world, neighbours[3], card)
    shown = card_now(world, card)
    assert shown.count("升为大事") == 1 and "小事" in shown
