"""From what a bot sends (text + parse_mode or entities) to what Telegram stores and shows.

Limits are checked on the result, as Telegram does: "1-4096 characters after entities
parsing", counted in UTF-16 code units like every offset in the Bot API.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .errors import bad_request
from .html import EntityParseError, checked_link, parse_html
from .markdown import parse_markdown, parse_markdown_v2

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
_TRIM = " \t\r\n\x0b\x0c"
_ENTITY_TYPES = frozenset(
    {
        "mention",
        "hashtag",
        "cashtag",
        "bot_command",
        "url",
        "email",
        "phone_number",
        "bold",
        "italic",
        "underline",
        "strikethrough",
        "spoiler",
        "blockquote",
        "expandable_blockquote",
        "code",
        "pre",
        "text_link",
        "text_mention",
        "custom_emoji",
        "date_time",
    }
)
_USER_LINK = re.compile(r"tg://user\?id=(\d+)$", re.IGNORECASE)
_COMMAND = re.compile(r"(?<![\w/])/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?(?![\w/])")
_MENTION = re.compile(r"(?<![\w@])@[A-Za-z0-9_]{4,32}(?!\w)")

UserLookup = Callable[[int], dict[str, Any] | None]


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


@dataclass(frozen=True)
class FormattedText:
    text: str
    entities: list[dict[str, Any]] = field(default_factory=list)


def format_text(
    raw: str,
    parse_mode: str | None,
    entities: list[dict[str, Any]] | None,
    *,
    lookup_user: UserLookup,
    caption: bool = False,
) -> FormattedText:
    """Parse, trim and check one text or caption; raise ApiFailure(400) as Telegram would."""
    if entities:
        parsed = raw, _checked_entities(raw, entities, lookup_user)
    else:
        mode = (parse_mode or "").lower()
        try:
            if mode == "html":
                parsed = parse_html(raw)
            elif mode == "markdownv2":
                parsed = parse_markdown_v2(raw)
            elif mode == "markdown":
                parsed = parse_markdown(raw)
            elif mode in ("", "none"):
                parsed = raw, []
            else:
                raise bad_request("unsupported parse_mode")
        except EntityParseError as exc:
            raise bad_request(f"can't parse entities: {exc}") from None
    plain, found = _trim(*parsed)
    found = [_resolve_mention(e, lookup_user) for e in found]
    if caption:
        if utf16_len(plain) > CAPTION_LIMIT:
            raise bad_request("message caption is too long")
        return FormattedText(plain, found)
    if not plain:  # the Bot API refuses an empty parameter, TDLib an empty result
        raise bad_request("text must be non-empty" if raw else "message text is empty")
    if utf16_len(plain) > TEXT_LIMIT:
        raise bad_request("message is too long")
    return FormattedText(plain, found)


def _trim(text: str, entities: list[dict[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
    """Telegram strips leading and trailing whitespace; entities move and shrink with it."""
    stripped = text.strip(_TRIM)
    if stripped == text:
        return text, entities
    shift = utf16_len(text[: len(text) - len(text.lstrip(_TRIM))])
    limit = utf16_len(stripped)
    out = []
    for entity in entities:
        start = max(entity["offset"] - shift, 0)
        end = min(entity["offset"] + entity["length"] - shift, limit)
        if end > start:
            out.append({**entity, "offset": start, "length": end - start})
    return stripped, out


def _resolve_mention(entity: dict[str, Any], lookup_user: UserLookup) -> dict[str, Any]:
    """A tg://user?id= link to a user Telegram knows becomes a text_mention, as on Telegram."""
    if entity["type"] != "text_link":
        return entity
    match = _USER_LINK.match(entity["url"])
    user = lookup_user(int(match.group(1))) if match else None
    if user is None:
        return entity
    return {
        "type": "text_mention",
        "offset": entity["offset"],
        "length": entity["length"],
        "user": user,
    }


def _checked_entities(
    text: str, entities: list[dict[str, Any]], lookup_user: UserLookup
) -> list[dict[str, Any]]:
    size = utf16_len(text)
    out = []
    for entity in entities:
        kind, offset, length = entity["type"], entity["offset"], entity["length"]
        if kind not in _ENTITY_TYPES:
            raise bad_request("can't parse MessageEntity: Unsupported type specified")
        if offset < 0:
            raise bad_request(f"receive an entity with incorrect offset {offset}")
        if offset > size:
            raise bad_request(f"entity begins after the end of the text at UTF-16 offset {offset}")
        if offset + length > size:
            raise bad_request(
                f"entity beginning at UTF-16 offset {offset} ends after the end of the text "
                f"at UTF-16 offset {offset + length}"
            )
        if length <= 0:
            continue
        clean: dict[str, Any] = {"type": kind, "offset": offset, "length": length}
        if kind == "text_link":
            url = entity.get("url")
            if url is None:
                raise bad_request("can't parse MessageEntity: Can't find field \"url\"")
            checked = checked_link(url)
            if checked is None:
                reason = "URL host is empty" if not url else "Wrong HTTP URL"
                raise bad_request(f"entity URL '{url}' is invalid: {reason}")
            clean["url"] = checked
        elif kind == "text_mention":
            user = entity.get("user")
            if user is None:
                raise bad_request("can't parse MessageEntity: Can't find field \"user\"")
            known = lookup_user(int(user["id"]))
            if known is None:
                raise bad_request("user not found")
            clean["user"] = known
        elif kind == "custom_emoji":
            emoji_id = entity.get("custom_emoji_id")
            if emoji_id is None:
                raise bad_request("can't parse MessageEntity: Can't find field \"custom_emoji_id\"")
            clean["custom_emoji_id"] = emoji_id
        elif kind == "pre" and entity.get("language"):
            clean["language"] = entity["language"]
        out.append(clean)
    out.sort(key=lambda e: (e["offset"], -e["length"]))
    return out


def auto_entities(text: str) -> list[dict[str, Any]]:
    """Entities Telegram finds by itself in a user's message: /commands and @mentions."""
    found: list[dict[str, Any]] = []
    for kind, pattern in (("bot_command", _COMMAND), ("mention", _MENTION)):
        for match in pattern.finditer(text):
            found.append(
                {
                    "type": kind,
                    "offset": utf16_len(text[: match.start()]),
                    "length": utf16_len(match.group(0)),
                }
            )
    found.sort(key=lambda e: e["offset"])
    return found
