"""Who is in which group, learned from messages and joins, cached (bot/core/chat_members.py):
/remind asks "which community?" only of people in several communities' groups, /contacts in a
group sends the phone numbers privately, and Telegram is asked about membership rarely."""

from __future__ import annotations

import time

from bot.core.chat_members import PROBE_GAP
from emulator import Chat, User
from tests.conftest import World
from tests.e2e.test_issues import Grid8, grid8

HOME_PHONE = "13812345678"
AWAY_PHONE = "13900001111"
SENT = "电话号码已私聊发给您"
START_FIRST = "请先私聊我，再在私聊里发送 /contacts"


async def two_towns(world: World) -> tuple[Grid8, Chat]:
    """西安村 (grid8: one group) and 鸿塔社区 (one group), each with a contact."""
    g = await grid8(world)
    away = await world.registered_group("鸿塔小区 · 第1网格群", "鸿塔社区", "第1网格")
    admin = world.superadmin()
    await world.say(admin, g.group, f"/addcontact building_head 陈阿姨 {HOME_PHONE} 3号楼")
    await world.say(admin, away, f"/addcontact volunteer 林阿伯 {AWAY_PHONE}")
    return g, away


def private_texts(world: World, user: User) -> list[str]:
    return [m.text or "" for m in world.emu.bot_messages(world.emu.private_chat(user))]


def asked(world: World) -> int:
    return len(world.emu.calls("getChatMember"))


async def test_remind_asks_which_community_only_of_people_in_several(world: World) -> None:
    g, away = await two_towns(world)
    await world.registered_group("溪口村 · 第2网格群", "溪口村", "第2网格")
    # amei is in 西安村's group only: no question, 西安村's reminder
    done = await world.say_one(g.amei, world.emu.private_chat(g.amei), "/remind on")
    assert "议事会当天会提醒您参加西安村的每月议事会" in (done.text or "")
    assert done.labels() == []
    # bo writes in 鸿塔社区's group too: asked, with those two communities only
    await world.say(g.bo, away, "大家好")
    question = await world.say_one(g.bo, world.emu.private_chat(g.bo), "/remind on")
    assert question.text == "哪个社区的议事会？"
    assert sorted(question.labels()) == sorted(["西安村", "鸿塔社区"])
    await world.press(g.bo, question, "鸿塔社区")
    assert "参加鸿塔社区的每月议事会" in private_texts(world, g.bo)[-1]
    # someone in no group at all: every community, as before
    stranger = world.person("路人")
    every = await world.say_one(stranger, world.emu.private_chat(stranger), "/remind on")
    assert sorted(every.labels()) == sorted(["西安村", "鸿塔社区", "溪口村"])


async def test_contacts_in_a_group_sends_the_phones_privately(world: World) -> None:
    g, _ = await two_towns(world)
    # a plain resident who is in the group and started the bot: the phones go privately
    shown = await world.say_one(g.amei, g.group, "/contacts")
    text = shown.text or ""
    assert "📇 西安村：联系人" in text and "陈阿姨 · 3号楼" in text and SENT in text
    assert HOME_PHONE not in text and shown.labels() == []
    mine = private_texts(world, g.amei)[-1]
    assert f"陈阿姨 · 3号楼 · 📞 {HOME_PHONE}" in mine and AWAY_PHONE not in mine
    # a resident who never started the bot: told how, with a button to the private chat
    newcomer = world.person("小新")
    told = await world.say_one(newcomer, g.group, "/contacts")
    assert "陈阿姨 · 3号楼" in (told.text or "") and START_FIRST in (told.text or "")
    assert told.button("打开私聊").url == "https://t.me/mulin_bot"
    assert private_texts(world, newcomer) == []
    # once started, the same request sends them
    await world.say(newcomer, world.emu.private_chat(newcomer), "/start")
    again = await world.say_one(newcomer, g.group, "/contacts")
    assert SENT in (again.text or "")
    assert f"📞 {HOME_PHONE}" in private_texts(world, newcomer)[-1]
    everything = "\n".join(m.text or "" for m in world.emu.bot_messages(g.group))
    assert HOME_PHONE not in everything


async def test_a_member_who_left_is_no_longer_one(world: World) -> None:
    g, away = await two_towns(world)
    dm = world.emu.private_chat(g.amei)
    assert HOME_PHONE in (await world.say_one(g.amei, dm, "/contacts")).text  # type: ignore[operator]
    before = asked(world)
    await world.emu.remove_member(g.group, g.amei)
    await world.settle()
    refused = await world.say_one(g.amei, dm, "/contacts")
    assert "电话号码只提供给本社区网格群的成员" in (refused.text or "")
    # known from the leave itself: Telegram was asked only about the other community's group
    questions = world.emu.calls("getChatMember")[before:]
    assert [q["chat_id"] for q in questions] == [away.id]
    # joining again makes her a member at once
    await world.emu.add_member(g.group, g.amei)
    await world.settle()
    assert HOME_PHONE in (await world.say_one(g.amei, dm, "/contacts")).text  # type: ignore[operator]
    assert asked(world) == before + 1


async def test_a_member_the_bot_never_saw_is_asked_about_once(world: World) -> None:
    g, _ = await two_towns(world)
    lurker = world.person("潜水员")
    world.emu.world.chat_state(g.group).members[lurker.id] = "member"  # joined before the bot
    dm = world.emu.private_chat(lurker)
    before = asked(world)
    for _ in range(3):
        assert HOME_PHONE in (await world.say_one(lurker, dm, "/contacts")).text  # type: ignore[operator]
    assert asked(world) - before == 1
    await world.restart_bot()  # remembered in the database
    assert HOME_PHONE in (await world.say_one(lurker, dm, "/contacts")).text  # type: ignore[operator]
    assert asked(world) - before == 1


async def test_bursts_ask_telegram_a_few_times_at_most(world: World) -> None:
    g, _ = await two_towns(world)
    # 20 /contacts in private from someone in no group (two groups in town)
    stranger = world.person("路人")
    before = asked(world)
    for _ in range(20):
        await world.emu.send(stranger, world.emu.private_chat(stranger), "/contacts")
    await world.settle()
    replies = private_texts(world, stranger)
    assert len(replies) == 20 and all("电话号码只提供给" in t for t in replies)
    assert asked(world) - before <= 2  # measured: 2 (one per group, then remembered)
    # 10 more strangers at once: one question per group and PROBE_GAP seconds
    before, started = asked(world), time.monotonic()
    for i in range(10):
        other = world.person(f"路人{i}")
        await world.emu.send(other, world.emu.private_chat(other), "/contacts")
    await world.settle()
    gaps = 1 + int((time.monotonic() - started) // PROBE_GAP)
    assert asked(world) - before <= 2 * gaps  # measured: 0 (both asked about just before)
    # 20 /help in a group from two residents
    before = asked(world)
    lists = len(world.emu.calls("getChatAdministrators"))
    for i in range(20):
        await world.emu.send(g.amei if i % 2 else g.bo, g.group, "/help")
    await world.settle()
    helps = [m for m in world.emu.bot_messages(g.group) if "您在这里可以做的事" in (m.text or "")]
    assert len(helps) == 20
    assert asked(world) - before <= 2  # measured: 2
    assert len(world.emu.calls("getChatAdministrators")) - lists <= 1  # measured: 1
