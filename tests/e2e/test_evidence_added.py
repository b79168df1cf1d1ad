"""Evidence after the report (SPEC "Evidence"): `/add N [text]` as a message or as the caption
of a photo or voice note, by the reporter, a follower or a moderator; a moderator's photo
captioned `/note N …` or `/close N …` (before and after); the other photos of an album whose
captioned photo was a /report or an /add; and what is refused, with nothing half-saved."""

from __future__ import annotations

from emulator import Chat, Message, User
from tests.conftest import World
from tests.e2e.test_evidence import Evidence, guided, issue_in_private, the_card
from tests.e2e.test_issues import Grid8, grid8, report

BIG_VOICE = 25 * 1024 * 1024  # over the 20 MB a bot may fetch


def private(world: World, user: User) -> list[Message]:
    return world.emu.bot_messages(world.emu.private_chat(user))


def after(world: World, chat: Chat, message: Message) -> list[Message]:
    return [m for m in world.emu.bot_messages(chat) if m.message_id > message.message_id]


async def followed(world: World, g: Grid8) -> Message:
    """#1 by 阿美 in the group, followed by 阿波 ("me too"); its card."""
    card = await report(world, g.amei, g.group, "3号楼门口路灯不亮，晚上很黑")
    await world.press(g.bo, card, "🙋 我也遇到")
    return card


async def history(world: World, who: User, number: int = 1) -> str:
    """The card `/issue N` shows the user in private (its history on it)."""
    if number == 1:
        return (await issue_in_private(world, who))[0].text or ""
    answer = await world.say(who, world.emu.private_chat(who), f"/issue {number}")
    return answer[0].text or ""


async def test_a_followers_photo_reaches_the_card_the_reporter_and_the_history(
    world: World,
) -> None:
    g = await grid8(world)
    card = await followed(world, g)
    dm = world.emu.private_chat(g.bo)
    mark = world.emu.bot_messages(g.group)[-1]
    sent = await world.emu.send_photo(g.bo, dm, caption="/add 1 今天更暗了，灯罩也掉了")
    await world.settle()
    assert sent.photo is not None
    assert "✅ 已补充到 #1" in (world.emu.last_bot_message(dm).text or "")
    posted = [m for m in after(world, g.group, mark) if m.photo is not None]
    assert len(posted) == 1 and posted[0].reply_to_message_id == card.message_id
    assert posted[0].photo is not None and posted[0].photo.file_id == sent.photo.file_id
    assert "阿波 补充：今天更暗了，灯罩也掉了" in (posted[0].caption or "")
    (told,) = [m for m in private(world, g.amei) if m.photo is not None]
    assert told.photo is not None and told.photo.file_id == sent.photo.file_id
    assert [m for m in private(world, g.bo) if m.photo is not None] == []  # not the adder
    assert "阿波 补充：今天更暗了，灯罩也掉了 📷" in await history(world, g.lin)


async def test_the_reporter_adds_text_in_the_group_and_a_moderator_adds_too(world: World) -> None:
    g = await grid8(world)
    card = await followed(world, g)
    answer = await world.say(g.amei, g.group, "/add 1 隔壁单元的灯也不亮")
    posted = [m for m in answer if m.reply_to_message_id == card.message_id]
    assert len(posted) == 1 and "阿美 补充：隔壁单元的灯也不亮" in (posted[0].text or "")
    assert any("✅ 已补充到 #1" in (m.text or "") for m in answer)
    assert any("隔壁单元的灯也不亮" in (m.text or "") for m in private(world, g.bo))
    await world.say(g.yang, g.group, "/add 1 已报修，电工下午到")
    assert any("电工下午到" in (m.text or "") for m in private(world, g.amei))


async def test_who_may_add_and_what_is_refused(world: World) -> None:
    g = await grid8(world)
    await followed(world, g)
    stranger = world.person("路人甲", username="passer")
    await world.emu.send(stranger, g.group, "大家好")
    refusals = [
        (stranger, "/add 1 我也看到了", "⛔ 只有 #1 的反映人"),
        (g.amei, "/add", "编号"),
        (g.amei, "/add 一 灯", "不是问题编号"),
        (g.amei, "/add 1", "请在编号后写上要补充的内容"),
        (g.amei, "/add 9 灯", "#9"),
    ]
    for who, text, expected in refusals:
        answer = await world.say_one(who, g.group, text)
        assert expected in (answer.text or ""), (text, answer.text)
    assert "补充" not in await history(world, g.lin)
    await world.say(g.lin, g.group, "/close 1 已更换灯泡")
    closed = await world.say_one(g.amei, g.group, "/add 1 好像又坏了")
    assert "#1 已办结，不能再补充了" in (closed.text or "")


async def test_unsupported_files_and_oversized_voice_notes_are_refused_whole(
    world: World,
) -> None:
    g = await grid8(world)
    await followed(world, g)
    dm = world.emu.private_chat(g.amei)
    await world.emu.send_document(
        g.amei, dm, b"\xff\xd8 a jpeg", "IMG_0412.jpg", "image/jpeg", caption="/add 1 照片"
    )
    await world.settle()
    assert "不收文件" in (world.emu.last_bot_message(dm).text or "")
    await world.emu.send_voice(g.amei, dm, caption="/add 1 语音", file_size=BIG_VOICE)
    await world.settle()
    assert "超过 20 MB" in (world.emu.last_bot_message(dm).text or "")
    assert "补充" not in await history(world, g.lin)
    assert world.emu.calls("sendVoice") == world.emu.calls("sendDocument") == []


async def test_a_voice_added_to_an_anonymous_report_stays_with_the_moderators(
    world: World,
) -> None:
    g = await grid8(world)
    await guided(world, g.bo, Evidence(anonymous=True))
    card = the_card(world, g.group)
    dm = world.emu.private_chat(g.bo)
    sent = await world.emu.send_voice(g.bo, dm, caption="/add 1")
    await world.settle()
    assert sent.voice is not None
    posted = after(world, g.group, card)
    assert posted and all(m.voice is None for m in posted), "the voice reached the group"
    assert any("反映人 补充了语音" in (m.text or "") for m in posted)  # not named
    assert any("🔒" in (m.text or "") for m in posted)
    for user in (g.lin, g.yang, g.chen):
        heard = [m for m in private(world, user) if m.voice is not None]
        assert [m.voice.file_id for m in heard if m.voice] == [sent.voice.file_id]


async def test_a_photo_captioned_note_then_close_shows_before_and_after(world: World) -> None:
    g = await grid8(world)
    card = await report(world, g.amei, g.group, "3号楼门口路灯不亮，晚上很黑")
    before = await world.emu.send_photo(g.lin, g.group, caption="/note 1 灯杆线路老化，已报供电所")
    await world.settle()
    dm = world.emu.private_chat(g.lin)
    after_photo = await world.emu.send_photo(g.lin, dm, caption="/close 1 已更换线路和灯泡")
    await world.settle()
    assert before.photo is not None and after_photo.photo is not None
    posted = [m for m in after(world, g.group, card) if m.photo is not None]
    assert [m.photo.file_id for m in posted if m.photo] == [
        before.photo.file_id,
        after_photo.photo.file_id,
    ]
    assert all(m.reply_to_message_id == card.message_id for m in posted)
    assert "灯杆线路老化" in (posted[0].caption or "")
    assert "已更换线路和灯泡" in (posted[1].caption or "")
    told = private(world, g.amei)
    photos = [m.photo.file_id for m in told if m.photo]
    assert photos == [before.photo.file_id, after_photo.photo.file_id]
    assert "解决了吗" in (told[-1].text or "") or "是否解决" in (told[-1].text or "")
    text = await history(world, g.chen)
    assert "已更换线路和灯泡 📷" in text and "灯杆线路老化，已报供电所 📷" in text


async def test_a_resident_cannot_close_with_a_photo_and_a_voice_cannot_go_with_a_note(
    world: World,
) -> None:
    g = await grid8(world)
    await report(world, g.amei, g.group, "3号楼门口路灯不亮，晚上很黑")
    await world.emu.send_photo(g.bo, g.group, caption="/close 1 修好了")
    await world.settle()
    assert "⛔" in (world.emu.last_bot_message(g.group).text or "")
    await world.emu.send_voice(g.lin, g.group, caption="/note 1 已联系")
    await world.settle()
    assert "只能配照片" in (world.emu.last_bot_message(g.group).text or "")
    assert world.emu.calls("sendPhoto") == world.emu.calls("sendVoice") == []


async def test_an_album_captioned_report_keeps_every_photo_once(world: World) -> None:
    g = await grid8(world)
    album = await world.emu.send_album(g.amei, g.group, 3, caption="/report 楼道堆满了纸箱")
    await world.settle()
    card = the_card(world, g.group)
    assert card.reply_to_message_id == album[0].message_id
    assert "📷 3 张照片" in (world.emu.message(g.group, card.message_id).text or "")
    world.emu.redeliver(max(world.emu.update_queue.history))  # the last photo, again
    await world.settle()
    _card, *shown = await issue_in_private(world, g.lin)
    sent = [m.photo.file_id for m in album if m.photo]
    assert [m.photo.file_id for m in shown if m.photo] == sent


async def test_an_album_captioned_add_adds_every_photo(world: World) -> None:
    g = await grid8(world)
    card = await followed(world, g)
    dm = world.emu.private_chat(g.amei)
    album = await world.emu.send_album(g.amei, dm, 2, caption="/add 1 白天拍的")
    await world.settle()
    posted = [m for m in after(world, g.group, card) if m.photo is not None]
    assert [m.photo.file_id for m in posted if m.photo] == [
        m.photo.file_id for m in album if m.photo
    ]
    assert all(m.reply_to_message_id == card.message_id for m in posted)
    confirmations = [m for m in private(world, g.amei) if "✅ 已补充到 #1" in (m.text or "")]
    assert len(confirmations) == 1


async def test_an_uncaptioned_album_in_the_group_is_left_alone(world: World) -> None:
    g = await grid8(world)
    await report(world, g.amei, g.group, "3号楼门口路灯不亮，晚上很黑")
    count = len(world.emu.bot_messages(g.group))
    await world.emu.send_album(g.bo, g.group, 2)
    await world.settle()
    assert len(world.emu.bot_messages(g.group)) == count


async def test_issue_in_private_shows_what_was_added_after_the_reports_media(
    world: World,
) -> None:
    g = await grid8(world)
    await followed(world, g)
    dm = world.emu.private_chat(g.bo)
    added = await world.emu.send_photo(g.bo, dm, caption="/add 1 白天拍的")
    voice = await world.emu.send_voice(g.lin, world.emu.private_chat(g.lin), caption="/add 1")
    await world.settle()
    assert added.photo is not None and voice.voice is not None
    _card, photo, sound = await issue_in_private(world, g.amei)
    assert photo.photo is not None and photo.photo.file_id == added.photo.file_id
    assert sound.voice is not None and sound.voice.file_id == voice.voice.file_id


async def test_urgent_as_a_reply_and_a_captioned_photo_as_a_reply_report_themselves(
    world: World,
) -> None:
    """Only a plain `/report` reply files the neighbour's message; these stay the sender's."""
    g = await grid8(world)
    said = await world.emu.send(g.amei, g.group, "电梯里有烟味")
    urgent = await world.emu.send(g.bo, g.group, "/urgent 电梯冒烟了，快来人", reply_to=said)
    photo = await world.emu.send_photo(g.bo, g.group, caption="/report 楼道灯坏了", reply_to=said)
    await world.settle()
    assert photo.photo is not None
    cards = [m for m in world.emu.bot_messages(g.group) if (m.text or "").startswith("#")]
    assert [c.reply_to_message_id for c in cards] == [urgent.message_id, photo.message_id]
    first, second = [await history(world, g.lin, n) for n in (1, 2)]
    assert "阿波 反映了问题" in first and "电梯冒烟了，快来人" in first
    assert "阿波 反映了问题" in second and "楼道灯坏了" in second
    assert "从群聊中提交" not in first + second
