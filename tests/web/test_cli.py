"""`python -m bot web --listen HOST:PORT` and `python -m bot run --web HOST:PORT` as real
processes: the board answers over TCP on 127.0.0.1, and stops cleanly on SIGTERM."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from pathlib import Path

import aiohttp

from bot.__main__ import parse_listen
from bot.config import SettingsError
from emulator import Emulator
from emulator.harness import process_env
from tests.web.conftest import Town

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def board_answers(url: str, process: asyncio.subprocess.Process) -> str:
    async with aiohttp.ClientSession() as session:
        for _ in range(300):
            assert process.returncode is None, "the process ended"
            try:
                async with session.get(url) as response:
                    assert response.status == 200
                    return await response.text()
            except aiohttp.ClientConnectionError:
                await asyncio.sleep(0.05)
    raise AssertionError(f"{url} never answered")


async def stop(process: asyncio.subprocess.Process) -> bytes:
    process.send_signal(signal.SIGTERM)
    _, err = await asyncio.wait_for(process.communicate(), 30)
    return err


async def test_python_m_bot_web(town: Town) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MULIN_", "TELEGRAM_"))}
    env["MULIN_DB"] = str(town.path)
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "web", "--listen", f"127.0.0.1:{port}",
        cwd=ROOT, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        html = await board_answers(f"http://127.0.0.1:{port}/c/西安村", process)
        assert "3号楼门口路灯不亮" in html
    finally:
        err = await stop(process)
    assert b"Traceback" not in err, err.decode()


async def test_python_m_bot_run_with_web(tmp_path: Path) -> None:
    async with Emulator(token="123456:TEST-TOKEN", bot_username="mulin_bot") as emu:
        port = free_port()
        env = process_env(emu, tmp_path / "mulin.sqlite3")
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", "--web", f"127.0.0.1:{port}",
            cwd=ROOT, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        try:
            html = await board_answers(f"http://127.0.0.1:{port}/?lang=en", process)
            assert '<html lang="en">' in html
        finally:
            err = await stop(process)
        assert b"Traceback" not in err, err.decode()


def test_listen_takes_host_and_port_ipv6_in_brackets() -> None:
    assert parse_listen("127.0.0.1:8080") == ("127.0.0.1", 8080)
    assert parse_listen("[::1]:8080") == ("::1", 8080)
    assert parse_listen("localhost:443") == ("localhost", 443)
    for wrong in ("8080", ":8080", "[]:8080", "host:", "host:0", "host:65536", "host:８０", "h:x"):
        try:
            parse_listen(wrong)
        except SettingsError as error:
            assert "HOST:PORT" in str(error), wrong
        else:
            raise AssertionError(f"{wrong!r} accepted")
