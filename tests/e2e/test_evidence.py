"""Evidence with the card (SPEC "Evidence: photos, voice notes, places"): a guided report's
photos, voice note and place follow its card in the group, each a reply to it; an anonymous
report's voice note reaches the community's moderators only, privately. And everywhere the
issue goes: after its card in `/issue <N>` in private, and after an urgent report's alert."""

from __future__ import annotations

from dataclasses import dataclass

from emulator import Chat, Message, User
from tests.conftest import World
from tests.e2e.test_issues import Grid8, grid8


@dataclass(frozen=True)
class Evidence:
    """What a resident sends with a guided report."""

    text: str = "楼上每天夜里12点还在装修，吵得睡不着"
    voice: bool = False
    photos: int = 0
    place: str | None = None  # typed
    point: tuple[float, float] | None = None  # a Telegram location
    venue: str | None = None  # a place chosen on the map (with `point`)
    anonymous: bool = False
    urgent: bool = False  # started with /urgent


async def guided(world: World, who: User, evidence: Evidence) -> tuple[list[str], str | None]:
    """Drive the private report to its end; the file ids of the photos and voice sent."""
    emu, dm = world.emu, world.emu.private_chat(who)
    step = await world.say_one(who, dm, "/urgent" if evidence.urgent else "/report")
    await world.press(who, step, "🔊 噪音")
    voice = None
    if evidence.voice:  # the text as the voice note's caption: one answer to the step
        voice = (await emu.send_voice(who, dm, caption=evidence.text)).voice
    else:
        await emu.send(who, dm, evidence.text)
    await world.settle()
    if evidence.venue and evidence.point:
        await emu.send_venue(who, dm, *evidence.point, evidence.venue, "海景湾二期")
    elif evidence.point:
        await emu.send_location(who, dm, *evidence.point)
    elif evidence.place:
        await emu.send(who, dm, evidence.place)
    else:
        await emu.press(who, emu.last_bot_message(dm), "跳过 ›")
    await world.settle()
    photos = []
    for _ in range(evidence.photos):
        sent = await emu.send_photo(who, dm)
        await world.settle()
        assert sent.photo is not None
        photos.append(sent.photo.file_id)
    await world.press(who, emu.last_bot_message(dm), "完成 ›")
    label = "🙈 不显示" if evidence.anonymous else "👤 显示我的名字"
    await world.press(who, emu.last_bot_message(dm), label)
    await world.press(who, emu.last_bot_message(dm), "✅ 提交")
    assert "已提交，编号 #" in (emu.last_bot_message(dm).text or "")
    return photos, voice.file_id if voice is not None else None


def the_card(world: World, group: Chat) -> Message:
    cards = [m for m in world.emu.bot_messages(group) if (m.text or "").startswith("#1 ")]
    assert len(cards) == 1, [m.text for m in world.emu.bot_messages(group)]
    return cards[0]


def after_card(world: World, group: Chat) -> list[Message]:
    """What the bot sent the group after the card, in order."""
    card = the_card(world, group)
    return [m for m in world.emu.bot_messages(group) if m.message_id > card.message_id]


async def test_photos_follow_the_card_as_one_album_replying_to_it(world: World) -> None:
    g = await grid8(world)
    photos, _ = await guided(world, g.bo, Evidence(photos=3))
    card = the_card(world, g.group)
    album = world.emu.last_bot_album(g.group)
    assert [m.photo.file_id for m in album if m.photo] == photos
    assert all(m.reply_to_message_id == card.message_id for m in album)
    assert after_card(world, g.group) == album
    assert len(world.emu.calls("sendMediaGroup")) == 1


async def test_one_photo_is_sent_with_send_photo(world: World) -> None:
    g = await grid8(world)
    photos, _ = await guided(world, g.bo, Evidence(photos=1))
    card = the_card(world, g.group)
    (photo,) = after_card(world, g.group)
    assert photo.photo is not None and photo.photo.file_id == photos[0]
    assert photo.reply_to_message_id == card.message_id and photo.media_group_id is None
    assert world.emu.calls("sendMediaGroup") == []


async def test_voice_photos_and_location_follow_the_card_in_order(world: World) -> None:
    g = await grid8(world)
    evidence = Evidence(voice=True, photos=2, point=(22.54321, 113.95432))
    photos, voice = await guided(world, g.bo, evidence)
    card = the_card(world, g.group)
    first, second, sound, where = after_card(world, g.group)
    assert [m.photo.file_id for m in (first, second) if m.photo] == photos
    assert sound.voice is not None and sound.voice.file_id == voice
    assert where.location is not None and where.venue is None
    assert (where.location.latitude, where.location.longitude) == evidence.point
    assert {m.reply_to_message_id for m in (first, second, sound, where)} == {card.message_id}
    assert "🎤 语音消息" in (card.text or "") and "🔒" not in (card.text or "")


async def test_a_place_chosen_on_the_map_is_sent_as_a_venue(world: World) -> None:
    g = await grid8(world)
    evidence = Evidence(point=(22.5, 113.9), venue="7号楼1单元")
    await guided(world, g.bo, evidence)
    card = the_card(world, g.group)
    (venue,) = after_card(world, g.group)
    assert venue.venue is not None and venue.venue.title == "7号楼1单元"
    assert venue.venue.address == "西安村 · 第8网格"
    assert venue.reply_to_message_id == card.message_id
    assert "📍 7号楼1单元" in (card.text or "")


async def test_a_typed_place_alone_sends_no_map(world: World) -> None:
    g = await grid8(world)
    await guided(world, g.bo, Evidence(place="7号楼1单元"))
    assert after_card(world, g.group) == []
    assert world.emu.calls("sendLocation") == world.emu.calls("sendVenue") == []


def moderators(g: Grid8) -> tuple[User, ...]:
    return (g.lin, g.yang, g.chen)


async def test_an_anonymous_voice_note_goes_to_the_moderators_only(world: World) -> None:
    g = await grid8(world)
    evidence = Evidence(voice=True, photos=1, point=(22.5, 113.9), anonymous=True)
    photos, voice = await guided(world, g.bo, evidence)
    card = the_card(world, g.group)
    assert "🔒 语音消息只发给网格员、物业和社区干部" in (card.text or "")
    in_group = world.emu.bot_messages(g.group)
    assert all(m.voice is None for m in in_group), "the voice note reached the group"
    photo, where = after_card(world, g.group)  # photos and location go to the group as usual
    assert photo.photo is not None and photo.photo.file_id == photos[0]
    assert where.location is not None
    for user in moderators(g):
        (heard,) = [
            m for m in world.emu.bot_messages(world.emu.private_chat(user)) if m.voice is not None
        ]
        assert heard.voice is not None and heard.voice.file_id == voice
        assert "#1" in (heard.caption or "") and "匿名反映的语音消息" in (heard.caption or "")
    for user in (g.bo, g.amei):
        private = world.emu.bot_messages(world.emu.private_chat(user))
        assert all(m.voice is None for m in private)
    voice_calls = world.emu.calls("sendVoice")
    assert {c["chat_id"] for c in voice_calls} <= {u.id for u in moderators(g)} | {
        world.superadmin().id
    }


async def test_a_redelivered_report_makes_one_issue_and_one_album(world: World) -> None:
    g = await grid8(world)
    await guided(world, g.bo, Evidence(photos=2, voice=True))
    submit = max(world.emu.update_queue.history)
    count = len(world.emu.bot_messages(g.group))
    world.emu.redeliver(submit)
    await world.settle()
    await world.restart_bot()
    world.emu.redeliver(submit)
    await world.settle()
    assert len(world.emu.bot_messages(g.group)) == count
    assert len(world.emu.calls("sendMediaGroup")) == 1
    assert len(world.emu.calls("sendVoice")) == 1
    assert [m for m in world.emu.bot_messages(g.group) if (m.text or "").startswith("#2 ")] == []


async def issue_in_private(world: World, who: User) -> list[Message]:
    """What `/issue 1` in the user's private chat answers, in order, the card first."""
    dm = world.emu.private_chat(who)
    before = {m.message_id for m in world.emu.bot_messages(dm)}
    await world.say(who, dm, "/issue 1")
    answer = [m for m in world.emu.bot_messages(dm) if m.message_id not in before]
    assert (answer[0].text or "").startswith("#1 "), [m.text for m in answer]
    return answer


async def test_issue_in_private_shows_the_card_then_its_media(world: World) -> None:
    g = await grid8(world)
    evidence = Evidence(voice=True, photos=2, point=(22.54321, 113.95432))
    photos, voice = await guided(world, g.bo, evidence)
    _card, first, second, sound, where = await issue_in_private(world, g.amei)
    assert first.media_group_id is not None and first.media_group_id == second.media_group_id
    assert [m.photo.file_id for m in (first, second) if m.photo] == photos
    assert sound.voice is not None and sound.voice.file_id == voice
    assert where.location is not None
    assert (where.location.latitude, where.location.longitude) == evidence.point


async def test_issue_in_a_group_stays_the_card_alone(world: World) -> None:
    g = await grid8(world)
    await guided(world, g.bo, Evidence(voice=True, photos=2))
    albums = len(world.emu.calls("sendMediaGroup"))
    await world.say(g.amei, g.group, "/issue 1")
    assert (world.emu.last_bot_message(g.group).text or "").startswith("#1 ")
    assert len(world.emu.calls("sendMediaGroup")) == albums


async def test_an_anonymous_voice_in_private_only_to_its_reporter_and_moderators(
    world: World,
) -> None:
    g = await grid8(world)
    evidence = Evidence(voice=True, photos=1, anonymous=True)
    photos, voice = await guided(world, g.bo, evidence)
    _card, photo = await issue_in_private(world, g.amei)  # a neighbour: no voice
    assert photo.photo is not None and photo.photo.file_id == photos[0]
    for user in (g.bo, g.lin):  # the reporter, a moderator
        _card, photo, sound = await issue_in_private(world, user)
        assert sound.voice is not None and sound.voice.file_id == voice


async def test_an_urgent_reports_alert_carries_its_media(world: World) -> None:
    g = await grid8(world)
    evidence = Evidence(voice=True, photos=2, point=(22.5, 113.9), anonymous=True, urgent=True)
    photos, voice = await guided(world, g.bo, evidence)
    for user in moderators(g):
        sent = world.emu.bot_messages(world.emu.private_chat(user))
        alerts = [i for i, m in enumerate(sent) if "有急事" in (m.text or "")]
        assert len(alerts) == 1, [m.text for m in sent]
        first, second, sound, where = sent[alerts[0] + 1 :]
        assert [m.photo.file_id for m in (first, second) if m.photo] == photos
        assert sound.voice is not None and sound.voice.file_id == voice
        assert where.location is not None
    private = world.emu.bot_messages(world.emu.private_chat(g.amei))
    assert all(m.voice is None and m.photo is None for m in private)


# -- From the chat: /report as a reply files a neighbour's message --------------------------------


async def test_a_reply_report_files_the_neighbours_message_as_theirs(world: World) -> None:
    g = await grid8(world)
    said = await world.emu.send(g.amei, g.group, "3号楼电梯又坏了，困了两个人")
    replies = await world.say(g.bo, g.group, "/report 已经第三次了", reply_to=said)
    (card,) = [m for m in replies if (m.text or "").startswith("#1 ")]
    assert "3号楼电梯又坏了，困了两个人\n已经第三次了" in (card.text or "")
    private = await issue_in_private(world, g.lin)
    text = private[0].text or ""
    assert "阿波 从群聊中提交了这条反映" in text
    assert "阿美 反映了问题" in text and "👤 阿美" in text  # the author is its reporter


async def test_a_reply_report_files_a_photo_with_its_caption(world: World) -> None:
    g = await grid8(world)
    photo = await world.emu.send_photo(g.amei, g.group, caption="垃圾堆在楼道里")
    assert photo.photo is not None
    await world.say(g.bo, g.group, "/report", reply_to=photo)
    assert "垃圾堆在楼道里" in (the_card(world, g.group).text or "")
    _card, shown = await issue_in_private(world, g.lin)
    assert photo.photo.smaller, "the emulator sent one size only"  # the largest is kept
    assert shown.photo is not None and shown.photo.file_id == photo.photo.file_id


async def refused(world: World, g: Grid8, target: Message) -> str:
    replies = await world.say(g.bo, g.group, "/report", reply_to=target)
    assert not [m for m in replies if (m.text or "").startswith("#")], "it was filed"
    assert len(replies) == 1, [m.text for m in replies]
    return replies[0].text or ""


async def test_a_reply_report_to_the_bots_message_is_refused(world: World) -> None:
    g = await grid8(world)
    assert "机器人" in await refused(world, g, world.emu.last_bot_message(g.group))


async def test_a_reply_report_to_a_command_is_refused(world: World) -> None:
    g = await grid8(world)
    command = await world.emu.send(g.amei, g.group, "/board")
    await world.settle()
    assert "命令" in await refused(world, g, command)


async def test_a_reply_report_to_a_sticker_is_refused(world: World) -> None:
    g = await grid8(world)
    sticker = await world.emu.send_sticker(g.amei, g.group)
    await world.settle()
    assert "没有" in await refused(world, g, sticker)


async def test_reports_filed_from_the_chat_count_for_the_filer(world: World) -> None:
    """Five an hour, for the one who files: a sixth is refused; the authors may still report."""
    g = await grid8(world)
    texts = [
        "东门路灯不亮",
        "电梯按钮失灵",
        "垃圾桶满溢",
        "停车场积水",
        "楼道堆放杂物",
        "单车乱停放",
    ]
    for text in texts[:5]:
        said = await world.emu.send(g.amei, g.group, text)
        replies = await world.say(g.bo, g.group, "/report", reply_to=said)
        assert any((m.text or "").startswith("#") for m in replies), [m.text for m in replies]
    said = await world.emu.send(g.amei, g.group, texts[5])
    sixth = await world.say_one(g.bo, g.group, "/report", reply_to=said)
    assert "您一小时内已反映 5 次" in (sixth.text or "")
    own = await world.say(g.amei, g.group, "/report 儿童滑梯松动")
    assert any((m.text or "").startswith("#6 ") for m in own), [m.text for m in own]
