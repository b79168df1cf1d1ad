"""Limits and bad input of evidence (SPEC "Evidence"; issue 13, item 6): at most 10 photos a
report, the 11th answered; an album's photos kept at whichever step of the guided report they
arrive; a file, a video or a sticker, or a voice note over the 20 MB a bot may fetch, answered
clearly at a dialog step and with /report, and nothing half-saved."""

from __future__ import annotations

from emulator import Message, User
from tests.conftest import World
from tests.e2e.test_evidence import issue_in_private, the_card
from tests.e2e.test_issues import Grid8, grid8

BIG_VOICE = 25 * 1024 * 1024


async def to_photo_step(world: World, who: User) -> None:
    """The guided report up to "Add photos?": category, text, place skipped."""
    emu, dm = world.emu, world.emu.private_chat(who)
    step = await world.say_one(who, dm, "/report")
    await world.press(who, step, "🔊 噪音")
    await emu.send(who, dm, "楼上每天夜里12点还在装修")
    await world.settle()
    await emu.press(who, emu.last_bot_message(dm), "跳过 ›")
    await world.settle()


async def submit(world: World, who: User) -> None:
    emu, dm = world.emu, world.emu.private_chat(who)
    done = [m for m in emu.bot_messages(dm) if "完成 ›" in str(m.reply_markup)]
    await world.press(who, done[-1], "完成 ›")
    await world.press(who, emu.last_bot_message(dm), "👤 显示我的名字")
    await world.press(who, emu.last_bot_message(dm), "✅ 提交")
    assert "已提交，编号 #1" in (emu.last_bot_message(dm).text or "")


def photo_ids(messages: list[Message]) -> list[str]:
    return [m.photo.file_id for m in messages if m.photo]


async def test_the_eleventh_photo_is_answered_and_not_kept(world: World) -> None:
    g = await grid8(world)
    await to_photo_step(world, g.bo)
    dm = world.emu.private_chat(g.bo)
    first = await world.emu.send_album(g.bo, dm, 6)
    second = await world.emu.send_album(g.bo, dm, 6)  # photos 7-12: 11 and 12 are too many
    await world.settle()
    refusals = [m for m in world.emu.bot_messages(dm) if "没有保存" in (m.text or "")]
    assert len(refusals) == 1, "one answer for the album, not one per photo"
    assert "最多 10 张照片" in (refusals[0].text or "")
    await submit(world, g.bo)
    _card, *shown = await issue_in_private(world, g.lin)
    assert photo_ids(shown) == photo_ids(first + second)[:10]


async def test_an_album_sent_as_the_description_keeps_all_its_photos(world: World) -> None:
    """The album's first photo answers the text step; the others arrive at the place step."""
    g = await grid8(world)
    emu, dm = world.emu, world.emu.private_chat(g.bo)
    step = await world.say_one(g.bo, dm, "/report")
    await world.press(g.bo, step, "🔊 噪音")
    album = await emu.send_album(g.bo, dm, 3, caption="楼上装修太吵")
    await world.settle()
    asked = [m.text or "" for m in world.emu.bot_messages(dm)]
    assert not any("还没填完" in text for text in asked), asked  # no "answer the question"
    await emu.press(g.bo, emu.last_bot_message(dm), "跳过 ›")
    await world.settle()
    await submit(world, g.bo)
    assert photo_ids(world.emu.last_bot_album(g.group)) == photo_ids(album)


async def test_a_file_at_a_dialog_step_is_answered_and_the_step_stays(world: World) -> None:
    g = await grid8(world)
    emu, dm = world.emu, world.emu.private_chat(g.bo)
    step = await world.say_one(g.bo, dm, "/report")
    await world.press(g.bo, step, "🔊 噪音")
    await emu.send_document(g.bo, dm, b"\xff\xd8 a jpeg", "IMG_0412.jpg", "image/jpeg")
    await world.settle()
    assert "不收文件" in (emu.last_bot_message(dm).text or "")
    await emu.send_sticker(g.bo, dm)
    await world.settle()
    assert "不收文件" in (emu.last_bot_message(dm).text or "")
    await emu.send_voice(g.bo, dm, file_size=BIG_VOICE)
    await world.settle()
    assert "超过 20 MB" in (emu.last_bot_message(dm).text or "")
    await emu.send(g.bo, dm, "楼上每天夜里12点还在装修")  # the text step still waits
    await world.settle()
    await emu.press(g.bo, emu.last_bot_message(dm), "跳过 ›")
    await world.settle()
    await submit(world, g.bo)
    card = the_card(world, g.group)
    assert "🎤" not in (card.text or "") and "📷" not in (card.text or "")


async def refused_in_group(world: World, g: Grid8, sent: Message) -> str:
    await world.settle()
    answer = world.emu.last_bot_message(g.group)
    assert answer.reply_to_message_id == sent.message_id
    assert not [m for m in world.emu.bot_messages(g.group) if (m.text or "").startswith("#1 ")]
    return answer.text or ""


async def test_a_file_or_a_huge_voice_captioned_report_files_nothing(world: World) -> None:
    g = await grid8(world)
    document = await world.emu.send_document(
        g.amei, g.group, b"%PDF-1.4", "通知.pdf", "application/pdf", caption="/report 看附件"
    )
    assert "不收文件" in await refused_in_group(world, g, document)
    voice = await world.emu.send_voice(g.amei, g.group, caption="/report", file_size=BIG_VOICE)
    assert "超过 20 MB" in await refused_in_group(world, g, voice)
    said = await world.emu.send_voice(g.amei, g.group, file_size=BIG_VOICE)
    await world.settle()
    answer = await world.say_one(g.bo, g.group, "/report", reply_to=said)
    assert "超过 20 MB" in (answer.text or "")
    assert world.emu.calls("sendVoice") == []
