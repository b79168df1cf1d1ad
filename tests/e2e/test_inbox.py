"""The inbox (SPEC "Limits and bad input": an update the bot has fetched is handled, once, even
when the bot dies before handling it): the real `python -m bot run` fetches 50 updates while
every send is held unanswered, is killed with SIGKILL, and after a restart answers each exactly
once."""

from __future__ import annotations

import signal
from pathlib import Path

from emulator import Emulator
from tests.e2e.test_crash import bot_process, rows


async def test_fetched_and_unhandled_updates_are_each_answered_once_after_sigkill(
    emu: Emulator, tmp_path: Path
) -> None:
    db = tmp_path / "inbox.sqlite3"
    residents = [emu.add_user(f"居民{i}", username=f"resident{i}") for i in range(50)]
    chats = [emu.private_chat(r) for r in residents]
    async with bot_process(emu, db) as proc:
        emu.hold("sendMessage")  # every answer hangs in flight: nothing gets handled to the end
        for resident, chat in zip(residents, chats, strict=True):
            await emu.send(resident, chat, "/help")
        # Telegram has been told all 50 arrived (the next getUpdates confirmed them) ...
        await emu.wait_for(lambda: not emu.update_queue.pending, timeout=20)
        await emu.wait_for(lambda: rows(db, "SELECT count(*) FROM inbox")[0][0] == 50, timeout=10)
        proc.send_signal(signal.SIGKILL)
        await proc.wait()
    emu.release()  # the dead bot's sends are dropped, never delivered
    assert all(emu.bot_messages(chat) == [] for chat in chats)
    assert not emu.update_queue.pending  # ... so Telegram will never send them again

    async with bot_process(emu, db):
        await emu.wait_for(lambda: all(emu.bot_messages(chat) for chat in chats), timeout=30)
        await emu.wait_idle(quiet=0.5)
    answers = [len(emu.bot_messages(chat)) for chat in chats]
    assert answers == [1] * 50, answers
    assert all("您在这里可以做的事" in (emu.bot_messages(c)[0].text or "") for c in chats)
    handled = rows(
        db,
        "SELECT count(*) FROM inbox i JOIN processed_updates p ON p.update_id = i.update_id",
    )
    assert handled == [(50,)]
