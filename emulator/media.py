"""Methods that send files and places (photos, albums, voice notes, documents, locations,
venues) and getFile, which hands a file out for download.

They share sendMessage's rules for chats, replies and keyboards (messaging.prepare); what is
theirs is Telegram's treatment of media: file ids of the right type, album sizes, coordinate
ranges and the 20 MB download limit.
"""

from __future__ import annotations

from typing import Any

from .backend import Backend
from .errors import bad_request
from .messaging import Handler, bot_message, caption_fields, caption_of, prepare
from .spec import Call
from .state import Location, Venue
from .wire import file_json

ALBUM_MIN = 2
ALBUM_MAX = 10
DOWNLOAD_LIMIT = 20 * 1024 * 1024  # getFile: "bots can download files of up to 20MB in size"

# sendMediaGroup's refusals in one place. The empty and too-long ones are Telegram's words
# (TDLib's, with the first letter lowered by the Bot API server). A one-item album is the
# emulator's own refusal: the documentation asks for 2-10 items and the bot must not rely
# on more, although the real server may send a single item as an ordinary message.
ALBUM_ERRORS = {
    "empty": "there are no messages to send",
    "single": "media group must include 2-10 items; send a single photo with sendPhoto",
    "too_many": "too many messages to send as an album",
    "mixed": "{kind} can't be mixed with other media types",
}
_SOLITARY = ("document", "audio")  # album item types that only group with their own type


async def send_document(b: Backend, call: Call) -> Any:
    return await _send_file(b, call, "document")


async def send_photo(b: Backend, call: Call) -> Any:
    return await _send_file(b, call, "photo")


async def send_voice(b: Backend, call: Call) -> Any:
    return await _send_file(b, call, "voice")


async def _send_file(b: Backend, call: Call, kind: str) -> Any:
    """sendDocument, sendPhoto and sendVoice: one file, a caption, a reply, a keyboard."""
    p = call.params
    caption = caption_of(b, p)
    state, reply_to, keyboard = prepare(b, p)
    stored = b.input_file(p[kind], call.attachments, kind=kind)
    if kind == "voice" and p.get("duration") is not None:
        stored.duration = p["duration"]
    b.limits.check(state.chat.id, state.is_group)
    message = bot_message(
        b, state, reply_to, keyboard, **{kind: stored}, **caption_fields(caption, p)
    )
    return b.message_json(message)


def _check_album(media: list[dict[str, Any]]) -> None:
    if not media:
        raise bad_request(ALBUM_ERRORS["empty"])
    if len(media) > ALBUM_MAX:
        raise bad_request(ALBUM_ERRORS["too_many"])
    if len(media) < ALBUM_MIN:
        raise bad_request(ALBUM_ERRORS["single"])
    kinds = {item["type"] for item in media}
    for kind in _SOLITARY:
        if kind in kinds and len(kinds) > 1:
            raise bad_request(ALBUM_ERRORS["mixed"].format(kind=kind))


async def send_media_group(b: Backend, call: Call) -> Any:
    """Send 2-10 items as one album: separate messages that share a media_group_id."""
    p = call.params
    media: list[dict[str, Any]] = p["media"]
    captions = [caption_of(b, item) for item in media]
    state = b.writable_chat(p["chat_id"])
    reply_to = b.reply_target(state, p)
    _check_album(media)
    kinds = ["photo" if item["type"] == "photo" else "document" for item in media]
    for item in media:
        if item["type"] not in ("photo", "document"):
            b.warnings.append(f"sendMediaGroup: {item['type']} is kept as a document")
    stored = [
        b.input_file(item["media"], call.attachments, kind=kind)
        for item, kind in zip(media, kinds, strict=True)
    ]
    b.limits.check(state.chat.id, state.is_group, len(media))
    group_id = b.world.next_media_group_id()
    sent = []
    for item, kind, file, caption in zip(media, kinds, stored, captions, strict=True):
        message = b.new_message(
            state,
            from_user=b.bot,
            reply_to_message_id=reply_to,
            media_group_id=group_id,
            **{kind: file},
            **caption_fields(caption, item),
        )
        sent.append(b.message_json(message))
    return sent


def _location(params: dict[str, Any], error: str) -> Location:
    latitude, longitude = params["latitude"], params["longitude"]
    if not -90 <= latitude <= 90 or not -180 <= longitude <= 180:
        raise bad_request(error)
    return Location(latitude, longitude)


async def send_location(b: Backend, call: Call) -> Any:
    p = call.params
    location = _location(p, "wrong location specified")
    state, reply_to, keyboard = prepare(b, p)
    b.limits.check(state.chat.id, state.is_group)
    message = bot_message(b, state, reply_to, keyboard, location=location)
    return b.message_json(message)


async def send_venue(b: Backend, call: Call) -> Any:
    """A venue message carries its location too, as Telegram sends both fields."""
    p = call.params
    location = _location(p, "wrong venue location specified")
    venue = Venue(
        location,
        p["title"],
        p["address"],
        foursquare_id=p.get("foursquare_id"),
        foursquare_type=p.get("foursquare_type"),
        google_place_id=p.get("google_place_id"),
        google_place_type=p.get("google_place_type"),
    )
    state, reply_to, keyboard = prepare(b, p)
    b.limits.check(state.chat.id, state.is_group)
    message = bot_message(b, state, reply_to, keyboard, location=location, venue=venue)
    return b.message_json(message)


async def get_file(b: Backend, call: Call) -> Any:
    stored = b.world.files.get(call.params["file_id"])
    if stored is None:
        raise bad_request("invalid file_id")
    if stored.size > DOWNLOAD_LIMIT:
        raise bad_request("file is too big")
    return file_json(stored, with_path=True)


HANDLERS: dict[str, Handler] = {
    "sendDocument": send_document,
    "sendPhoto": send_photo,
    "sendVoice": send_voice,
    "sendMediaGroup": send_media_group,
    "sendLocation": send_location,
    "sendVenue": send_venue,
    "getFile": get_file,
}
