"""Forgetting what is no longer needed, once a day at 04:00 (MULIN_TZ, a quiet hour): the ids of
handled updates and the inbox's updates (kept 14 days, to recognise a redelivery) and the
outbox's sent messages (kept 30 days, for inquiries). The deletes run on the slow connection,
off the event loop."""

from __future__ import annotations

import logging
from datetime import datetime, time, timedelta
from typing import Any

from telegram.ext import Application

from bot.context import CustomContext, Services
from bot.core.db import utcnow
from bot.core.dialogs import prune_dialogs
from bot.core.jobs import named_queue
from bot.delivery.outbox_store import OutboxStore

log = logging.getLogger(__name__)

PRUNE_AT = time(4, 0)
OUTBOX_KEEP = timedelta(days=30)
INBOX_KEEP = timedelta(days=14)  # as long as a handled update's id is kept
DIALOG_KEEP = timedelta(days=1)  # a dialog's step and draft, long after its 30 minutes


async def run_housekeeping(services: Services, now: datetime) -> tuple[int, int]:
    """(update ids forgotten, outbox messages forgotten)."""
    await services.inbox.prune(now - INBOX_KEEP)
    await prune_dialogs(services.db, now - DIALOG_KEEP)
    updates = await services.db.prune_processed(now)
    messages = await OutboxStore(services.db).prune(now - OUTBOX_KEEP)
    if updates or messages:
        log.info("housekeeping: %d update ids, %d sent messages forgotten", updates, messages)
    return updates, messages


async def _housekeeping_job(context: CustomContext) -> None:
    await run_housekeeping(context.bot_data, utcnow())


def register(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    queue = named_queue(app, "housekeeping")
    tz = app.bot_data.settings.tz
    queue.run_daily(_housekeeping_job, PRUNE_AT.replace(tzinfo=tz), name="housekeeping")
