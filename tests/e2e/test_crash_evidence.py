"""A report's album is not lost to a crash between its card and it, nor sent twice (issue 13):
the real `python -m bot run` is killed with SIGKILL once the card is in the group and while
Telegram is holding the album back (a 429), then started again on the same database."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest

from emulator import Chat, Emulator, Message, User
from emulator.harness import SUPERADMIN_ID
from tests.e2e.test_crash import bot_process, rows


def cards(emu: Emulator, group: Chat) -> list[Message]:
    return [m for m in emu.bot_messages(group) if (m.text or "").startswith("#1 ")]


def album(emu: Emulator, group: Chat) -> list[str]:
    """The file ids of every photo the bot sent the group in an album."""
    return [m.photo.file_id for m in emu.bot_messages(group) if m.media_group_id and m.photo]


async def guided_report(emu: Emulator, who: User) -> list[str]:
    """The private guided report, two photos with it; their file ids."""
    dm = emu.private_chat(who)
    await emu.send(who, dm, "/report")
    await emu.wait_idle(quiet=0.3)
    await emu.press(who, emu.last_bot_message(dm), "🔊 噪音")
    await emu.send(who, dm, "楼上每天夜里12点还在装修，吵得睡不着")
    await emu.wait_idle(quiet=0.3)
    await emu.press(who, emu.last_bot_message(dm), "跳过 ›")
    photos = []
    for _ in range(2):
        sent = await emu.send_photo(who, dm)
        await emu.wait_idle(quiet=0.3)
        assert sent.photo is not None
        photos.append(sent.photo.file_id)
    await emu.press(who, emu.last_bot_message(dm), "完成 ›")
    await emu.wait_idle(quiet=0.3)
    await emu.press(who, emu.last_bot_message(dm), "👤 显示我的名字")
    await emu.wait_idle(quiet=0.3)
    await emu.press(who, emu.last_bot_message(dm), "✅ 提交")
    return photos


@pytest.mark.provokes_api_errors  # the 429 that holds the album back
async def test_a_sigkill_between_the_card_and_its_album_sends_the_album_once(
    emu: Emulator, tmp_path: Path
) -> None:
    db = tmp_path / "album.sqlite3"
    admin = emu.add_user("镇管理员", user_id=SUPERADMIN_ID)
    bo = emu.add_user("阿波", username="abo")
    group = emu.add_group("海景湾二期", creator=admin)
    async with bot_process(emu, db) as proc:
        await emu.add_bot(group, by=admin)
        await emu.send(admin, group, "/setup 西安村 第8网格")
        await emu.wait_for(lambda: len(emu.bot_messages(group)) == 2, timeout=10)
        await emu.send(bo, group, "大家好")
        await emu.send(bo, emu.private_chat(bo), "/start")
        await emu.wait_idle(quiet=0.3)
        # Telegram holds the album back: the outbox must wait, and the process dies meanwhile
        emu.fail_next("sendMediaGroup", status=429, retry_after=5)
        photos = await guided_report(emu, bo)
        await emu.wait_for(lambda: bool(emu.calls("sendMediaGroup")), timeout=10)
        await emu.wait_for(
            lambda: rows(db, "SELECT card_message_id FROM issues")[0][0] is not None, timeout=10
        )
        proc.send_signal(signal.SIGKILL)
        await proc.wait()
    assert len(cards(emu, group)) == 1 and album(emu, group) == []

    async with bot_process(emu, db):
        await emu.wait_for(lambda: bool(album(emu, group)), timeout=20)
        await emu.wait_idle(quiet=0.5)
    assert len(cards(emu, group)) == 1
    assert album(emu, group) == photos
    assert rows(db, "SELECT count(*) FROM issues") == [(1,)]
    assert rows(db, "SELECT count(*) FROM outbox WHERE done_at IS NULL") == [(0,)]
