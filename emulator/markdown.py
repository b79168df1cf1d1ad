"""Telegram's Markdown and MarkdownV2 parse modes, following TDLib's parsers.

Mulin writes HTML, but a bot that slips into MarkdownV2 must meet the same refusals as on
Telegram, above all the rule that every reserved character outside an entity is escaped.
Offsets in errors are UTF-8 byte offsets, entity offsets UTF-16 code units, as on Telegram.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .html import EntityParseError, checked_link

_RESERVED = frozenset(b"_*[]()~`>#+-=|{}.!")
_CODE_RESERVED = frozenset(b"`")
_SPACES = frozenset(b" \t\r\n\x0b\x0c")
_STYLED = {
    "bold": "Bold",
    "italic": "Italic",
    "underline": "Underline",
    "strikethrough": "Strikethrough",
    "spoiler": "Spoiler",
    "code": "Code",
    "pre": "Pre",
    "pre_code": "PreCode",
    "text_link": "TextUrl",
    "custom_emoji": "CustomEmoji",
}


def _utf16_step(byte: int) -> int:
    if byte & 0xC0 == 0x80:
        return 0
    return 2 if byte >= 0xF0 else 1


@dataclass
class _Open:
    type: str
    argument: str
    offset: int
    byte_offset: int
    begin: int


def _reserved_error(byte: int) -> EntityParseError:
    return EntityParseError(
        f"Character '{chr(byte)}' is reserved and must be escaped with the preceding '\\'"
    )


def _skip_pre_language(text: bytes, i: int) -> tuple[str, int]:
    """After an opening ```, read an optional language word and the line break after it."""
    size = len(text)
    language = ""
    end = i
    while end < size and text[end] not in _SPACES and text[end] != 0x60:
        end += 1
    if i != end and end < size and text[end] != 0x60:
        language = text[i:end].decode("utf-8", "replace")
        i = end
    if i < size and text[i] in b"\r\n":
        if i + 1 < size and text[i + 1] in b"\r\n" and text[i + 1] != text[i]:
            i += 2
        else:
            i += 1
    return language, i


def _read_url(text: bytes, i: int, what: str) -> tuple[str, int]:
    """Read "(url)" starting at text[i] == '('; return the url and the index of ')'."""
    i += 1
    begin = i
    url = bytearray()
    while i < len(text) and text[i] != 0x29:
        if text[i] == 0x5C and i + 1 < len(text) and 0 < text[i + 1] <= 126:
            url.append(text[i + 1])
            i += 2
            continue
        url.append(text[i])
        i += 1
    if i >= len(text):
        raise EntityParseError(f"Can't find end of {what} at byte offset {begin}")
    return url.decode("utf-8", "replace"), i


def parse_markdown_v2(source: str) -> tuple[str, list[dict[str, Any]]]:
    text = source.encode("utf-8")
    size = len(text)
    out = bytearray()
    entities: list[dict[str, Any]] = []
    stack: list[_Open] = []
    utf16 = 0
    quote_start: int | None = None
    i = 0
    while i < size:
        byte = text[i]
        nxt = text[i + 1] if i + 1 < size else 0
        if byte == 0x5C and 0 < nxt <= 126:  # '\' escapes any ASCII character
            out.append(nxt)
            utf16 += 1
            i += 2
            continue
        in_code = bool(stack) and stack[-1].type in ("code", "pre", "pre_code")
        if byte == 0x3E and not in_code and (i == 0 or text[i - 1] == 0x0A):
            if quote_start is None:
                quote_start = utf16  # '>' at a line start opens a block quote
            i += 1
            continue
        if byte == 0x0A and quote_start is not None and nxt != 0x3E:
            if utf16 > quote_start:
                entities.append(
                    {"type": "blockquote", "offset": quote_start, "length": utf16 - quote_start}
                )
            quote_start = None
        reserved = _CODE_RESERVED if in_code else _RESERVED
        if byte not in reserved:
            utf16 += _utf16_step(byte)
            out.append(byte)
            i += 1
            continue

        top = stack[-1] if stack else None
        closes = top is not None and (
            (top.type == "bold" and byte == 0x2A)
            or (top.type == "italic" and byte == 0x5F and nxt != 0x5F)
            or (top.type == "underline" and byte == 0x5F and nxt == 0x5F)
            or (top.type == "strikethrough" and byte == 0x7E)
            or (top.type == "spoiler" and byte == 0x7C and nxt == 0x7C)
            or (top.type == "code" and byte == 0x60)
            or (top.type in ("pre", "pre_code") and text[i : i + 3] == b"```")
            or (top.type in ("text_link", "custom_emoji") and byte == 0x5D)
        )
        if not closes:
            byte_offset = i
            argument = ""
            if byte == 0x5F and nxt == 0x5F:
                kind = "underline"
                i += 1
            elif byte == 0x5F:
                kind = "italic"
            elif byte == 0x2A:
                kind = "bold"
            elif byte == 0x7E:
                kind = "strikethrough"
            elif byte == 0x7C and nxt == 0x7C:
                kind = "spoiler"
                i += 1
            elif byte == 0x5B:
                kind = "text_link"
            elif byte == 0x21 and nxt == 0x5B:
                kind = "custom_emoji"
                i += 1
            elif byte == 0x60 and text[i : i + 3] == b"```":
                argument, i = _skip_pre_language(text, i + 3)
                kind = "pre_code" if argument else "pre"
                i -= 1
            elif byte == 0x60:
                kind = "code"
            else:
                raise _reserved_error(byte)
            stack.append(_Open(kind, argument, utf16, byte_offset, len(out)))
            i += 1
            continue

        assert top is not None
        stack.pop()
        entity: dict[str, Any] | None = {"type": top.type}
        if top.type in ("underline", "spoiler"):
            i += 1
        elif top.type in ("pre", "pre_code"):
            i += 2
            entity = {"type": "pre"}
            if top.argument:
                entity["language"] = top.argument
        elif top.type == "text_link":
            if nxt == 0x28:
                url, i = _read_url(text, i + 1, "a URL")
            else:
                url = out[top.begin :].decode("utf-8", "replace")
            checked = checked_link(url)
            entity = {"type": "text_link", "url": checked} if checked else None
        elif top.type == "custom_emoji":
            if nxt != 0x28:
                raise EntityParseError("Custom emoji entity must contain a tg://emoji URL")
            url, i = _read_url(text, i + 1, "a custom emoji URL")
            emoji_id = url.removeprefix("tg://emoji?id=")
            if emoji_id == url or not emoji_id.isdigit():
                raise EntityParseError("Custom emoji URL must have an emoji identifier")
            entity = {"type": "custom_emoji", "custom_emoji_id": emoji_id}
        if entity is not None and utf16 > top.offset:
            entity["offset"] = top.offset
            entity["length"] = utf16 - top.offset
            entities.append(entity)
        i += 1

    if stack:
        top = stack[-1]
        raise EntityParseError(
            f"Can't find end of {_STYLED[top.type]} entity at byte offset {top.byte_offset}"
        )
    if quote_start is not None and utf16 > quote_start:
        entities.append(
            {"type": "blockquote", "offset": quote_start, "length": utf16 - quote_start}
        )
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return out.decode("utf-8"), entities


def parse_markdown(source: str) -> tuple[str, list[dict[str, Any]]]:
    """The legacy Markdown mode: *bold*, _italic_, `code`, ```pre```, [text](url); no nesting."""
    text = source.encode("utf-8")
    size = len(text)
    out = bytearray()
    entities: list[dict[str, Any]] = []
    utf16 = 0
    i = 0
    while i < size:
        byte = text[i]
        nxt = text[i + 1] if i + 1 < size else 0
        if byte == 0x5C and nxt in b"_*`[":
            out.append(nxt)
            utf16 += 1
            i += 2
            continue
        if byte not in b"_*`[":
            utf16 += _utf16_step(byte)
            out.append(byte)
            i += 1
            continue
        begin = i
        end_char = 0x5D if byte == 0x5B else byte
        is_pre = False
        language = ""
        i += 1
        if byte == 0x60 and text[i : i + 2] == b"``":
            is_pre = True
            language, i = _skip_pre_language(text, i + 2)
        offset = utf16
        out_begin = len(out)
        while i < size and (text[i] != end_char or (is_pre and text[i : i + 3] != b"```")):
            utf16 += _utf16_step(text[i])
            out.append(text[i])
            i += 1
        if i >= size:
            raise EntityParseError(f"Can't find end of the entity starting at byte offset {begin}")
        if utf16 > offset:
            entity: dict[str, Any] | None
            if byte == 0x5F:
                entity = {"type": "italic"}
            elif byte == 0x2A:
                entity = {"type": "bold"}
            elif byte == 0x5B:
                if i + 1 < size and text[i + 1] == 0x28:
                    close = text.find(b")", i + 2)
                    close = size if close < 0 else close
                    url = text[i + 2 : close].decode("utf-8", "replace")
                    i = close
                else:
                    url = out[out_begin:].decode("utf-8", "replace")
                checked = checked_link(url)
                entity = {"type": "text_link", "url": checked} if checked else None
            elif is_pre:
                entity = {"type": "pre"}
                if language:
                    entity["language"] = language
            else:
                entity = {"type": "code"}
            if entity is not None:
                entity["offset"] = offset
                entity["length"] = utf16 - offset
                entities.append(entity)
        i += 3 if is_pre else 1
    return out.decode("utf-8"), entities
