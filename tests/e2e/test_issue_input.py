"""Hostile and malformed input around issues (SPEC "Limits and bad input"), through the emulator.

Everything wrong gets a short answer that says what was wrong and, for a command written
wrongly, how to write it ("请这样写："); user text is shown verbatim; an update delivered twice has
one effect; the report rate limit and the near-duplicate suggestion work as SPEC says. The
`emu` fixture checks that the bot never caused a Telegram error (a message over 4096
characters, broken HTML, ...).
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pytest

from emulator import Chat, Message, User
from tests.conftest import World

HOW = "请这样写："
POOL = (
    "楼栋门口路灯电梯水管井盖车位充电桩垃圾桶绿化草坪围墙栏杆台阶扶手信箱监控"
    "消防通道楼道窗户屋顶漏雨噪音广场健身器材凉亭座椅单元道闸岗亭化粪池排污泵房"
)


def first_line(message: Message) -> str:
    return (message.text or "").split("\n", 1)[0]


def utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


@dataclass
class Grid:
    """西安村 · 第8网格's group, a grid worker 小林 and a resident 阿美, both started."""

    world: World
    group: Chat
    lin: User
    amei: User
    rng: random.Random

    @classmethod
    async def make(cls, world: World) -> Grid:
        admin = world.superadmin()
        lin = world.person("小林", username="lin")
        amei = world.person("阿美", username="amei")
        group = await world.registered_group("海景湾二期", "西安村", "第8网格")
        for user in (lin, amei):
            await world.emu.send(user, world.emu.private_chat(user), "/start")
        await world.emu.send(admin, world.emu.private_chat(admin), "/grant grid @lin 西安村")
        await world.settle()
        return cls(world, group, lin, amei, random.Random(15))

    def dm(self, user: User) -> Chat:
        return self.world.emu.private_chat(user)

    def text(self) -> str:
        """An issue text that is no near-duplicate of another."""
        return "".join(self.rng.sample(POOL, 12))

    async def report(
        self, user: User, text: str | None = None, *, chat: Chat | None = None
    ) -> tuple[int, Message]:
        """/report in the group; returns the issue number and its card."""
        where = chat or self.group
        report = await self.world.emu.send(user, where, f"/report {text or self.text()}")
        await self.world.settle()
        cards = [
            m
            for m in self.world.emu.bot_messages(where)
            if m.reply_to_message_id == report.message_id
        ]
        assert len(cards) == 1, [m.text for m in cards]
        found = re.match(r"#(\d+) 居民说 · 待处理$", first_line(cards[0]))
        assert found, cards[0].text
        return int(found.group(1)), cards[0]

    def card(self, message: Message) -> Message:
        return self.world.emu.message(message.chat_id, message.message_id)

    async def ask(self, user: User, text: str) -> Message:
        """A command in the user's private chat; its one answer."""
        return await self.world.say_one(user, self.dm(user), text)

    async def issue_count(self) -> int:
        assert self.world.app is not None
        storage = self.world.app.bot_data.db
        return int(
            await storage.run(
                lambda conn: conn.execute("SELECT count(*) FROM issues").fetchone()[0]
            )
        )


# -- /report ------------------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["/report", "/urgent", "/report    ", "/report@mulin_bot"])
async def test_report_without_text_says_how_to_write_it(world: World, command: str) -> None:
    town = await Grid.make(world)
    reply = await world.say_one(town.amei, town.group, command)
    text = reply.text or ""
    assert "请在命令后面写上问题。" in text
    name = command.split("@")[0].strip()
    assert f"{HOW}{name} 3号楼门口路灯不亮" in text
    assert reply.reply_to_message_id is not None
    (button,) = [b for row in reply.buttons for b in row]
    assert button.text == "✍️ 私下反映" and (button.url or "").startswith(
        "https://t.me/mulin_bot?start="
    )
    assert await town.issue_count() == 0


async def test_report_of_2000_characters_is_taken_2001_refused(world: World) -> None:
    town = await Grid.make(world)
    text = ("三号楼的路灯坏了很久" * 200)[:2000]
    n, card = await town.report(town.amei, text)
    assert text in (card.text or "")
    refused = await world.say_one(town.amei, town.group, "/report " + "漏" * 2001)
    assert "共 2,001 个字；反映内容最多 2,000 个字。" in (refused.text or "")
    assert HOW in (refused.text or "")
    assert await town.issue_count() == 1
    del n


@pytest.mark.parametrize(
    "text",
    [
        "🚰" * 2000,  # 2000 characters, 4000 as Telegram counts them
        "<" * 2000,  # 2000 characters that are 8000 once escaped
        "&amp;" * 400,
    ],
    ids=["emoji", "angle-brackets", "entities"],
)
async def test_a_report_at_the_limit_gets_a_card_within_telegrams_limit(
    world: World, text: str
) -> None:
    town = await Grid.make(world)
    n, card = await town.report(town.amei, text)
    assert utf16(card.text or "") <= 4096
    assert (card.text or "").count(text[:50]) >= 1  # the start of the text, verbatim
    # resolving it with a 2000-character solution: still one card within the limit
    await town.ask(town.lin, f"/close {n} " + "换" * 2000)
    card = town.card(card)
    assert first_line(card) == f"#{n} 社区说 · 已解决"
    assert utf16(card.text or "") <= 4096
    answer = await town.ask(town.amei, f"/issue {n}")
    assert first_line(answer) == f"#{n} 社区说 · 已解决"


async def test_a_card_that_must_be_shortened_keeps_as_much_text_as_fits(world: World) -> None:
    town = await Grid.make(world)
    n, card = await town.report(town.amei, "🚰" * 2000)
    await town.ask(town.lin, f"/close {n} " + "换" * 2000)
    text = town.card(card).text or ""
    assert first_line(town.card(card)) == f"#{n} 社区说 · 已解决"
    assert "换" * 2000 in text
    assert utf16(text) <= 4096
    # 4096 less the 2000-character solution, the newest history lines (which quote up to 300
    # characters of it) and a few short lines leave room for about 850 emoji (two UTF-16 units
    # each): the text is shortened only as much as needed to fill the card to the limit
    assert text.count("🚰") >= 800, f"{text.count('🚰')} of 2000 kept; card is {utf16(text)} long"
    assert utf16(text) >= 4096 - 4


@pytest.mark.parametrize("where", ["group", "private"])
async def test_a_photo_captioned_report_is_not_met_with_silence(world: World, where: str) -> None:
    town = await Grid.make(world)
    chat = town.group if where == "group" else town.dm(town.amei)
    before = len(world.emu.bot_messages(chat))
    await world.emu.send_photo(town.amei, chat, caption="/report 3号楼门口路灯不亮，看照片")
    await world.settle()
    assert len(world.emu.bot_messages(chat)) > before, "silence"


def entities_over(message: Message, literal: str) -> list[dict[str, Any]]:
    """The formatting entities that touch `literal` in the message's text."""
    text = message.text or ""
    start = utf16(text[: text.index(literal)])
    end = start + utf16(literal)
    return [e for e in message.entities if e["offset"] < end and e["offset"] + e["length"] > start]


@pytest.mark.parametrize(
    "text",
    [
        "<b>x</b> & *y* _z_ [a](b)",
        "<a href='tg://user?id=1'>点我</a> &lt; `code` ~~s~~ ||spoiler|| <i>",
        "楼下 مرحبا بالعالم שלום 👨‍👩‍👧‍👦 漏水 🇨🇳 \u200f!",
    ],
    ids=["html-and-markdown", "more-markup", "emoji-and-rtl"],
)
async def test_report_text_is_shown_verbatim_everywhere(world: World, text: str) -> None:
    town = await Grid.make(world)
    n, card = await town.report(town.amei, text)
    assert text in (card.text or "")
    assert entities_over(card, text) == []
    private = await town.ask(town.amei, f"/issue #{n}")
    assert text in (private.text or "") and entities_over(private, text) == []
    await town.ask(town.lin, f"/escalate {n}")
    post = world.emu.last_bot_message(town.group)
    assert post.reply_to_message_id == card.message_id
    shown = text[:39]  # the post and the board quote the start of the text
    assert shown in (post.text or "") and entities_over(post, shown) == []
    board = await world.say_one(town.amei, town.group, "/board")
    assert shown in (board.text or "") and entities_over(board, shown) == []


async def test_names_with_markup_are_shown_verbatim(world: World) -> None:
    town = await Grid.make(world)
    mallory = world.person("<b>王</b> & <i>", username="mallory")
    n, card = await town.report(mallory)
    assert "👤 <b>王</b> & <i>" in (card.text or "")
    assert entities_over(card, "<b>王</b> & <i>") == []
    del n


async def test_report_in_an_unregistered_group_is_answered(world: World) -> None:
    amei = world.person("阿美")
    group = await world.group("新建群", admin=world.superadmin())
    for command in ("/report 路灯不亮", "/urgent 燃气泄漏"):
        reply = await world.say_one(amei, group, command)
        assert reply.text == "本群还没有登记，暂时不能在这里反映问题。请群管理员用 /setup 登记。"


# -- /issue -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ("", ["哪个问题？请写编号。", HOW + "/issue 12"]),
        ("abc", ["“abc”不是问题编号。", HOW + "/issue 12"]),
        ("-1", ["“-1”不是问题编号。", HOW + "/issue 12"]),
        ("1.5", ["“1.5”不是问题编号。", HOW + "/issue 12"]),
        ("<b>1</b>", ["“<b>1</b>”不是问题编号。", HOW]),
        ("42", ["没有 #42 这个问题。"]),
    ],
)
async def test_issue_with_a_bad_number(world: World, args: str, expected: list[str]) -> None:
    town = await Grid.make(world)
    await town.report(town.amei)
    reply = await town.ask(town.amei, f"/issue {args}".strip())
    for part in expected:
        assert part in (reply.text or ""), reply.text


@pytest.mark.parametrize("args", ["0", "99999999999", "#0"])
async def test_issue_with_a_number_no_issue_can_have(world: World, args: str) -> None:
    town = await Grid.make(world)
    reply = await town.ask(town.amei, f"/issue {args}")
    value = args.lstrip("#")
    assert reply.text in (
        f"没有 #{value} 这个问题。",
        f"⚠️ “{args}”不是问题编号。\n{HOW}/issue 12",
    )


@pytest.mark.parametrize("form", ["{n}", "#{n}", "＃{n}", "#{n} 多余的字"])
async def test_issue_numbers_as_people_write_them(world: World, form: str) -> None:
    town = await Grid.make(world)
    n, _ = await town.report(town.amei)
    reply = await town.ask(town.amei, "/issue " + form.format(n=n))
    assert first_line(reply) == f"#{n} 居民说 · 待处理"


# -- moderation commands written wrongly --------------------------------------------------------


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("/close", "哪个问题？请写编号。\n请这样写：/close 12 已更换灯泡"),
        ("/close {n}", "请在编号后面写上解决方案，它会公开发布。\n请这样写：/close 12 已更换灯泡"),
        ("/close {n}    ", "请在编号后面写上解决方案，它会公开发布。"),
        ("/close abc 已修好", "“abc”不是问题编号。\n请这样写：/close 12 已更换灯泡"),
        ("/reject {n}", "请在编号后面写上理由。\n请这样写：/reject 12 不属于小区公共区域"),
        ("/note {n}", "请在编号后面写上进展。\n请这样写：/note 12 已联系供电所，明天维修"),
        (
            "/note {n} " + "进" * 2001,
            "这段文字共 2,001 个字；最多 2,000 个字。\n请这样写：/note 12",
        ),
        ("/dup {n}", "请在编号后面写上原问题的编号。\n请这样写：/dup 12 8"),
        ("/dup {n} abc", "“abc”不是问题编号。\n请这样写：/dup 12 8"),
        (
            "/priority {n}",
            "请写优先级：minor（小事）、major（大事）或 urgent（急事）。\n请这样写：/priority 12 major",
        ),
        (
            "/priority {n} huge",
            "“huge”不是优先级：请用 minor、major 或 urgent。\n请这样写：/priority 12 major",
        ),
        ("/priority {n} <b>", "“<b>”不是优先级"),
        ("/escalate", "哪个问题？请写编号。\n请这样写：/escalate 12 需要社区协调"),
        ("/reopen x", "“x”不是问题编号。\n请这样写：/reopen 12 还是不亮"),
    ],
)
async def test_moderation_commands_written_wrongly_say_how(
    world: World, command: str, expected: str
) -> None:
    town = await Grid.make(world)
    n, card = await town.report(town.amei)
    before = town.card(card).text
    reply = await town.ask(town.lin, command.format(n=n))
    assert reply.text is not None and reply.text.startswith("⚠️ ")
    assert expected in reply.text
    assert HOW in reply.text
    assert town.card(card).text == before


async def test_priority_words_in_both_languages(world: World) -> None:
    town = await Grid.make(world)
    n, card = await town.report(town.amei)
    for word, shown in (("大事", "大事"), ("URGENT", "急事"), ("small", "小事")):
        await town.ask(town.lin, f"/priority {n} {word}")
        assert (town.card(card).text or "").split("\n")[1].endswith(shown)


async def test_a_too_long_solution_or_reason_is_refused(world: World) -> None:
    town = await Grid.make(world)
    n, card = await town.report(town.amei)
    for command in ("close", "reject", "escalate", "reopen"):
        reply = await town.ask(town.lin, f"/{command} {n} " + "长" * 2001)
        assert "这段文字共 2,001 个字；最多 2,000 个字。" in (reply.text or ""), command
    assert first_line(town.card(card)) == f"#{n} 居民说 · 待处理"


async def test_dup_targets_that_cannot_be_the_original(world: World) -> None:
    town = await Grid.make(world)
    away = await world.registered_group("鸿塔小区", "鸿塔社区", "第1网格")
    n, card = await town.report(town.amei)
    rejected, _ = await town.report(town.amei)
    await town.ask(town.lin, f"/reject {rejected} 不属实")
    resolved, _ = await town.report(town.amei)
    await town.ask(town.lin, f"/close {resolved} 已修好")
    elsewhere, _ = await town.report(world.superadmin(), chat=away)
    before = town.card(card).text
    cases = {
        f"/dup {n} {n}": "问题不能与自己重复。",
        f"/dup {n} #{n}": "问题不能与自己重复。",
        f"/dup {n} {rejected}": f"#{rejected} 已关闭；只能标记为待处理或已上报问题的重复。",
        f"/dup {n} {resolved}": f"#{resolved} 已关闭；只能标记为待处理或已上报问题的重复。",
        f"/dup {n} {elsewhere}": f"#{elsewhere} 属于另一个社区。",
        f"/dup {n} 99999": "没有 #99999 这个问题。",
        f"/dup 99999 {n}": "没有 #99999 这个问题。",
    }
    for command, expected in cases.items():
        reply = await town.ask(town.lin, command)
        assert reply.text == expected, command
    # even the superadmin, who holds every role in both communities
    reply = await town.ask(world.superadmin(), f"/dup {n} {elsewhere}")
    assert reply.text == f"#{elsewhere} 属于另一个社区。"
    assert town.card(card).text == before


async def test_wrong_states_are_named(world: World) -> None:
    town = await Grid.make(world)
    n, card = await town.report(town.amei)
    await town.ask(town.lin, f"/close {n} 已修好")
    cases = {
        f"/escalate {n}": f"#{n} 已解决。只有待处理的问题可以上报。",
        f"/close {n} 又修了一次": f"#{n} 已解决。只有待处理或已上报的问题可以办结。",
        f"/note {n} 进展": f"#{n} 已解决。只有待处理或已上报的问题可以添加进展。",
    }
    before = town.card(card).text
    for command, expected in cases.items():
        assert (await town.ask(town.lin, command)).text == expected
    # in the group, the answer replies to the command
    sent = await world.emu.send(town.lin, town.group, f"/escalate {n}")
    await world.settle()
    reply = world.emu.last_bot_message(town.group)
    assert reply.reply_to_message_id == sent.message_id
    assert reply.text == f"#{n} 已解决。只有待处理的问题可以上报。"
    assert town.card(card).text == before


# -- once, and not too often --------------------------------------------------------------------


async def test_a_redelivered_report_creates_one_issue_and_one_card(world: World) -> None:
    town = await Grid.make(world)
    n, _ = await town.report(town.amei, "5号楼电梯又停了")
    report_update = max(world.emu.update_queue.history)
    count = len(world.emu.bot_messages(town.group))
    world.emu.redeliver(report_update)
    await world.settle()
    assert len(world.emu.bot_messages(town.group)) == count
    await world.restart_bot()
    world.emu.redeliver(report_update)
    await world.settle()
    assert len(world.emu.bot_messages(town.group)) == count
    assert await town.issue_count() == 1
    assert (await town.ask(town.amei, f"/issue {n + 1}")).text == f"没有 #{n + 1} 这个问题。"


async def test_a_redelivered_change_has_one_effect(world: World) -> None:
    town = await Grid.make(world)
    n, card = await town.report(town.amei)
    await world.emu.send(town.lin, town.group, f"/note {n} 已联系供电所")
    await world.settle()
    note_update = max(world.emu.update_queue.history)
    count = len(world.emu.bot_messages(town.group))
    text = town.card(card).text
    world.emu.redeliver(note_update)
    await world.settle()
    assert len(world.emu.bot_messages(town.group)) == count
    assert town.card(card).text == text
    assert (text or "").count("已联系供电所") == 1


async def test_a_redelivered_near_duplicate_is_suggested_once(world: World) -> None:
    town = await Grid.make(world)
    bob = world.person("阿波")
    await town.report(town.amei, "3号楼门口的路灯不亮了，晚上很黑")
    suggestion = await world.say_one(bob, town.group, "/report 3号楼门口路灯不亮了！晚上很黑")
    assert "这个问题好像已经有人反映过了" in (suggestion.text or "")
    count = len(world.emu.bot_messages(town.group))
    world.emu.redeliver(max(world.emu.update_queue.history))
    await world.settle()
    assert len(world.emu.bot_messages(town.group)) == count


def local_hhmm(line: str) -> datetime:
    found = re.search(r"(\d{1,2}):(\d\d)", line)
    assert found, line
    return datetime(2000, 1, 1, int(found.group(1)), int(found.group(2)))


async def test_a_sixth_report_within_the_hour_is_refused_superadmins_are_exempt(
    world: World,
) -> None:
    town = await Grid.make(world)
    _, first = await town.report(town.amei)
    for _ in range(3):
        await town.report(town.amei)
    await world.emu.send(town.amei, town.group, f"/urgent {town.text()}")  # the fifth: urgent
    await world.settle()
    assert await town.issue_count() == 5
    for command in ("/report", "/urgent"):
        refused = await world.say_one(town.amei, town.group, f"{command} {town.text()}")
        found = re.fullmatch(
            r"您一小时内已反映 5 次，谢谢！(.+ \d{1,2}:\d\d) 后可以再反映。", refused.text or ""
        )
        assert found, refused.text
        # the first report leaves the window an hour after it was made (the card says when)
        reported_at = (first.text or "").split("\n")[-1]
        expected = local_hhmm(reported_at) + timedelta(hours=1)
        assert local_hhmm(found.group(1)).time() == expected.time()
    assert await town.issue_count() == 5

    admin = world.superadmin()
    for _ in range(7):
        await town.report(admin)
    assert await town.issue_count() == 12


# -- near-duplicates ----------------------------------------------------------------------------


async def test_a_near_duplicate_gets_a_suggestion_to_follow_or_report_anyway(world: World) -> None:
    town = await Grid.make(world)
    bob = world.person("阿波")
    carol = world.person("阿珍")
    n, card = await town.report(town.amei, "3号楼门口的路灯不亮了，晚上很黑")

    bobs = await world.emu.send(bob, town.group, "/report 3号楼门口路灯不亮了！晚上很黑")
    await world.settle()
    suggestion = world.emu.last_bot_message(town.group)
    assert suggestion.reply_to_message_id == bobs.message_id
    assert (suggestion.text or "").startswith(f"这个问题好像已经有人反映过了：#{n}")
    assert suggestion.labels() == [f"🙋 关注 #{n}", "📝 仍然提交"]
    assert await town.issue_count() == 1

    carols = await world.say_one(carol, town.group, "/report 3号楼门口路灯不亮，晚上很黑！")
    assert carols.labels() == [f"🙋 关注 #{n}", "📝 仍然提交"]
    answer = await world.press(carol, carols, f"🙋 关注 #{n}")
    assert (answer.text or "").startswith(f"谢谢，您已关注 #{n}。")
    card = town.card(card)
    assert "🙋 1 位邻居也遇到" in (card.text or "")
    assert card.labels()[0] == "🙋 我也遇到 (1)"
    mine = await world.say_one(carol, world.emu.private_chat(carol), "/my")
    followed = (mine.text or "").split("您关注的问题")[1]
    assert f"#{n} " in followed
    assert await town.issue_count() == 1

    # someone else cannot submit bob's report for him
    answer = await world.press(carol, suggestion, "📝 仍然提交")
    assert answer.text == "这个按钮已失效。"
    assert await town.issue_count() == 1

    answer = await world.press(bob, suggestion, "📝 仍然提交")
    assert answer.text == f"已提交，编号 #{n + 1}。"
    new_card = world.emu.last_bot_message(town.group)
    assert first_line(new_card) == f"#{n + 1} 居民说 · 待处理"
    assert new_card.reply_to_message_id == bobs.message_id
    assert "3号楼门口路灯不亮了！晚上很黑" in (new_card.text or "")
    # pressed again: nothing more
    answer = await world.press(bob, suggestion, "📝 仍然提交")
    assert answer.text == "这个按钮已失效。"
    assert await town.issue_count() == 2


async def test_only_open_issues_of_the_same_grid_are_matched(world: World) -> None:
    town = await Grid.make(world)
    other_grid = await world.registered_group("海景湾一期", "西安村", "第9网格")
    text = "6号楼地下车库的排水沟堵了，一下雨就积水"
    n, _ = await town.report(town.amei, text)
    # the same text in another grid is a new issue there
    m, _ = await town.report(town.lin, text, chat=other_grid)
    assert m == n + 1
    # once resolved, the same text is a new issue again
    await town.ask(town.lin, f"/close {n} 已疏通")
    again, _ = await town.report(town.amei, text)
    assert again == m + 1
