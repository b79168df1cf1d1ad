"""Filing a neighbour's message: `/report [more text]` as a reply to it in a group (SPEC
"Evidence" → "From the chat"). Reading the replied-to message into a NewIssue is kept pure here,
so that the handler stays thin and the refusals are decided in one place."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from telegram import Message, MessageEntity

from bot.issues.attachments import VOICE_LIMIT_BYTES
from bot.issues.service import NewIssue, suggest


class Refusal(Enum):
    """Why a replied-to message can't be filed; the handler says it in the group's language."""

    BOT = "bot"
    COMMAND = "command"
    EMPTY = "empty"
    TOO_LONG = "too_long"
    TOO_LARGE = "too_large"  # a voice note over what a bot may fetch


@dataclass(frozen=True)
class Where:
    """The group the filing happens in: its grid, and the command's own message."""

    community_id: int
    grid_id: int
    chat_id: int
    filer_id: int
    command_id: int


def replied_message(message: Message) -> Message | None:
    """The message a /report replies to; a forum topic's opening message is no reply at all."""
    replied = message.reply_to_message
    if replied is None or replied.forum_topic_created is not None:
        return None
    return replied


def _is_command(replied: Message) -> bool:
    entities = replied.entities or ()
    return any(e.type == MessageEntity.BOT_COMMAND and e.offset == 0 for e in entities)


def file_message(replied: Message, more: str, where: Where, limit: int) -> NewIssue | Refusal:
    """The replied-to message as a report by its author, with the filer's `more` text after it:
    its text or caption, largest photo, voice note and location or venue."""
    author = replied.from_user
    if author is None or author.is_bot:
        return Refusal.BOT
    if _is_command(replied):
        return Refusal.COMMAND
    own = (replied.text or replied.caption or "").strip()
    text = "\n".join(part for part in (own, more.strip()) if part)
    photos = (replied.photo[-1].file_id,) if replied.photo else ()
    voice = replied.voice.file_id if replied.voice else None
    venue = replied.venue
    point = venue.location if venue is not None else replied.location
    if not own and not photos and voice is None and point is None:
        return Refusal.EMPTY
    if len(text) > limit:
        return Refusal.TOO_LONG
    if replied.voice is not None and (replied.voice.file_size or 0) > VOICE_LIMIT_BYTES:
        return Refusal.TOO_LARGE
    place = venue.title if venue is not None else None
    return NewIssue(
        reporter_id=author.id,
        community_id=where.community_id,
        grid_id=where.grid_id,
        chat_id=where.chat_id,
        text=text,
        category=suggest(text),
        location_text=place,
        latitude=point.latitude if point is not None else None,
        longitude=point.longitude if point is not None else None,
        voice_file_id=voice,
        photos=photos,
        reply_to=where.command_id,
        filer_id=where.filer_id,
    )
