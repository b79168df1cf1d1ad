"""Public notices with an objection window (公示; SPEC "Visits, urgent meetings and votes") end to
end: /notice posts a card in every group of the community with an "Object" link; the link opens
a private dialog (persisted across a restart) that takes the objection, confirms it to its
author and sends it at once to the community's officials with the objector's name; one objection
per person, replaceable until the close; at the close (run_notice_close at a chosen "now", once
across restarts) every group is told the count and never a name; what is wrong is answered.
Every "now" is counted from the moment the test posts, so it passes at any hour."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest

from bot.core.db import utcnow
from bot.notices.jobs import run_notice_close
from emulator import Chat, Message, User
from tests.conftest import World

LIST = "业主委员会筹备组成员名单公示：许惠莲、朱炳兴、陈建国、王丽华、林志强"
OBJECTION = "朱炳兴不是本小区业主，不符合筹备组成员条件"
HOW = "请这样写："


@dataclass
class Town:
    groups: list[Chat]  # 西安村's two groups
    away: Chat  # another community's group
    yang: User  # 杨主任, community official of 西安村
    chen: User  # 陈书记, community official too
    lin: User  # 林网格员: a grid worker, not an official
    huang: User  # 黄阿婆, a resident
    amei: User  # 阿美, a resident


async def town(world: World) -> Town:
    admin = world.superadmin()
    groups = [
        await world.registered_group("海景湾二期 · 第8网格群", "西安村", "第8网格"),
        await world.registered_group("海景湾三期 · 第9网格群", "西安村", "第9网格"),
    ]
    away = await world.registered_group("鸿塔小区 · 第1网格群", "鸿塔社区", "第1网格")
    people = {
        "yang": world.person("杨主任", username="yang_zhuren"),
        "chen": world.person("陈书记", username="chen_xian"),
        "lin": world.person("林网格员", username="lin_grid"),
        "huang": world.person("黄阿婆", username="huang_apo"),
        "amei": world.person("阿美", username="amei"),
    }
    for user in people.values():
        await world.emu.send(user, groups[0], "大家好")
        await world.emu.send(user, world.emu.private_chat(user), "/start")
    await world.settle()
    await world.say(admin, groups[0], "/grant community @yang_zhuren")
    await world.say(admin, groups[0], "/grant community @chen_xian")
    await world.say(admin, groups[0], "/grant grid @lin_grid")
    return Town(groups, away, **people)


def dm(world: World, user: User) -> Chat:
    return world.emu.private_chat(user)


async def post(world: World, t: Town, days: int = 5, text: str = LIST) -> list[Message]:
    """杨主任 posts the notice in 西安村's first group: the cards it put in both groups."""
    answers = await world.say(t.yang, t.groups[0], f"/notice {days} {text}")
    (answer,) = [m for m in answers if m.reply_to_message_id is not None]
    assert "✅ 公示 G" in (answer.text or "") and "已发布到 2 个群" in (answer.text or ""), (
        answer.text
    )
    return [cards(world, g)[-1] for g in t.groups]


def cards(world: World, chat: Chat) -> list[Message]:
    return [m for m in world.emu.bot_messages(chat) if m.buttons and m.reply_to_message_id is None]


async def open_link(world: World, user: User, card: Message, label: str = "✋ 提出异议") -> Message:
    """What Telegram does when the button is pressed: the private chat opens with /start <payload>."""
    url = card.button(label).url or ""
    assert url.startswith("https://t.me/mulin_bot?start=object_"), url
    return await world.say_one(user, dm(world, user), "/start " + url.split("?start=", 1)[1])


async def object_to(world: World, user: User, card: Message, text: str) -> Message:
    prompt = await open_link(world, user, card)
    assert "对公示 G" in (prompt.text or ""), prompt.text
    return await world.say_one(user, dm(world, user), text)


def texts(world: World, chat: Chat) -> list[str]:
    return [m.text or "" for m in world.emu.bot_messages(chat)]


def window_end() -> timedelta:
    return timedelta(days=5)


async def test_a_notice_is_posted_in_every_group_of_the_community_with_an_object_link(
    world: World,
) -> None:
    t = await town(world)
    await world.say(t.yang, t.groups[1], "/lang en")
    away_before = texts(world, t.away)
    cards = await post(world, t)
    zh, en = cards
    assert (zh.text or "").startswith("📢 公示 G1 · 西安村\n")
    assert LIST in (zh.text or "") and "异议受理至" in (zh.text or "")
    assert "群里不会出现您的名字" in (zh.text or "")
    assert zh.labels() == ["✋ 提出异议"]
    assert zh.button("✋ 提出异议").url == "https://t.me/mulin_bot?start=object_1"
    assert (en.text or "").startswith("📢 Public notice G1 · 西安村\n")
    assert en.button("✋ Object").url == "https://t.me/mulin_bot?start=object_1"
    assert texts(world, t.away) == away_before  # another community's group hears nothing


async def test_an_objection_is_taken_privately_confirmed_and_sent_to_the_officials(
    world: World,
) -> None:
    t = await town(world)
    cards = await post(world, t)
    group_texts = [texts(world, g) for g in t.groups]
    prompt = await open_link(world, t.huang, cards[0])
    assert (prompt.text or "").startswith(f"✋ 对公示 G1「{LIST}」的异议\n")
    assert "只有社区干部能看到内容和您的名字" in (prompt.text or "")
    assert prompt.labels() == ["✖ 取消"]
    lin_before = texts(world, dm(world, t.lin))
    done = await world.say_one(t.huang, dm(world, t.huang), OBJECTION)
    assert (done.text or "").startswith("✅ 您对 G1「")
    assert "的异议已收到" in (done.text or "")
    for official in (t.yang, t.chen):
        told = world.emu.last_bot_message(dm(world, official)).text or ""
        assert "对公示 G1「" in told and "提出人：黄阿婆 (@huang_apo)" in told
        assert OBJECTION in told
    assert texts(world, dm(world, t.lin)) == lin_before  # a grid worker is not an official
    assert [texts(world, g) for g in t.groups] == group_texts  # nothing in the groups


async def test_one_objection_per_person_a_new_one_replaces_it_until_the_close(
    world: World,
) -> None:
    t = await town(world)
    cards = await post(world, t)
    await object_to(world, t.huang, cards[0], "名单里有人不是业主")
    again = await open_link(world, t.huang, cards[1])
    assert "您之前提出的异议（新的会替换它）" in (again.text or "")
    assert "名单里有人不是业主" in (again.text or "")
    done = await world.say_one(t.huang, dm(world, t.huang), OBJECTION)
    assert "的异议已更新为这一条" in (done.text or "")
    told = world.emu.last_bot_message(dm(world, t.yang)).text or ""
    assert "（替换此人之前的异议）" in told and OBJECTION in told
    listed = await world.say_one(t.chen, dm(world, t.chen), "/objections G1")
    text = listed.text or ""
    assert "✋ 公示 G1「" in text and "：1 条异议" in text
    assert "黄阿婆" in text and OBJECTION in text and "名单里有人不是业主" not in text


async def test_at_the_close_every_group_learns_the_count_and_never_a_name(world: World) -> None:
    t = await town(world)
    cards = await post(world, t)
    posted = utcnow()
    await object_to(world, t.huang, cards[0], OBJECTION)
    await object_to(world, t.amei, cards[1], "公示时间太短，很多业主在外地看不到")
    early = await run_notice_close(
        world.running_app.bot_data, posted + window_end() - timedelta(minutes=2)
    )
    await world.settle()
    assert early.counts == {}
    before = [len(texts(world, g)) for g in t.groups]
    done = await run_notice_close(
        world.running_app.bot_data, posted + window_end() + timedelta(minutes=1)
    )
    await world.settle()
    assert done.counts == {1: 2}
    for group, count in zip(t.groups, before, strict=True):
        news = texts(world, group)[count:]
        assert len(news) == 1, news
        assert news[0].startswith("📢 公示 G1「") and "已期满" in news[0]
        assert "公示期内共收到 2 条异议" in news[0]
        assert "黄阿婆" not in news[0] and "阿美" not in news[0]
    for group in t.groups:  # no objector is named in any group, ever
        assert not any("黄阿婆" in x or "阿美" in x or OBJECTION in x for x in texts(world, group))
    for_official = world.emu.last_bot_message(dm(world, t.yang)).text or ""
    assert "公示期内共收到 2 条异议" in for_official and "/objections G1" in for_official
    # once: a second run, and a run after a restart, tell nobody again
    await run_notice_close(world.running_app.bot_data, posted + window_end() + timedelta(minutes=2))
    await world.restart_bot()
    again = await run_notice_close(
        world.running_app.bot_data, posted + window_end() + timedelta(days=1)
    )
    await world.settle()
    assert again.counts == {}
    assert [len(texts(world, g)) for g in t.groups] == [c + 1 for c in before]


async def test_no_objection_is_said_and_a_late_objection_is_refused_politely(world: World) -> None:
    t = await town(world)
    cards = await post(world, t, days=1)
    prompt = await open_link(world, t.huang, cards[0])  # the dialog is open when the window ends
    assert "对公示 G1" in (prompt.text or "")
    done = await run_notice_close(
        world.running_app.bot_data, utcnow() + timedelta(days=1, minutes=1)
    )
    await world.settle()
    assert done.counts == {1: 0}
    for group in t.groups:
        assert "公示期内没有收到异议。" in texts(world, group)[-1]
    late = await world.say_one(t.huang, dm(world, t.huang), OBJECTION)
    assert "已于" in (late.text or "") and "期满，不再受理异议" in (late.text or "")
    refused = await open_link(world, t.amei, cards[1])
    assert "期满，不再受理异议" in (refused.text or "")
    listed = await world.say_one(t.yang, dm(world, t.yang), "/objections G1")
    assert "：0 条异议" in (listed.text or "") and "已于" in (listed.text or "")


async def test_the_objection_dialog_continues_after_a_restart(world: World) -> None:
    t = await town(world)
    cards = await post(world, t)
    await open_link(world, t.huang, cards[0])
    await world.restart_bot()
    done = await world.say_one(t.huang, dm(world, t.huang), OBJECTION)
    assert "的异议已收到" in (done.text or "")
    assert OBJECTION in (world.emu.last_bot_message(dm(world, t.yang)).text or "")


async def test_a_redelivered_objection_and_notice_have_one_effect(world: World) -> None:
    t = await town(world)
    cards = await post(world, t)
    await object_to(world, t.huang, cards[0], OBJECTION)
    objection_update = max(world.emu.update_queue.history)
    counts = {
        c.id: len(texts(world, c)) for c in (*t.groups, dm(world, t.yang), dm(world, t.huang))
    }
    world.emu.redeliver(objection_update)
    await world.settle()
    await world.restart_bot()
    world.emu.redeliver(objection_update)
    await world.settle()
    after = {c.id: len(texts(world, c)) for c in (*t.groups, dm(world, t.yang), dm(world, t.huang))}
    assert after == counts
    listed = await world.say_one(t.yang, dm(world, t.yang), "/objections G1")
    assert "：1 条异议" in (listed.text or "")


async def test_a_redelivered_notice_posts_one_card_per_group(world: World) -> None:
    t = await town(world)
    await post(world, t)
    posted = max(world.emu.update_queue.history)
    counts = [len(texts(world, g)) for g in t.groups]
    world.emu.redeliver(posted)
    await world.settle()
    await world.restart_bot()
    world.emu.redeliver(posted)
    await world.settle()
    assert [len(texts(world, g)) for g in t.groups] == counts
    listed = await world.say_one(t.amei, t.groups[0], "/notices")
    assert listed.labels() == ["✋ 对 G1 提出异议"]


async def test_the_close_runs_every_minute(world: World) -> None:
    queue = world.running_app.job_queue
    assert queue is not None
    (job,) = queue.get_jobs_by_name("notices")
    assert job.job.trigger.interval == timedelta(minutes=1)


async def test_notices_lists_the_open_ones_with_their_links(world: World) -> None:
    t = await town(world)
    empty = await world.say_one(t.amei, t.groups[1], "/notices")
    assert empty.text == "西安村：目前没有正在公示的事项。"
    await post(world, t, days=3, text="小区停车收费标准调整方案公示")
    await post(world, t, days=7)
    listed = await world.say_one(t.amei, t.groups[1], "/notices")
    lines = (listed.text or "").split("\n")
    assert lines[0] == "📢 西安村：正在公示、受理异议的事项"
    assert lines[1].startswith("G1「小区停车收费标准调整方案公示」 · 截止 ")  # the sooner first
    assert lines[2].startswith("G2「业主委员会筹备组成员名单公示")
    assert listed.labels() == ["✋ 对 G1 提出异议", "✋ 对 G2 提出异议"]
    prompt = await open_link(world, t.huang, listed, "✋ 对 G2 提出异议")
    assert "对公示 G2" in (prompt.text or "")
    asked = await world.say_one(t.huang, dm(world, t.huang), "/notices")  # two communities
    assert "哪个社区？" in (asked.text or "") and "/notices 西安村" in (asked.text or "")
    private = await world.say_one(t.huang, dm(world, t.huang), "/notices 西安村")
    assert "G1「" in (private.text or "") and len(private.labels()) == 2
    await run_notice_close(world.running_app.bot_data, utcnow() + timedelta(days=3, minutes=1))
    await world.settle()
    after = await world.say_one(t.amei, t.groups[1], "/notices")
    assert "G1「" not in (after.text or "") and "G2「" in (after.text or "")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/notice", "请先写公示天数（1–30），再写公示内容。"),
        ("/notice 0 名单公示", "公示天数为 1 到 30 天；“0”不是有效的天数。"),
        ("/notice 31 名单公示", "公示天数为 1 到 30 天；“31”不是有效的天数。"),
        ("/notice 五天 名单公示", "公示天数为 1 到 30 天；“五天”不是有效的天数。"),
        ("/notice 5", "请在天数后面写上公示内容。"),
        ("/notice 5 " + "公" * 2001, "共 2,001 个字；公示内容最多 2,000 个字。"),
    ],
)
async def test_notice_bad_input_says_what_is_wrong_and_how(
    world: World, text: str, expected: str
) -> None:
    t = await town(world)
    answer = await world.say_one(t.yang, t.groups[0], text)
    assert expected in (answer.text or "") and HOW in (answer.text or ""), answer.text
    assert "/notice 5 业主委员会筹备组成员名单公示" in (answer.text or "")
    assert [m for m in world.emu.bot_messages(t.groups[1]) if "📢 公示" in (m.text or "")] == []


async def test_limits_of_days_and_text_are_inclusive(world: World) -> None:
    """30 days and 2,000 characters are taken — even 2,000 emoji, 4,000 as Telegram counts:
    the card and the officials' copy are cut in two, the button on the last part."""
    t = await town(world)
    cards = await post(world, t, days=30, text="🚰" * 2000)
    for group in t.groups:
        assert "".join(texts(world, group)).count("🚰") == 2000
    assert "（公示 30 天）" in (cards[1].text or "")
    before = len(texts(world, dm(world, t.yang)))
    done = await object_to(world, t.huang, cards[0], "🚨" * 2000)
    assert "的异议已收到" in (done.text or "")
    told = texts(world, dm(world, t.yang))[before:]
    assert "".join(told).count("🚨") == 2000 and "提出人：黄阿婆" in told[0]
    one = await world.say_one(t.yang, dm(world, t.yang), "/notice 1天 名单公示")
    assert "✅ 公示 G2" in (one.text or "")


async def test_who_may_post_and_read_objections(world: World) -> None:
    t = await town(world)
    for who in (t.lin, t.amei):
        refused = await world.say_one(who, t.groups[0], f"/notice 5 {LIST}")
        assert refused.text == "⛔ 只有西安村的社区干部可以发布公示。"
    private = await world.say_one(t.amei, dm(world, t.amei), f"/notice 5 {LIST}")
    assert private.text == "⛔ 只有社区干部可以发布公示。"
    named = await world.say_one(t.yang, dm(world, t.yang), f"/notice 西安村 5 {LIST}")
    assert "已发布到 2 个群" in (named.text or "")
    for who in (t.lin, t.amei):
        denied = await world.say_one(who, dm(world, who), "/objections G1")
        assert denied.text == "⛔ 只有该社区的社区干部可以查看公示收到的异议。"
    in_group = await world.say_one(t.yang, t.groups[0], "/objections G1")
    assert "这个功能请私聊我使用" in (in_group.text or "") or HOW in (in_group.text or "")
    missing = await world.say_one(t.yang, dm(world, t.yang), "/objections G9")
    assert missing.text == "没有编号为 G9 的公示。"
    no_number = await world.say_one(t.yang, dm(world, t.yang), "/objections")
    assert "哪一条公示？请写上编号。" in (no_number.text or "")


async def test_objection_bad_input(world: World) -> None:
    t = await town(world)
    cards = await post(world, t)
    unknown = await world.say_one(t.huang, dm(world, t.huang), "/start object_77")
    assert unknown.text == "没有编号为 G77 的公示。"
    await open_link(world, t.huang, cards[0])
    too_long = await world.say_one(t.huang, dm(world, t.huang), "不" * 2001)
    assert "共 2,001 个字；异议最多 2,000 个字。请精简后重新发送。" in (too_long.text or "")
    await world.emu.send_sticker(t.huang, dm(world, t.huang))
    await world.settle()
    assert "请用文字写下您的异议" in (world.emu.last_bot_message(dm(world, t.huang)).text or "")
    taken = await world.say_one(t.huang, dm(world, t.huang), "不" * 2000)  # still asked: taken
    assert "的异议已收到" in (taken.text or "")
    await open_link(world, t.amei, cards[0])
    cancel = world.emu.last_bot_message(dm(world, t.amei))
    await world.press(t.amei, cancel, "✖ 取消")
    assert world.emu.last_bot_message(dm(world, t.amei)).text == "已取消，没有提交异议。"
    after = await world.say_one(t.amei, dm(world, t.amei), OBJECTION)  # not an objection now
    assert "的异议" not in (after.text or "")
    listed = await world.say_one(t.yang, dm(world, t.yang), "/objections G1")
    assert "：1 条异议" in (listed.text or "")


async def test_an_english_speaker_objects_in_english(world: World) -> None:
    t = await town(world)
    cards = await post(world, t)
    tom = world.person("Tom", username="tom_lee", lang="en")
    await world.emu.send(tom, t.groups[0], "hello")
    prompt = await open_link(world, tom, cards[0])
    assert "Objection to notice G1" in (prompt.text or "")
    assert prompt.labels() == ["✖ Cancel"]
    done = await world.say_one(tom, dm(world, tom), "Zhu is not an owner here")
    assert "✅ Your objection to G1" in (done.text or "")
    told = world.emu.last_bot_message(dm(world, t.yang)).text or ""
    assert "提出人：Tom (@tom_lee)" in told
