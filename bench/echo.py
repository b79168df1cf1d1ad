"""The floor: an echo bot in plain PTB 22, set up as Mulin is in every way that costs time.

Same base URL, same rate limiter (`AIORateLimiter(max_retries=3)`: 30 messages/s overall,
20/min per group), sequential update processing (`concurrent_updates(False)`), long polling
with PTB's defaults and the same allowed updates, the same logging set-up as `python -m bot
run`. A text is answered with itself (quoted in groups, as Mulin quotes there), and so is a
caption (a photo's, as text): the messages Mulin answers, not an album's uncaptioned photos,
which Mulin adds to the report of the album's captioned one without a word (the benchmark's
`report_photos`), so both bots answer the same updates. A button press is answered with an
empty answerCallbackQuery.

`python -m bench.echo --api-url URL --token T [--overall-rate N] [--group-rate N]`

Its newcomer's counterpart, with none of this set-up, is bench/bare_echo.py (same replies).
"""

from __future__ import annotations

import argparse
import logging
import sys

from telegram import Update
from telegram.constants import ChatType, FloodLimit
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

ALLOWED_UPDATES = [
    Update.MESSAGE,
    Update.CALLBACK_QUERY,
    Update.MY_CHAT_MEMBER,
    Update.CHAT_MEMBER,
]  # as Mulin's


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    said = None if message is None else message.text or message.caption
    if message is None or said is None:
        return
    await message.reply_text(said, do_quote=message.chat.type != ChatType.PRIVATE)


async def answer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if update.callback_query is not None:
        await update.callback_query.answer()


def limiter(overall_rate: float | None, group_rate: float | None = None) -> AIORateLimiter:
    """Mulin's limiter; `overall_rate` 0 lifts the 30/s overall limit, `group_rate` 0 the
    20/min of a group (each as MULIN_RATE_OVERALL / MULIN_RATE_GROUP 0 does in Mulin)."""
    return AIORateLimiter(
        overall_max_rate=FloodLimit.MESSAGES_PER_SECOND if overall_rate is None else overall_rate,
        group_max_rate=(
            FloodLimit.MESSAGES_PER_MINUTE_PER_GROUP if group_rate is None else group_rate
        ),
        max_retries=3,
    )


def build(
    api_url: str, token: str, overall_rate: float | None = None, group_rate: float | None = None
) -> Application:  # type: ignore[type-arg]
    app = (
        ApplicationBuilder()
        .token(token)
        .base_url(f"{api_url}/bot")
        .base_file_url(f"{api_url}/file/bot")
        .rate_limiter(limiter(overall_rate, group_rate))
        .concurrent_updates(False)
        .build()
    )
    app.add_handler(MessageHandler(filters.TEXT | filters.CAPTION, echo))
    app.add_handler(CallbackQueryHandler(answer))
    return app


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.echo", description=__doc__)
    parser.add_argument("--api-url", required=True, help="the Bot API root (TELEGRAM_API_URL)")
    parser.add_argument("--token", required=True)
    parser.add_argument(
        "--overall-rate",
        type=float,
        default=None,
        help="AIORateLimiter overall_max_rate (default: PTB's 30/s; 0: no overall limit)",
    )
    parser.add_argument(
        "--group-rate",
        type=float,
        default=None,
        help="AIORateLimiter group_max_rate (default: PTB's 20/min; 0: groups not paced)",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("httpx").setLevel(logging.WARNING)
    app = build(args.api_url, args.token, args.overall_rate, args.group_rate)
    app.run_polling(allowed_updates=ALLOWED_UPDATES)
    return 0


if __name__ == "__main__":
    sys.exit(main())
