"""The daily housekeeping: handled update ids after 14 days, sent messages after 30, at 04:00."""

from __future__ import annotations

from datetime import timedelta

from bot.core.db import ts, utcnow
from bot.delivery.housekeeping import run_housekeeping
from tests.conftest import World


async def test_old_update_ids_and_sent_messages_are_forgotten(world: World) -> None:
    app = world.running_app
    now = utcnow()
    old, recent = ts(now - timedelta(days=40)), ts(now - timedelta(days=1))

    def seed(conn):  # type: ignore[no-untyped-def]
        conn.executemany(
            "INSERT INTO processed_updates (update_id, processed_at) VALUES (?, ?)",
            [(900001, old), (900002, recent)],
        )
        conn.executemany(
            "INSERT INTO outbox (chat_id, text, not_before, created_at, done_at, outcome)"
            " VALUES (1, ?, ?, ?, ?, 'sent')",
            [("old", old, old, old), ("recent", recent, recent, recent)],
        )

    await app.bot_data.db.transaction(seed)
    forgotten = await run_housekeeping(app.bot_data, now)
    assert forgotten == (1, 1)
    ids = await app.bot_data.db.query(
        "SELECT update_id FROM processed_updates WHERE update_id > ?", (900000,)
    )
    assert ids == [(900002,)]
    texts = await app.bot_data.db.query("SELECT text FROM outbox WHERE chat_id = 1")
    assert texts == [("recent",)]


async def test_housekeeping_runs_at_four_in_the_morning(world: World) -> None:
    queue = world.running_app.job_queue
    assert queue is not None
    (job,) = queue.get_jobs_by_name("housekeeping")
    assert job.next_t is not None
    local = job.next_t.astimezone(world.settings.tz)
    assert (local.hour, local.minute) == (4, 0)
