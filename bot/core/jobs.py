"""How the features put their jobs on PTB's job queue. A job is registered under a name, and
registering it again replaces the earlier one (a second registration in one process — tests,
a restart of the application — never runs a job twice). The checks that run every minute or
so (activity and visit reminders, closing votes and notices) are one service step called with
the bot's services and the time."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from telegram.ext import Application, JobQueue

from bot.context import CustomContext, Services
from bot.core.db import utcnow

Step = Callable[[Services, datetime], Awaitable[object]]


def named_queue(app: Application[Any, Any, Any, Any, Any, Any], name: str) -> JobQueue[Any]:
    """The application's job queue, without any job named `name` any more."""
    queue = app.job_queue
    assert queue is not None, "python-telegram-bot[job-queue] is required"
    for job in queue.get_jobs_by_name(name):
        job.schedule_removal()
    return queue


def run_every(
    app: Application[Any, Any, Any, Any, Any, Any],
    name: str,
    seconds: float,
    step: Step,
    **job_kwargs: Any,
) -> None:
    """`step(services, now)` every `seconds`, the first a second after start."""

    async def job(context: CustomContext) -> None:
        await step(context.bot_data, utcnow())

    named_queue(app, name).run_repeating(
        job, seconds, first=1, name=name, job_kwargs=job_kwargs or None
    )
