"""What a message carries besides text, as the issues feature takes it (SPEC "Evidence"): its
largest photo and its voice note, by file id (never the files themselves); and the clear answer
for what it cannot take — a file, a video, a sticker, or a voice note larger than a bot may
fetch from Telegram (so it could not be played on the web board or passed on whole)."""

from __future__ import annotations

from telegram import Message

from bot.core.i18n import Translator

VOICE_LIMIT_BYTES = 20 * 1024 * 1024  # the Bot API's getFile limit for downloads
_UNSUPPORTED = ("document", "sticker", "video", "video_note", "audio", "animation")


def photo_of(message: Message) -> str | None:
    """The largest size of the message's photo (Telegram sends several)."""
    return message.photo[-1].file_id if message.photo else None


def voice_of(message: Message) -> str | None:
    return message.voice.file_id if message.voice is not None else None


def unsupported(message: Message) -> bool:
    """A file, video, sticker or audio track: nothing the issues keep."""
    return any(getattr(message, kind, None) for kind in _UNSUPPORTED)


def media_problem(t: Translator, message: Message) -> str | None:
    """Why the message's attachment can't be taken, or None when it can (or it has none)."""
    if unsupported(message):
        return t._(
            "I keep photos and voice notes only, not files, videos or stickers: send a picture "
            "as a photo (not as a file), or record a voice note."
        )
    voice = message.voice
    if voice is not None and (voice.file_size or 0) > VOICE_LIMIT_BYTES:
        return t._(
            "That voice note is larger than {limit} MB, more than I can pass on. Please record "
            "a shorter one."
        ).format(limit=VOICE_LIMIT_BYTES // (1024 * 1024))
    return None
