"""The emulator as its own process, driven through its control routes (as benchmarks do)."""

from __future__ import annotations

import asyncio
import sys

import aiohttp

from emulator.server import HANDLERS
from emulator.spec import load_spec


def test_every_implemented_method_is_in_the_spec() -> None:
    spec = load_spec()
    assert [name for name in HANDLERS if spec.canonical(name) != name] == []


async def test_run_as_a_process_and_drive_it_over_http() -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "emulator",
        "--port",
        "0",
        "--token",
        "42:T",
        stdout=asyncio.subprocess.PIPE,
    )
    try:
        assert process.stdout is not None
        url = (await asyncio.wait_for(process.stdout.readline(), 10)).decode().strip()
        assert url.startswith("http://127.0.0.1:")
        async with aiohttp.ClientSession() as http:

            async def post(path: str, body: dict[str, object]) -> object:
                async with http.post(f"{url}{path}", json=body) as response:
                    assert response.status == 200, await response.text()
                    return await response.json()

            user = await post("/_emulator/users", {"first_name": "Bench"})
            assert isinstance(user, dict)
            await post("/_emulator/send", {"user_id": user["id"], "text": "hi"})
            async with http.post(f"{url}/bot42:T/getUpdates") as response:
                updates = (await response.json())["result"]
            assert updates[0]["message"]["text"] == "hi"
            async with http.post(
                f"{url}/bot42:T/getUpdates", data={"offset": str(updates[0]["update_id"] + 1)}
            ):
                pass
            assert await post("/_emulator/wait_idle", {"quiet": 0.0, "timeout": 2}) == {"ok": True}
            async with http.get(f"{url}/_emulator/stats") as response:
                stats = await response.json()
            assert stats["by_method"] == {"getUpdates": 2} and stats["errors"] == []
    finally:
        process.terminate()
        await process.wait()
