"""The weekly account's Monday 09:00 run on PTB's JobQueue, rebuilt at every start.

The job is a plain coroutine taking the services and a "now", so tests call it with the moment
they need. What it has sent is recorded per group and week in the database, so a start later
on Monday catches up once (bot/weekly/rules.py `due_monday`: until the end of that Monday) and
nothing is ever sent twice.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from telegram.ext import Application

from bot.context import CustomContext, Services
from bot.core.db import utcnow
from bot.core.jobs import named_queue
from bot.weekly.rules import ACCOUNT_AT, due_monday
from bot.weekly.service import WeeklySent

log = logging.getLogger(__name__)

PTB_MONDAY = 1  # run_daily's days count from Sunday = 0 (PTB 20+), not from Monday


async def run_weekly(services: Services, now: datetime) -> WeeklySent | None:
    """The Monday account for every registered group that has not had this week's yet; None
    when no account is due at `now`."""
    sent = await services.weekly.send_due(now)
    if sent is not None and sent.chats:
        log.info("weekly account %s queued for %d groups", sent.week, len(sent.chats))
    return sent


async def _weekly_job(context: CustomContext) -> None:
    await run_weekly(context.bot_data, utcnow())


def register(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """The named Monday job in MULIN_TZ; a start later on Monday sends the missed accounts now.

    No misfire limit: APScheduler's default skips a run more than a second late (a busy loop
    at 09:00); a late run is harmless, since the rule and the per-group record decide."""
    services: Services = app.bot_data
    tz = services.settings.tz
    queue = named_queue(app, "weekly")
    queue.run_daily(
        _weekly_job,
        ACCOUNT_AT.replace(tzinfo=tz),
        days=(PTB_MONDAY,),
        name="weekly",
        job_kwargs={"misfire_grace_time": None},
    )
    if due_monday(utcnow(), tz) is not None:
        queue.run_once(_weekly_job, 0, name="weekly-catch-up")
