"""Telegram's HTML parse mode, as strict as Telegram's own parser.

A bot's HTML is only proven correct if something refuses what Telegram refuses: an unknown
tag, a tag left open, tags closed in the wrong order, a bare "<". This follows the parser of
TDLib (the library behind the Bot API server) step by step, works on UTF-8 bytes so that the
byte offsets in its error messages match Telegram's, and counts entity offsets in UTF-16 code
units as the Bot API does. A bare "&" that starts no known entity stays a literal "&".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

_TAGS = frozenset(
    {
        "a",
        "b",
        "strong",
        "i",
        "em",
        "s",
        "strike",
        "del",
        "u",
        "ins",
        "tg-spoiler",
        "tg-emoji",
        "span",
        "pre",
        "code",
        "blockquote",
    }
)
_SPACES = frozenset(b" \t\r\n\x0b\x0c")
_SIMPLE = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "u": "underline",
    "ins": "underline",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
}
_NAMED = {b"lt": "<", b"gt": ">", b"amp": "&", b"quot": '"'}
_MAX_CUSTOM_EMOJI_ID = 2**63 - 1


class EntityParseError(ValueError):
    """The reason Telegram gives after "Bad Request: can't parse entities: "."""


@dataclass
class _Open:
    tag: str
    argument: str
    offset: int  # UTF-16 offset in the plain text where the entity starts
    begin: int  # byte position in the output where the entity starts


def parse_html(source: str) -> tuple[str, list[dict[str, Any]]]:
    """Return the plain text and its entities, or raise EntityParseError with Telegram's reason."""
    text = source.encode("utf-8")
    size = len(text)
    out = bytearray()
    entities: list[dict[str, Any]] = []
    stack: list[_Open] = []
    utf16 = 0
    i = 0
    while i < size:
        byte = text[i]
        if byte == 0x26:  # '&'
            decoded = decode_entity(text, i)
            if decoded is not None:
                char, i = decoded
                out += char.encode("utf-8")
                utf16 += 2 if ord(char) > 0xFFFF else 1
                continue
        if byte != 0x3C:  # not '<'
            if byte & 0xC0 != 0x80:
                utf16 += 2 if byte >= 0xF0 else 1
            out.append(byte)
            i += 1
            continue

        begin = i
        i += 1
        if i < size and text[i] == 0x2F:  # '/': an end tag
            if not stack:
                raise EntityParseError(f"Unexpected end tag at byte offset {begin}")
            i += 1
            name_start = i
            while i < size and text[i] not in _SPACES and text[i] != 0x3E:
                i += 1
            end_name = text[name_start:i].decode("utf-8", "replace").lower()
            while i < size and text[i] in _SPACES:
                i += 1
            if i >= size or text[i] != 0x3E:
                raise EntityParseError(f"Unclosed end tag at byte offset {begin}")
            top = stack[-1]
            if end_name and end_name != top.tag:
                raise EntityParseError(
                    f'Unmatched end tag at byte offset {begin}, expected "</{top.tag}>", '
                    f'found "</{end_name}>"'
                )
            i += 1
            stack.pop()
            if utf16 > top.offset:
                _close(top, utf16, out, entities)
            continue

        name_start = i
        while i < size and text[i] not in _SPACES and text[i] != 0x3E:
            i += 1
        if i >= size:
            raise EntityParseError(f"Unclosed start tag at byte offset {begin}")
        tag = text[name_start:i].decode("utf-8", "replace").lower()
        if tag not in _TAGS:
            raise EntityParseError(f'Unsupported start tag "{tag}" at byte offset {begin}')
        argument, i = _attributes(text, i, tag, begin)
        if tag == "span" and argument != "spoiler":
            raise EntityParseError(
                f'Tag "span" must have class "tg-spoiler" at byte offset {begin}'
            )
        stack.append(_Open(tag, argument, utf16, len(out)))

    if stack:
        raise EntityParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1].tag}"')
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    for entity in entities:
        entity.pop("_code_language", None)
    return out.decode("utf-8"), entities


def _attributes(text: bytes, i: int, tag: str, begin: int) -> tuple[str, int]:
    """Read a start tag's attributes up to and past its '>'; return the one that matters."""
    size = len(text)
    argument = ""
    while True:
        while i < size and text[i] in _SPACES:
            i += 1
        if i >= size:
            raise EntityParseError(f"Unclosed start tag at byte offset {begin}")
        if text[i] == 0x3E:
            return argument, i + 1
        name_start = i
        while i < size and text[i] not in _SPACES and text[i] not in b"=>":
            i += 1
        name = text[name_start:i].decode("utf-8", "replace").lower()
        if not name:
            raise EntityParseError(
                f'Empty attribute name in the tag "{tag}" at byte offset {name_start}'
            )
        while i < size and text[i] in _SPACES:
            i += 1
        if i >= size:
            raise EntityParseError(f"Unclosed start tag at byte offset {begin}")
        if text[i] != 0x3D:  # no '=': only <blockquote expandable> may do that
            if tag == "blockquote" and name == "expandable":
                argument = "expandable"
                continue
            raise EntityParseError(
                f'Expected equal sign in declaration of an attribute of the tag "{tag}" '
                f"at byte offset {begin}"
            )
        i += 1
        while i < size and text[i] in _SPACES:
            i += 1
        if i >= size:
            raise EntityParseError(f'Unclosed start tag "{tag}" at byte offset {begin}')
        if text[i] not in b"'\"":
            token_start = i
            while i < size and ((text[i] < 0x80 and chr(text[i]).isalnum()) or text[i] in b".-"):
                i += 1
            value = text[token_start:i].decode("ascii").lower()
            if i < size and text[i] not in _SPACES and text[i] != 0x3E:
                raise EntityParseError(f"Unexpected end of name token at byte offset {token_start}")
        else:
            quote = text[i]
            i += 1
            buffer = bytearray()
            while i < size and text[i] != quote:
                if text[i] == 0x26:
                    decoded = decode_entity(text, i)
                    if decoded is not None:
                        buffer += decoded[0].encode("utf-8")
                        i = decoded[1]
                        continue
                buffer.append(text[i])
                i += 1
            if i < size:
                i += 1
            value = buffer.decode("utf-8", "replace")
        if i >= size:
            raise EntityParseError(f"Unclosed start tag at byte offset {begin}")
        if tag == "a" and name == "href":
            argument = value
        elif tag == "code" and name == "class" and value.startswith("language-"):
            argument = value[len("language-") :]
        elif tag == "span" and name == "class" and value.startswith("tg-"):
            argument = value[len("tg-") :]
        elif tag == "tg-emoji" and name == "emoji-id":
            argument = value
        elif tag == "blockquote" and name == "expandable":
            argument = "expandable"


def _close(top: _Open, utf16: int, out: bytearray, entities: list[dict[str, Any]]) -> None:
    offset, length = top.offset, utf16 - top.offset
    entity: dict[str, Any]
    if top.tag in _SIMPLE:
        entity = {"type": _SIMPLE[top.tag]}
    elif top.tag == "tg-emoji":
        if not top.argument.isdigit() or not 0 < int(top.argument) <= _MAX_CUSTOM_EMOJI_ID:
            raise EntityParseError("Invalid custom emoji identifier specified")
        entity = {"type": "custom_emoji", "custom_emoji_id": top.argument}
    elif top.tag == "a":
        url = top.argument or out[top.begin :].decode("utf-8", "replace")
        checked = checked_link(url)
        if checked is None:
            return  # Telegram drops a link it cannot use and keeps the text
        entity = {"type": "text_link", "url": checked}
    elif top.tag == "blockquote":
        entity = {"type": "expandable_blockquote" if top.argument else "blockquote"}
    elif top.tag == "pre":
        last = entities[-1] if entities else None
        if (
            last is not None
            and last["type"] == "code"
            and last["offset"] == offset
            and last["length"] == length
        ):  # <pre><code class="language-x">: one pre entity with a language
            last["type"] = "pre"
            language = last.pop("_code_language", None)
            if language:
                last["language"] = language
            return
        entity = {"type": "pre"}
    else:  # code
        last = entities[-1] if entities else None
        if (
            last is not None
            and last["type"] == "pre"
            and last["offset"] == offset
            and last["length"] == length
            and top.argument
        ):
            last["language"] = top.argument
            return
        entity = {"type": "code"}
        if top.argument:
            entity["_code_language"] = top.argument
    entity["offset"] = offset
    entity["length"] = length
    entities.append(entity)


def decode_entity(text: bytes, pos: int) -> tuple[str, int] | None:
    """Decode the HTML entity at text[pos] ('&'); None if it is not one Telegram knows."""
    size = len(text)
    end = pos + 1
    if end < size and text[end] == 0x23:  # '#'
        end += 1
        code = 0
        if end < size and text[end] == 0x78:  # 'x'
            end += 1
            while end < size and chr(text[end]) in "0123456789abcdefABCDEF":
                code = code * 16 + int(chr(text[end]), 16)
                end += 1
        else:
            while end < size and 0x30 <= text[end] <= 0x39:
                code = code * 10 + text[end] - 0x30
                end += 1
        if code == 0 or code >= 0x10FFFF or end - pos >= 10:
            return None
        if 0xD800 <= code <= 0xDFFF:
            raise EntityParseError(
                "Text contains invalid Unicode characters after decoding HTML entities, "
                "check for unmatched surrogate code units"
            )
        char = chr(code)
    else:
        while end < size and (0x41 <= text[end] <= 0x5A or 0x61 <= text[end] <= 0x7A):
            end += 1
        named = _NAMED.get(text[pos + 1 : end])
        if named is None:
            return None
        char = named
    if end < size and text[end] == 0x3B:  # ';'
        end += 1
    return char, end


def checked_link(url: str) -> str | None:
    """The link Telegram would keep for a text_link, or None if it would drop it."""
    url = url.strip()
    if not url or any(c.isspace() for c in url):
        return None
    lowered = url.lower()
    if lowered.startswith(("tg://", "ton://")):
        return url
    if lowered.startswith(("http://", "https://")):
        host = url.split("://", 1)[1].split("/", 1)[0]
        return url if host else None
    if "://" in url:
        return None  # ftp:// and other protocols Telegram does not link
    return f"http://{url}" if "." in url.split("/", 1)[0] else None


def escape(text: str) -> str:
    """Escape text for HTML parse mode (the three characters Telegram requires)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
