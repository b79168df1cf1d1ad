"""The media methods a bot uses to pass residents' evidence on: sendPhoto, sendMediaGroup,
sendVoice, sendLocation, sendVenue, getFile and the download route, each with its limits."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import aiohttp
import pytest
from telegram import Bot, InputMediaPhoto, ReplyParameters
from telegram.error import BadRequest

from emulator import Emulator, User
from emulator.images import sample_png
from emulator.media import ALBUM_ERRORS

from .conftest import RawApi


async def started(emu: Emulator) -> User:
    alice = emu.add_user("Alice")
    await emu.send(alice, emu.private_chat(alice), "/start")
    return alice


def upload(chat_id: int, field: str, data: bytes, **params: str) -> aiohttp.FormData:
    form = aiohttp.FormData()
    form.add_field("chat_id", str(chat_id))
    for name, value in params.items():
        form.add_field(name, value)
    form.add_field(field, data, filename="evidence.png", content_type="image/png")
    return form


async def test_send_photo_upload_gives_telegrams_sizes(emu: Emulator, api: RawApi) -> None:
    alice = await started(emu)
    first = emu.messages(alice.id)[0]
    form = upload(
        alice.id,
        "photo",
        sample_png(1600, 1200),
        caption="<b>路灯</b> 坏了",
        parse_mode="HTML",
        reply_parameters=json.dumps({"message_id": first.message_id}),
    )
    status, body = await api.call("sendPhoto", data=form)
    assert status == 200, body
    sent = body["result"]
    assert [(s["width"], s["height"]) for s in sent["photo"]] == [
        (90, 68),
        (320, 240),
        (800, 600),
        (1280, 960),
        (1600, 1200),
    ]
    assert len({s["file_id"] for s in sent["photo"]}) == 5
    assert sent["caption"] == "路灯 坏了" and sent["caption_entities"][0]["type"] == "bold"
    assert sent["reply_to_message"]["text"] == "/start"
    message = emu.last_bot_message(alice.id)
    assert message.photo is not None and message.caption == "路灯 坏了"
    assert message.reply_to_message_id == first.message_id
    assert [s.file_id for s in message.photo.sizes] == [s["file_id"] for s in sent["photo"]]
    smallest = await api.ok("getFile", file_id=sent["photo"][0]["file_id"])
    assert smallest["file_path"].startswith("photos/")


async def test_send_photo_by_file_id_and_refusals(emu: Emulator, api: RawApi) -> None:
    alice = await started(emu)
    photo = (await emu.send_photo(alice, alice.id)).photo
    voice = (await emu.send_voice(alice, alice.id)).voice
    assert photo is not None and voice is not None
    sent = await api.ok("sendPhoto", chat_id=alice.id, photo=photo.file_id)
    assert [s["file_id"] for s in sent["photo"]] == [s.file_id for s in photo.sizes]
    assert emu.last_bot_message(alice.id).photo is photo
    refusals = {
        ("sendPhoto", "photo", voice.file_id): "can't use file of type VoiceNote as Photo",
        ("sendDocument", "document", photo.file_id): "can't use file of type Photo as Document",
        ("sendVoice", "voice", photo.file_id): "can't use file of type Photo as VoiceNote",
        ("sendPhoto", "photo", "AgACnope"): "wrong file identifier/HTTP URL specified",
    }
    for (method, field, file_id), reason in refusals.items():
        params = {"chat_id": alice.id, field: file_id}
        assert await api.fail(method, **params) == (400, f"Bad Request: {reason}")
    for data, reason in [
        (sample_png(100, 2500), "PHOTO_INVALID_DIMENSIONS"),  # ratio 25 > 20
        (b"plain text", "IMAGE_PROCESS_FAILED"),
    ]:
        status, body = await api.call("sendPhoto", data=upload(alice.id, "photo", data))
        assert (status, body["description"]) == (400, f"Bad Request: {reason}")
    assert await api.fail("sendPhoto", chat_id=alice.id) == (
        400,
        'Bad Request: parameter "photo" is required',
    )
    assert await api.fail(
        "sendPhoto", chat_id=alice.id, photo=photo.file_id, reply_parameters="{oops"
    ) == (400, "Bad Request: can't parse reply_parameters JSON object")
    assert await api.fail(
        "sendPhoto", chat_id=alice.id, photo=photo.file_id, caption="x" * 1025
    ) == (400, "Bad Request: message caption is too long")


async def test_send_media_group_by_file_id(emu: Emulator, api: RawApi) -> None:
    alice = await started(emu)
    photos = [m.photo for m in await emu.send_album(alice, alice.id, 3)]
    first = emu.messages(alice.id)[0]
    media = [
        {"type": "photo", "media": p.file_id, "caption": f"<i>{i}</i>", "parse_mode": "HTML"}
        for i, p in enumerate(photos)
        if p is not None
    ]
    sent = await api.ok(
        "sendMediaGroup",
        chat_id=alice.id,
        media=media,
        reply_parameters={"message_id": first.message_id},
    )
    assert len(sent) == 3 and len({m["media_group_id"] for m in sent}) == 1
    assert [m["caption"] for m in sent] == ["0", "1", "2"]
    assert all(m["reply_to_message"]["message_id"] == first.message_id for m in sent)
    album = emu.last_bot_album(alice.id)
    assert [m.photo for m in album] == photos
    assert album[0].media_group_id == sent[0]["media_group_id"]
    assert album[1].caption_entities[0]["type"] == "italic"
    assert all(m.reply_to_message_id == first.message_id for m in album)


async def test_send_media_group_limits(emu: Emulator, api: RawApi) -> None:
    alice = await started(emu)
    photo = (await emu.send_photo(alice, alice.id)).photo
    voice = (await emu.send_voice(alice, alice.id)).voice
    assert photo is not None and voice is not None
    item = {"type": "photo", "media": photo.file_id}
    cases = [
        ([], ALBUM_ERRORS["empty"]),
        ([item], ALBUM_ERRORS["single"]),
        ([item] * 11, ALBUM_ERRORS["too_many"]),
        (
            [item, {"type": "document", "media": voice.file_id}],
            "document can't be mixed with other media types",
        ),
        (
            [item, {"type": "photo", "media": voice.file_id}],
            "can't use file of type VoiceNote as Photo",
        ),
        ([item, {"type": "photo"}], "can't parse InputMedia: Can't find field \"media\""),
        (
            [item, {"type": "sticker", "media": "x"}],
            "can't parse InputMedia: Unsupported type specified",
        ),
        ([item, {**item, "caption": "长" * 1025}], "message caption is too long"),
    ]
    for media, reason in cases:
        assert await api.fail("sendMediaGroup", chat_id=alice.id, media=media) == (
            400,
            f"Bad Request: {reason}",
        ), media
    assert await api.fail("sendMediaGroup", chat_id=alice.id, media="not json") == (
        400,
        "Bad Request: can't parse media JSON object",
    )
    ten = await api.ok("sendMediaGroup", chat_id=alice.id, media=[item] * 10)
    assert len(ten) == 10 and len(emu.last_bot_album(alice.id)) == 10


async def test_send_voice(emu: Emulator, api: RawApi) -> None:
    alice = await started(emu)
    note = await emu.send_voice(alice, alice.id, duration=7)
    assert note.voice is not None
    sent = await api.ok(
        "sendVoice",
        chat_id=alice.id,
        voice=note.voice.file_id,
        caption="*录音*",
        parse_mode="MarkdownV2",
        reply_parameters={"message_id": note.message_id},
    )
    assert sent["voice"]["duration"] == 7 and sent["voice"]["mime_type"] == "audio/ogg"
    assert sent["caption"] == "录音" and sent["reply_to_message"]["voice"]
    message = emu.last_bot_message(alice.id)
    assert message.voice is note.voice and message.reply_to_message_id == note.message_id
    assert await api.fail("sendVoice", chat_id=alice.id) == (
        400,
        'Bad Request: parameter "voice" is required',
    )
    assert await api.fail(
        "sendVoice",
        chat_id=alice.id,
        voice=note.voice.file_id,
        reply_parameters={"message_id": 999},
    ) == (400, "Bad Request: message to be replied not found")


async def test_send_location_and_venue(emu: Emulator, api: RawApi) -> None:
    alice = await started(emu)
    sent = await api.ok("sendLocation", chat_id=alice.id, latitude=90, longitude=-180)
    assert sent["location"] == {"latitude": 90.0, "longitude": -180.0}
    location = emu.last_bot_message(alice.id).location
    assert location is not None and (location.latitude, location.longitude) == (90, -180)
    for latitude, longitude in [(90.5, 0), (0, 180.01), (-91, 0)]:
        assert await api.fail(
            "sendLocation", chat_id=alice.id, latitude=latitude, longitude=longitude
        ) == (400, "Bad Request: wrong location specified")
        assert await api.fail(
            "sendVenue",
            chat_id=alice.id,
            latitude=latitude,
            longitude=longitude,
            title="t",
            address="a",
        ) == (400, "Bad Request: wrong venue location specified")
    assert await api.fail("sendLocation", chat_id=alice.id, latitude="north", longitude=1) == (
        400,
        'Bad Request: parameter "latitude" must be of type Float',
    )
    venue = await api.ok(
        "sendVenue",
        chat_id=alice.id,
        latitude=24.71,
        longitude=118.46,
        title="3号楼",
        address="幸福路 8 号",
        google_place_id="ChIJ",
    )
    assert venue["location"] == {"latitude": 24.71, "longitude": 118.46}
    assert venue["venue"]["title"] == "3号楼" and venue["venue"]["google_place_id"] == "ChIJ"
    message = emu.last_bot_message(alice.id)
    assert message.venue is not None and message.venue.address == "幸福路 8 号"
    assert message.location == message.venue.location
    assert await api.fail("sendVenue", chat_id=alice.id, latitude=1, longitude=1, title="t") == (
        400,
        'Bad Request: parameter "address" is required',
    )


async def test_get_file_and_download(emu: Emulator, api: RawApi) -> None:
    alice = await started(emu)
    note = await emu.send_voice(alice, alice.id, data=b"OggS voice")
    big = await emu.send_voice(alice, alice.id, file_size=25 * 1024 * 1024)
    edge = await emu.send_voice(alice, alice.id, file_size=20 * 1024 * 1024)
    assert note.voice and big.voice and edge.voice
    info = await api.ok("getFile", file_id=note.voice.file_id)
    assert info["file_size"] == len(b"OggS voice") and info["file_path"].endswith(".oga")
    url = f"{emu.api_url}/file/bot{emu.token}/{info['file_path']}"
    async with api.session.get(url) as got:
        assert got.status == 200 and await got.read() == b"OggS voice"
        assert got.content_type == "audio/ogg"
    async with api.session.get(f"{emu.api_url}/file/bot1:WRONG/{info['file_path']}") as got:
        assert got.status == 401
    assert await api.fail("getFile", file_id=big.voice.file_id) == (
        400,
        "Bad Request: file is too big",
    )
    assert (await api.ok("getFile", file_id=edge.voice.file_id))["file_size"] == 20 * 1024**2
    assert await api.fail("getFile", file_id="nope") == (400, "Bad Request: invalid file_id")
    assert await api.fail("getFile") == (400, "Bad Request: file_id not specified")


@pytest.fixture
async def bot(emu: Emulator) -> AsyncIterator[Bot]:
    async with Bot(emu.token, base_url=emu.bot_api_url, base_file_url=emu.file_url) as ptb:
        yield ptb


async def test_ptb_sends_and_downloads_evidence(emu: Emulator, bot: Bot) -> None:
    alice = await started(emu)
    album = await emu.send_album(alice, alice.id, 2, caption="证据")
    photos = [m.photo for m in album if m.photo is not None]
    reply = ReplyParameters(album[0].message_id)
    sent = await bot.send_media_group(
        alice.id,
        [InputMediaPhoto(p.file_id, caption=f"#{i}") for i, p in enumerate(photos)],
        reply_parameters=reply,
    )
    assert [m.photo[-1].file_id for m in sent] == [p.file_id for p in photos]
    assert sent[0].media_group_id == sent[1].media_group_id
    assert sent[0].reply_to_message is not None
    one = await bot.send_photo(alice.id, photos[0].file_id, caption="<b>1</b>", parse_mode="HTML")
    assert len(one.photo) == 4 and one.caption == "1"
    note = await emu.send_voice(alice, alice.id, data=b"OggS ptb", duration=5)
    assert note.voice is not None
    voice = await bot.send_voice(alice.id, note.voice.file_id, caption="听")
    assert voice.voice is not None and voice.voice.file_id == note.voice.file_id
    venue = await bot.send_venue(alice.id, 24.7, 118.4, "活动室", "幸福路 8 号")
    assert venue.venue is not None and venue.location is not None
    file = await bot.get_file(note.voice.file_id)
    assert bytes(await file.download_as_bytearray()) == b"OggS ptb"
    big = await emu.send_voice(alice, alice.id, file_size=21 * 1024 * 1024)
    assert big.voice is not None
    with pytest.raises(BadRequest, match="File is too big"):
        await bot.get_file(big.voice.file_id)
    with pytest.raises(BadRequest, match="Too many messages to send as an album"):
        await bot.send_media_group(alice.id, [InputMediaPhoto(photos[0].file_id)] * 11)
