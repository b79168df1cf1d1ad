"""What every handler needs: argument splitting, replies within limits, usage errors."""

from __future__ import annotations

import shlex

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatType

from bot.core.i18n import Translator
from bot.core.render import esc, split_html
from bot.delivery.sending import send_html

_QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "「": '"', "」": '"', "　": " "})


def command_text(message: Message) -> str:
    """Everything after the command word, as typed (for free text such as a report)."""
    text = message.text or message.caption or ""
    parts = text.split(maxsplit=1)
    return parts[1].strip() if len(parts) > 1 else ""


def split_args(text: str) -> list[str]:
    """Words of an argument list; quotes (ASCII or Chinese) keep a name with spaces together."""
    normalized = text.translate(_QUOTES)
    try:
        return shlex.split(normalized)
    except ValueError:
        return normalized.split()


def parse_number(word: str | None) -> int | None:
    """An issue or activity number as people write it: 12, #12, ＃12."""
    if not word:
        return None
    digits = word.lstrip("#＃")
    return int(digits) if digits.isdecimal() and 0 < len(digits) < 10 else None


def is_private(update: Update) -> bool:
    return update.effective_chat is not None and update.effective_chat.type == ChatType.PRIVATE


async def reply(
    update: Update, text: str, markup: InlineKeyboardMarkup | None = None
) -> int | None:
    """Answer in the chat the update came from; in groups as a reply to the command.

    Long text is split into several messages; only the last carries the buttons. Returns the
    id of the last message sent.
    """
    message = update.effective_message
    if message is None:
        return None
    parts = split_html(text)
    sent: int | None = None
    quote = not is_private(update)
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        sent = await send_html(
            message.get_bot(),
            message.chat_id,
            part,
            markup=markup if last else None,
            reply_to=message.message_id if quote and i == 0 else None,
        )
    return sent


def usage(t: Translator, problem: str, how: str) -> str:
    """A refusal that says what was wrong and how to write it."""
    return t._("⚠️ {problem}\nWrite it like this: <code>{usage}</code>").format(
        problem=problem, usage=esc(how)
    )


def denied(t: Translator, problem: str) -> str:
    return t._("⛔ {problem}").format(problem=problem)
