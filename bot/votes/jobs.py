"""Closing votes whose time has come, every minute on PTB's JobQueue (SPEC: "checked every
minute"). What a run closes is committed with the messages it queues, so a restart never
closes a vote twice, and a vote whose time passed while the bot was down is closed at start."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from telegram.ext import Application

from bot.context import CustomContext, Services
from bot.core.db import utcnow

log = logging.getLogger(__name__)

VOTES_EVERY = 60  # seconds


async def run_vote_close(services: Services, now: datetime) -> list[int]:
    """The votes closed by this run (their results queued to every group)."""
    closed = await services.votes.close_due(now)
    if closed:
        log.info("votes: closed %s", ", ".join(f"P{v}" for v in closed))
    return closed


async def _votes_job(context: CustomContext) -> None:
    await run_vote_close(context.bot_data, utcnow())


def register(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    queue = app.job_queue
    assert queue is not None, "python-telegram-bot[job-queue] is required"
    for job in queue.get_jobs_by_name("votes"):
        job.schedule_removal()
    queue.run_repeating(_votes_job, VOTES_EVERY, first=1, name="votes")
