"""What residents send, through the test API: each must reach the bot as Telegram's update
would, in a form PTB parses (photos in several sizes, albums as separate updates, ...)."""

from __future__ import annotations

from typing import Any

import pytest
from telegram import Message as PtbMessage

from emulator import Emulator, Message
from emulator.testapi import TINY_PNG

from .conftest import RawApi


def payloads(emu: Emulator) -> list[dict[str, Any]]:
    """The message updates waiting for the bot, as the bot will read them."""
    return [u.payload for u in emu.update_queue.pending if u.kind == "message"]


def ptb(payload: dict[str, Any]) -> PtbMessage:
    parsed = PtbMessage.de_json(payload, None)
    assert parsed is not None
    return parsed


async def test_a_photo_comes_in_telegrams_sizes(emu: Emulator) -> None:
    alice = emu.add_user("Alice")
    sent = await emu.send_photo(alice, alice.id, caption="路灯")
    assert sent.photo is not None and sent.caption == "路灯"
    sizes = [(s.width, s.height) for s in sent.photo.sizes]
    assert sizes == [(90, 68), (320, 240), (800, 600), (1280, 960)]
    assert len({s.file_id for s in sent.photo.sizes}) == 4
    assert len({s.file_unique_id for s in sent.photo.sizes}) == 4
    assert sent.photo.data.startswith(b"\x89PNG")
    photo = ptb(payloads(emu)[0]).photo
    assert [p.file_id for p in photo] == [s.file_id for s in sent.photo.sizes]
    assert (photo[-1].width, photo[-1].height) == (1280, 960)
    small = await emu.send_photo(alice, alice.id, width=60, height=40)
    assert small.photo is not None and [(s.width, s.height) for s in small.photo.sizes] == [
        (60, 40)
    ]
    tiny = await emu.send_photo(alice, alice.id, data=TINY_PNG)
    assert tiny.photo is not None and len(tiny.photo.sizes) == 1 and tiny.photo.width == 1


async def test_an_album_is_one_update_per_photo(emu: Emulator) -> None:
    alice = emu.add_user("Alice")
    album = await emu.send_album(alice, alice.id, 3, caption="三张")
    assert len(album) == 3 and len({m.media_group_id for m in album}) == 1
    assert [m.caption for m in album] == ["三张", None, None]
    updates = [ptb(p) for p in payloads(emu)]
    assert len(updates) == 3 and {u.media_group_id for u in updates} == {album[0].media_group_id}
    assert [u.photo[-1].file_id for u in updates] == [m.photo.file_id for m in album if m.photo]
    assert emu.album(alice.id, album[0].media_group_id or "") == album
    again = await emu.send_album(alice, alice.id, [TINY_PNG, TINY_PNG], captions=["a", "b"])
    assert [m.caption for m in again] == ["a", "b"]
    assert again[0].media_group_id != album[0].media_group_id
    for wrong in (1, 11):
        with pytest.raises(ValueError, match="2-10 photos"):
            await emu.send_album(alice, alice.id, wrong)
    with pytest.raises(ValueError, match="2 captions for 3 photos"):
        await emu.send_album(alice, alice.id, 3, captions=["a", "b"])


async def test_a_voice_note_and_one_over_the_download_limit(emu: Emulator, api: RawApi) -> None:
    alice = emu.add_user("Alice")
    note = await emu.send_voice(alice, alice.id, duration=12, caption="听")
    big = await emu.send_voice(alice, alice.id, file_size=30 * 1024 * 1024)
    first, second = payloads(emu)
    assert first["voice"]["duration"] == 12 and first["voice"]["mime_type"] == "audio/ogg"
    assert note.voice is not None and first["voice"]["file_size"] == len(note.voice.data)
    assert first["caption"] == "听"
    assert second["voice"]["file_size"] == 30 * 1024 * 1024
    parsed = ptb(second).voice
    assert parsed is not None and parsed.file_size == 30 * 1024 * 1024
    assert big.voice is not None
    assert await api.fail("getFile", file_id=big.voice.file_id) == (
        400,
        "Bad Request: file is too big",
    )


async def test_places_documents_and_stickers(emu: Emulator) -> None:
    alice = emu.add_user("Alice")
    location = await emu.send_location(alice, alice.id, 24.71, 118.46)
    venue = await emu.send_venue(alice, alice.id, 24.72, 118.47, "活动室", "幸福路 8 号")
    document = await emu.send_document(alice, alice.id, b"%PDF", "报告.pdf", "application/pdf")
    sticker = await emu.send_sticker(alice, alice.id, emoji="😀")
    assert location.location is not None and location.venue is None
    assert venue.venue is not None and venue.location == venue.venue.location
    assert document.document is not None and sticker.sticker is not None
    parsed = [ptb(p) for p in payloads(emu)]
    assert parsed[0].location is not None and parsed[0].location.latitude == 24.71
    assert parsed[1].venue is not None and parsed[1].venue.title == "活动室"
    assert parsed[1].location is not None and parsed[1].location.longitude == 118.47
    assert parsed[2].document is not None and parsed[2].document.file_name == "报告.pdf"
    assert parsed[3].sticker is not None and parsed[3].sticker.emoji == "😀"
    assert parsed[3].sticker.type == "regular" and parsed[3].sticker.width == 512
    for latitude, longitude in [(91, 0), (0, -181)]:
        with pytest.raises(ValueError, match="not a place on Earth"):
            await emu.send_location(alice, alice.id, latitude, longitude)
        with pytest.raises(ValueError, match="not a place on Earth"):
            await emu.send_venue(alice, alice.id, latitude, longitude, "t", "a")


async def test_a_caption_that_starts_with_a_command(emu: Emulator) -> None:
    alice = emu.add_user("Alice")
    group = emu.add_group("楼栋群", creator=alice)
    await emu.add_bot(group, by=alice)
    await emu.send_photo(alice, group, caption="/report@mulin_bot 路灯坏了")
    await emu.send_voice(alice, group, caption="/report 楼道")
    photo, voice = payloads(emu)[-2:]
    assert photo["caption_entities"] == [{"type": "bot_command", "offset": 0, "length": 17}]
    assert voice["caption_entities"] == [{"type": "bot_command", "offset": 0, "length": 7}]
    parsed = ptb(photo)
    assert parsed.caption is not None and parsed.parse_caption_entities()
    assert "text" not in photo and "entities" not in photo


async def test_a_reply_to_another_users_message(emu: Emulator) -> None:
    alice, bob = emu.add_user("Alice"), emu.add_user("Bob")
    group = emu.add_group("楼栋群", creator=alice)
    await emu.add_bot(group, by=alice)
    original = await emu.send(alice, group, "3号楼路灯不亮")
    photo = await emu.send_photo(bob, group, caption="我也看到了", reply_to=original)
    reply = await emu.send(bob, group, "+1", reply_to=original.message_id)
    assert photo.reply_to_message_id == reply.reply_to_message_id == original.message_id
    last = ptb(payloads(emu)[-1])
    assert last.reply_to_message is not None
    assert last.reply_to_message.text == "3号楼路灯不亮"
    assert last.reply_to_message.from_user is not None
    assert last.reply_to_message.from_user.id == alice.id
    assert payloads(emu)[-2]["reply_to_message"]["message_id"] == original.message_id
    with pytest.raises(LookupError, match="to reply to"):
        await emu.send(bob, group, "?", reply_to=999)


async def test_the_bots_media_messages_are_readable(emu: Emulator, api: RawApi) -> None:
    alice = emu.add_user("Alice")
    await emu.send(alice, alice.id, "/start")
    with pytest.raises(AssertionError, match="no album"):
        emu.last_bot_album(alice.id)
    album = await emu.send_album(alice, alice.id, 2)
    media = [{"type": "photo", "media": m.photo.file_id} for m in album if m.photo]
    await api.ok("sendMediaGroup", chat_id=alice.id, media=media)
    await api.ok("sendVenue", chat_id=alice.id, latitude=1, longitude=2, title="t", address="a")
    sent: list[Message] = emu.bot_messages(alice.id)
    assert [m.photo for m in sent[:2]] == [m.photo for m in album]
    assert sent[0].media_group_id == sent[1].media_group_id is not None
    assert sent[2].venue is not None and sent[2].location is not None
    assert emu.last_bot_album(alice.id) == sent[:2]
