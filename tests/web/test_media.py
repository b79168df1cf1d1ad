"""/media/<id>: residents' photos fetched once through the Bot API (the project's emulator over
real HTTP), cached on disk beside the database and served from there; voice notes never; the
bot token never in an answer or a log line."""

from __future__ import annotations

import asyncio
import logging
import re
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.config import Settings
from bot.web.server import create_app
from emulator import Emulator
from emulator.images import sample_png
from tests.web.conftest import PHOTOS, Town

Client = TestClient  # type: ignore[type-arg]
TOKEN = "123456:MEDIA-SECRET-TOKEN"


async def photos_from_telegram(emu: Emulator, town: Town) -> list[bytes]:
    """The seeded lamp's two photos become photos a resident sent through the emulator, and
    the anonymous report's voice note one it knows too (to see it refused)."""
    alice = emu.add_user("Alice")
    sent = [
        await emu.send_photo(alice, alice.id, data=sample_png(64 + n * 8, 48)) for n in range(3)
    ]
    voice = (await emu.send_voice(alice, alice.id)).voice
    assert voice is not None
    with sqlite3.connect(town.path) as conn:
        for position, message in enumerate(sent[:2]):
            assert message.photo is not None
            conn.execute(
                "UPDATE issue_photos SET file_id = ? WHERE issue_id = ? AND position = ?",
                (message.photo.file_id, town.issues["lamp"], position),
            )
        assert sent[2].photo is not None  # the one the grid worker added with /add
        conn.execute(
            "UPDATE issue_history SET photo_file_id = ? WHERE photo_file_id = ?",
            (sent[2].photo.file_id, PHOTOS[2]),
        )
        hidden = town.issues["anonymous"]
        conn.execute("UPDATE issues SET voice_file_id = ? WHERE id = ?", (voice.file_id, hidden))
        conn.execute(
            "INSERT INTO issue_photos (issue_id, position, file_id) VALUES (?, 0, ?)",
            (hidden, voice.file_id),
        )
    return [m.photo.data for m in sent if m.photo is not None]


async def serve(town: Town, emu: Emulator, **env: str) -> AsyncIterator[Client]:
    settings = Settings.from_env(
        {"MULIN_DB": str(town.path), "TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_URL": emu.api_url}
        | env
    )
    async with TestClient(TestServer(create_app(settings), host="127.0.0.1")) as client:
        yield client


@pytest.fixture
async def emu() -> AsyncIterator[Emulator]:
    async with Emulator(token=TOKEN, bot_username="mulin_bot") as emulator:
        yield emulator


@pytest.fixture
async def media(town: Town, emu: Emulator) -> AsyncIterator[tuple[Client, list[bytes]]]:
    data = await photos_from_telegram(emu, town)
    async for client in serve(town, emu):
        yield client, data


async def test_a_photo_is_served_with_its_type_and_then_from_disk(
    media: tuple[Client, list[bytes]], emu: Emulator, town: Town
) -> None:
    client, data = media
    lamp = town.issues["lamp"]
    first = await client.get(f"/media/{lamp}-1")
    assert first.status == 200 and await first.read() == data[0]
    assert first.content_type == "image/png"
    assert first.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert len(emu.calls("getFile")) == 1
    assert (town.path.parent / "media-cache" / f"{lamp}-1").read_bytes() == data[0]
    again = await client.get(f"/media/{lamp}-1")
    assert again.status == 200 and await again.read() == data[0]
    assert len(emu.calls("getFile")) == 1  # from disk: Telegram was not asked again
    second = await client.get(f"/media/{lamp}-2")
    assert await second.read() == data[1] and len(emu.calls("getFile")) == 2


async def test_concurrent_requests_fetch_a_photo_once(
    media: tuple[Client, list[bytes]], emu: Emulator, town: Town
) -> None:
    client, data = media
    path = f"/media/{town.issues['lamp']}-2"
    answers = await asyncio.gather(*(client.get(path) for _ in range(8)))
    assert [a.status for a in answers] == [200] * 8
    assert {await a.read() for a in answers} == {data[1]}
    assert len(emu.calls("getFile")) == 1


async def test_a_photo_added_later_is_on_the_issue_page_and_served(
    media: tuple[Client, list[bytes]], emu: Emulator, town: Town
) -> None:
    """The grid worker's /add photo: under its history line, at /media/<issue>-h<line>."""
    client, data = media
    lamp = town.issues["lamp"]
    page = await (await client.get(f"/issues/{lamp}")).text()
    added = re.findall(rf'<img src="(/media/{lamp}-h\d+)" alt="([^"]+)"', page)
    assert [alt for _, alt in added] == [f"#{lamp} 后续补充的照片"]
    response = await client.get(added[0][0])
    assert response.status == 200 and await response.read() == data[2]
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"


async def test_a_voice_note_added_later_is_never_served_as_a_photo(
    media: tuple[Client, list[bytes]], emu: Emulator, town: Town
) -> None:
    client, _ = media
    hidden = town.issues["anonymous"]
    with sqlite3.connect(town.path) as conn:  # a history line whose "photo" is its voice note
        conn.execute(
            "UPDATE issue_history SET photo_file_id = voice_file_id"
            " WHERE issue_id = ? AND voice_file_id IS NOT NULL",
            (hidden,),
        )
        (line,) = conn.execute(
            "SELECT count(*) FROM issue_history WHERE issue_id = ? AND id <="
            " (SELECT id FROM issue_history WHERE issue_id = ? AND voice_file_id IS NOT NULL)",
            (hidden, hidden),
        ).fetchone()
    for path in (f"/media/{hidden}-h{line}", f"/media/{hidden}-h99", f"/media/{hidden}-h0"):
        assert (await client.get(path)).status == 404, path
    assert emu.calls("getFile") == []


async def test_a_voice_note_unknown_and_malformed_ids_are_404(
    media: tuple[Client, list[bytes]], emu: Emulator, town: Town
) -> None:
    client, _ = media
    lamp, hidden = town.issues["lamp"], town.issues["anonymous"]
    for path in (
        f"/media/{hidden}-1",  # its "photo" is its voice note: never served
        f"/media/{lamp}-3",
        "/media/999-1",
        f"/media/{lamp}-0",
        f"/media/{lamp}-01",
        f"/media/{lamp}",
        "/media/x-1",
        f"/media/{lamp}-H1",
        f"/media/{lamp}-h01",
        f"/media/{lamp}-hh1",
        "/media/..%2Fmulin.sqlite3",
    ):
        response = await client.get(path)
        text = await response.text()
        assert response.status == 404, path
        assert response.content_type == "text/html" and "Traceback" not in text
        assert "Cache-Control" not in response.headers
    assert emu.calls("getFile") == []


async def test_a_telegram_error_is_a_404_page(
    media: tuple[Client, list[bytes]], emu: Emulator, town: Town
) -> None:
    client, _ = media
    with sqlite3.connect(town.path) as conn:  # a file id Telegram does not know
        conn.execute(
            "UPDATE issue_photos SET file_id = 'AgACgone' WHERE issue_id = ? AND position = 1",
            (town.issues["lamp"],),
        )
    response = await client.get(f"/media/{town.issues['lamp']}-2")
    assert response.status == 404 and "Traceback" not in await response.text()
    assert len(emu.calls("getFile")) == 1


async def test_without_a_token_photos_are_404_and_pages_work(town: Town, emu: Emulator) -> None:
    await photos_from_telegram(emu, town)
    async for client in serve(town, emu, TELEGRAM_BOT_TOKEN=""):
        response = await client.get(f"/media/{town.issues['lamp']}-1")
        assert response.status == 404
        assert (await client.get(f"/issues/{town.issues['lamp']}")).status == 200
    assert emu.calls("getFile") == []


async def test_the_token_is_in_no_answer_and_no_log_line(
    media: tuple[Client, list[bytes]],
    emu: Emulator,
    town: Town,
    caplog: pytest.LogCaptureFixture,
) -> None:
    client, _ = media
    caplog.set_level(logging.DEBUG)
    emu_url = emu.api_url
    lamp = town.issues["lamp"]
    paths = [f"/media/{lamp}-1", f"/media/{lamp}-1", f"/media/{lamp}-9", f"/issues/{lamp}", "/"]
    with sqlite3.connect(town.path) as conn:
        conn.execute(
            "UPDATE issue_photos SET file_id = 'AgACgone' WHERE issue_id = ? AND position = 1",
            (lamp,),
        )
    paths.append(f"/media/{lamp}-2")  # Telegram refuses: logged, without the URL
    secret = TOKEN.split(":")[1]
    for path in paths:
        response = await client.get(path)
        body = await response.read()
        assert secret.encode() not in body, path
        assert all(secret not in v for v in response.headers.values()), path
    assert emu_url  # the Bot API was really called over HTTP
    assert any("getFile refused" in r.getMessage() for r in caplog.records)
    assert all(secret not in r.getMessage() for r in caplog.records)


async def test_the_cap_evicts_the_least_recently_served(town: Town, emu: Emulator) -> None:
    data = await photos_from_telegram(emu, town)
    cap = (max(len(d) for d in data) * 1.5) / (1024 * 1024)
    lamp = town.issues["lamp"]
    folder = town.path.parent / "media-cache"
    async for client in serve(town, emu, MULIN_MEDIA_CACHE_MB=repr(cap)):
        assert (await client.get(f"/media/{lamp}-1")).status == 200
        assert sorted(p.name for p in folder.iterdir()) == [f"{lamp}-1"]
        assert (await client.get(f"/media/{lamp}-2")).status == 200
        assert sorted(p.name for p in folder.iterdir()) == [f"{lamp}-2"]  # 1 was evicted
        assert await (await client.get(f"/media/{lamp}-1")).read() == data[0]
        assert len(emu.calls("getFile")) == 3  # evicted, so fetched again


def test_the_cache_size_setting(tmp_path: Path) -> None:
    settings = Settings.from_env({"MULIN_DB": str(tmp_path / "db.sqlite3")})
    assert settings.media_cache_mb == 200
    assert Settings.from_env({"MULIN_MEDIA_CACHE_MB": "0.5"}).media_cache_mb == 0.5


async def test_the_issue_page_shows_its_photos(
    media: tuple[Client, list[bytes]], town: Town
) -> None:
    client, data = media
    lamp = town.issues["lamp"]
    html = await (await client.get(f"/issues/{lamp}?lang=en")).text()
    for n in (1, 2):
        assert f'<img src="/media/{lamp}-{n}" alt="Photo {n} of #{lamp}" loading="lazy">' in html
    assert await (await client.get(f"/media/{lamp}-2")).read() == data[1]
