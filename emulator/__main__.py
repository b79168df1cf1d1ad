"""Run the emulator as its own process: `python -m emulator --port 8081 --token 123456:TEST`.

Prints the API root (the TELEGRAM_API_URL for the bot) and serves until interrupted; drive it
through the /_emulator/ control routes (see control.py).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal

from .testapi import Emulator


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m emulator", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--token", default="123456:TEST")
    parser.add_argument("--bot-username", default="mulin_bot")
    parser.add_argument("--bot-name", default="睦邻")
    parser.add_argument(
        "--rate-limits", action="store_true", help="answer 429 beyond Telegram's broadcast limits"
    )
    return parser.parse_args(argv)


async def serve(args: argparse.Namespace) -> None:
    emu = Emulator(args.token, args.bot_username, args.bot_name, args.host, args.port)
    emu.enforce_rate_limits(args.rate_limits)
    await serve_until_signalled(emu)


async def serve_until_signalled(emu: Emulator) -> None:
    """Listen, print the API root (the first line a parent process reads), stop on SIGINT/TERM."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    async with emu:
        print(emu.api_url, flush=True)
        await stop.wait()


def main(argv: list[str] | None = None) -> None:
    asyncio.run(serve(_arguments(argv)))


if __name__ == "__main__":
    main()
