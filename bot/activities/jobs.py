"""Activity reminders (24 hours before) and finishing, every minute on PTB's JobQueue."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from telegram.ext import Application

from bot.activities.service import Reminders
from bot.context import Services
from bot.core.jobs import run_every

log = logging.getLogger(__name__)

ACTIVITIES_EVERY = 60  # seconds: reminders go out within a minute of their time


async def run_activities(services: Services, now: datetime) -> Reminders:
    """Reminders 24 hours before an activity (once each), and closing those that are over."""
    done = await services.activities.remind_and_finish(now)
    if done.sent or done.finished:
        log.info("activities: %d reminded, %d finished", len(done.sent), len(done.finished))
    return done


def register(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    run_every(app, "activities", ACTIVITIES_EVERY, run_activities)
