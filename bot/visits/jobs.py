"""The visits' reminders on PTB's JobQueue: a check every minute, rebuilt at every start.

The job is a plain coroutine taking the services and a "now", so tests call it with the moment
they need. Which reminders were sent is recorded per visit in the database, so the first check
after a restart catches up on a missed one (while it still makes sense: bot/visits/rules.py)
and nothing is ever sent twice.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from telegram.ext import Application

from bot.context import Services
from bot.core.jobs import run_every

log = logging.getLogger(__name__)

EVERY_SECONDS = 60


async def run_visit_reminders(services: Services, now: datetime) -> int:
    """Every visit reminder due at `now` and not sent yet: how many were queued."""
    sent = await services.visits.remind(now)
    if sent:
        log.info("%d visit reminders queued at %s", sent, now.isoformat())
    return sent


def register(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    run_every(app, "visits", EVERY_SECONDS, run_visit_reminders, misfire_grace_time=None)
