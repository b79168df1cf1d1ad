"""The issues' daily 09:00 follow-up on PTB's JobQueue, rebuilt at every start.

The job is a plain coroutine taking the services and a "now", so tests call it with the moment
they need; what it has done is recorded in the database (the day it ran), so a start after 09:00
catches up once and never repeats it.
"""

from __future__ import annotations

import logging
from datetime import datetime, time
from typing import Any

from telegram.ext import Application

from bot.context import CustomContext, Services
from bot.core.db import utcnow
from bot.core.jobs import named_queue
from bot.issues.service import FollowUp

log = logging.getLogger(__name__)

FOLLOWUP_AT = time(9, 0)


async def run_followup(services: Services, now: datetime) -> FollowUp | None:
    """The 09:00 follow-up: overdue reminders, automatic escalation, fixed-by-silence."""
    today = now.astimezone(services.settings.tz).date().isoformat()
    done = await services.issues.follow_up(now, today)
    if done is not None:
        log.info(
            "follow-up %s: %d reminders, %d escalated, %d fixed by silence",
            today,
            len(done.reminders),
            len(done.escalated),
            len(done.fixed_by_silence),
        )
    return done


async def _followup_job(context: CustomContext) -> None:
    await run_followup(context.bot_data, utcnow())


def register(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """The named daily job in MULIN_TZ; a start after 09:00 runs the missed run now (once)."""
    services: Services = app.bot_data
    tz = services.settings.tz
    queue = named_queue(app, "followup")
    queue.run_daily(_followup_job, FOLLOWUP_AT.replace(tzinfo=tz), name="followup")
    local = utcnow().astimezone(tz)
    if local.time() >= FOLLOWUP_AT:
        queue.run_once(_followup_job, 0, name="followup-catch-up")
