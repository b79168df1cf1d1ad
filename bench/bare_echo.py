"""The bare floor: an echo bot in PTB 22 as a newcomer writes it, after PTB's own echobot example.

An ApplicationBuilder with a token and the base URL, one MessageHandler and one
CallbackQueryHandler, `run_polling()` with its defaults — and nothing else: no rate limiter, no
job queue (`job_queue(None)`: this venv has APScheduler for Mulin, a newcomer's usually has
not), PTB's own request class (httpx), default update processing (one at a time), Telegram's
default allowed updates, the example's logging (INFO, httpx quietened). It answers exactly as
the like-for-like echo (bench/echo.py; its two callbacks are used here) so that the benchmark's
matcher reads both alike: a text or caption with itself, quoted in groups; a press with an
empty answerCallbackQuery.

Beside bench/echo.py (the same bot set up as Mulin is: limiter, sequential processing, allowed
updates) it shows what that set-up costs: Mulin against the like-for-like echo compares equals,
Mulin against this one is what a newcomer would compare Mulin to.

`python -m bench.bare_echo --api-url URL --token T`
"""

from __future__ import annotations

import argparse
import logging
import sys

from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    MessageHandler,
    filters,
)

from .echo import answer, echo


def build(api_url: str, token: str) -> Application:  # type: ignore[type-arg]
    app = ApplicationBuilder().token(token).base_url(f"{api_url}/bot").job_queue(None).build()
    app.add_handler(MessageHandler(filters.TEXT | filters.CAPTION, echo))
    app.add_handler(CallbackQueryHandler(answer))
    return app


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.bare_echo", description=__doc__)
    parser.add_argument("--api-url", required=True, help="the Bot API root (TELEGRAM_API_URL)")
    parser.add_argument("--token", required=True)
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s - %(name)s - %(levelname)s - %(message)s"
    )
    logging.getLogger("httpx").setLevel(logging.WARNING)
    build(args.api_url, args.token).run_polling()
    return 0


if __name__ == "__main__":
    sys.exit(main())
