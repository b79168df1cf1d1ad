"""Callback data codec and keyboard builders.

Callback data is `prefix:field:…`, at most 64 bytes (Telegram's limit). It comes from the
client and can be forged, so it is decoded in one place and every handler re-checks what it
names against the database.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

CALLBACK_LIMIT = 64
SEP = ":"


@dataclass(frozen=True)
class Callback:
    prefix: str
    fields: tuple[str, ...]

    def number(self, index: int) -> int | None:
        """A numeric field, or None when it is missing or not a number (forged data)."""
        try:
            value = self.fields[index]
        except IndexError:
            return None
        return int(value) if value.lstrip("-").isdecimal() and len(value) < 20 else None

    def text(self, index: int) -> str | None:
        return self.fields[index] if index < len(self.fields) else None


def encode(prefix: str, *fields: object) -> str:
    data = SEP.join([prefix, *(str(f) for f in fields)])
    if len(data.encode("utf-8")) > CALLBACK_LIMIT:
        raise ValueError(f"callback data over {CALLBACK_LIMIT} bytes: {data!r}")
    return data


def decode(data: str | None) -> Callback | None:
    if not data or len(data.encode("utf-8")) > CALLBACK_LIMIT:
        return None
    prefix, *fields = data.split(SEP)
    return Callback(prefix, tuple(fields))


def pattern(prefix: str) -> str:
    """The CallbackQueryHandler pattern for one prefix."""
    return rf"^{prefix}(:|$)"


def button(label: str, prefix: str, *fields: object) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=encode(prefix, *fields))


def rows(buttons: Sequence[InlineKeyboardButton], per_row: int = 2) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [list(buttons[i : i + per_row]) for i in range(0, len(buttons), per_row)]
    )
