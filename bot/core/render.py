"""Text the bot sends, as Telegram HTML: user text escaped, long text split within limits."""

from __future__ import annotations

import html
import re

MESSAGE_LIMIT = 4096
CAPTION_LIMIT = 1024

_TOKEN = re.compile(r"<(/?)([a-zA-Z0-9-]+)[^>]*>|&(?:[a-zA-Z]+|#[0-9]+|#x[0-9a-fA-F]+);|.", re.S)


def esc(text: object) -> str:
    """User text shown verbatim: HTML in it never changes our formatting."""
    return html.escape(str(text), quote=False)


def utf16_len(text: str) -> int:
    """Telegram counts text length in UTF-16 code units (an emoji can count two)."""
    return len(text.encode("utf-16-le")) // 2


def visible_length(markup: str) -> int:
    """Length of HTML as Telegram measures it: after tags are removed and entities decoded."""
    return utf16_len(html.unescape(re.sub(r"<[^>]+>", "", markup)))


def truncate(text: str, limit: int) -> str:
    """Plain (unescaped) text cut to `limit` characters with an ellipsis, for popups and buttons."""
    return text if len(text) <= limit else text[: max(limit - 1, 0)] + "…"


def truncate_units(text: str, units: int) -> str:
    """Cut to at most `units` UTF-16 code units (Telegram's measure), ellipsis included."""
    if utf16_len(text) <= units:
        return text
    budget = max(units - 1, 0)
    out = []
    for ch in text:
        width = utf16_len(ch)
        if width > budget:
            break
        out.append(ch)
        budget -= width
    return "".join(out) + "…"


def split_html(markup: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Split at line ends into messages of at most `limit` visible characters.

    Lines are kept whole when they fit; a longer line is cut between characters, never inside a
    tag or an entity, and tags open at the cut are closed and reopened in the next part.
    """
    parts: list[str] = []
    current: list[str] = []
    size = 0
    for line in markup.split("\n"):
        length = visible_length(line) + (1 if current else 0)
        if size + length <= limit:
            current.append(line)
            size += length
            continue
        if current:
            parts.append("\n".join(current))
            current, size = [], 0
        if visible_length(line) <= limit:
            current, size = [line], visible_length(line)
            continue
        pieces = _split_line(line, limit)
        parts.extend(pieces[:-1])
        current, size = [pieces[-1]], visible_length(pieces[-1])
    if current and any(s.strip() for s in current):
        parts.append("\n".join(current))
    return [p for p in parts if p.strip()] or [markup[:limit]]


def _split_line(line: str, limit: int) -> list[str]:
    pieces: list[str] = []
    buf: list[str] = []
    open_tags: list[tuple[str, str]] = []  # (name, full opening tag)
    size = 0
    for match in _TOKEN.finditer(line):
        token = match.group(0)
        if match.group(2):  # a tag
            name = match.group(2).lower()
            if match.group(1):
                if open_tags and open_tags[-1][0] == name:
                    open_tags.pop()
            else:
                open_tags.append((name, token))
            buf.append(token)
            continue
        width = utf16_len(html.unescape(token))
        if size + width > limit:
            closing = "".join(f"</{name}>" for name, _ in reversed(open_tags))
            pieces.append("".join(buf) + closing)
            buf = [tag for _, tag in open_tags]
            size = 0
        buf.append(token)
        size += width
    pieces.append("".join(buf))
    return pieces
