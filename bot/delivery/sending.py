"""The bot's two hottest requests, sendMessage and editMessageText, without reading Telegram's
answer back into PTB objects; and the outbox's media (bot/delivery/media.py) the same way.

PTB turns every answer into a `telegram.Message` (`de_json`): for a card with formatting and
buttons that costs about 0.8 ms, more than the rest of a /issue update (measured in
bench/throughput.py). Mulin needs at most the new message's id, so these go through PTB's own
`Bot.do_api_request` — the same request, rate limiter, errors and retries — and read the id from
the plain answer. The outbox's media rows store their request's own parameters, so they go the
same way: one function sends any of them, and no answer (an album's is a list of messages) is
read back into PTB objects. Everything else uses PTB's typed methods.
"""

from __future__ import annotations

import warnings
from typing import Any

from telegram import Bot, InlineKeyboardMarkup, InputMediaPhoto
from telegram.ext import ExtBot
from telegram.warnings import PTBUserWarning

from bot.delivery.media import API_METHODS, CAPTIONED
from bot.delivery.pacing import BULK

# do_api_request asks for the typed method when one exists; here the raw one is the point.
warnings.filterwarnings(
    "ignore",
    message=r"Please use 'Bot\.(sendMessage|editMessageText|sendPhoto|sendMediaGroup|sendVoice"
    r"|sendLocation|sendVenue)'",
    category=PTBUserWarning,
)

Markup = InlineKeyboardMarkup | dict[str, Any] | None

# What Defaults in bot/app.py give the typed methods: HTML, no link previews.
_COMMON: dict[str, Any] = {"parse_mode": "HTML", "link_preview_options": {"is_disabled": True}}


def _with_markup(kwargs: dict[str, Any], markup: Markup) -> dict[str, Any]:
    if markup is not None:
        kwargs["reply_markup"] = (
            markup.to_dict() if isinstance(markup, InlineKeyboardMarkup) else markup
        )
    return kwargs


def _reply(kwargs: dict[str, Any], reply_to: int | None) -> dict[str, Any]:
    if reply_to is not None:
        kwargs["reply_parameters"] = {"message_id": reply_to, "allow_sending_without_reply": True}
    return kwargs


async def _request(bot: Bot, method: str, kwargs: dict[str, Any], *, bulk: bool) -> Any:
    """The outbox's requests are bulk: a person's answer goes ahead of them (pacing.py)."""
    if bulk and isinstance(bot, ExtBot):
        return await bot.do_api_request(method, api_kwargs=kwargs, rate_limit_args=BULK)
    return await bot.do_api_request(method, api_kwargs=kwargs)


async def send_html(
    bot: Bot,
    chat_id: int,
    text: str,
    *,
    markup: Markup = None,
    reply_to: int | None = None,
    bulk: bool = False,
) -> int:
    """Send `text` (HTML); a reply when `reply_to` names a message that still exists.
    Returns the new message's id."""
    kwargs = _reply({"chat_id": chat_id, "text": text, **_COMMON}, reply_to)
    result = await _request(bot, "sendMessage", _with_markup(kwargs, markup), bulk=bulk)
    return int(result["message_id"])


async def edit_html(
    bot: Bot,
    chat_id: int,
    message_id: int,
    text: str,
    *,
    markup: Markup = None,
    bulk: bool = False,
) -> None:
    """Replace a message's text (HTML) and buttons; no buttons given removes them."""
    kwargs: dict[str, Any] = {
        "chat_id": chat_id,
        "message_id": message_id,
        "text": text,
        **_COMMON,
    }
    await _request(bot, "editMessageText", _with_markup(kwargs, markup), bulk=bulk)


async def send_media(
    bot: Bot,
    chat_id: int,
    method: str,
    payload: dict[str, Any],
    *,
    caption: str = "",
    reply_to: int | None = None,
    bulk: bool = False,
) -> int:
    """Send an outbox media row (`method`: photo | album | voice | location | venue) with its
    stored parameters; `caption` (HTML) on a photo or voice note. Returns the new message's
    id (an album's first)."""
    kwargs = _reply({"chat_id": chat_id, **payload}, reply_to)
    if method == "album":
        # PTB's defaults step expects an album's items as its objects, not Telegram's JSON
        kwargs["media"] = [InputMediaPhoto(item["media"]) for item in payload["media"]]
    if caption and method in CAPTIONED:
        kwargs |= {"caption": caption, "parse_mode": "HTML"}
    result = await _request(bot, API_METHODS[method], kwargs, bulk=bulk)
    first = result[0] if isinstance(result, list) else result
    return int(first["message_id"])
