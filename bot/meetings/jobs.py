"""The monthly meeting's reminder: one named job per community, at its next reminder time.

Rebuilt from the database at every start (PTB does not persist jobs); what was sent is recorded
per community and month, so a restart never sends a reminder twice.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from telegram.ext import Application

from bot.context import CustomContext, Services
from bot.core.db import utcnow
from bot.meetings import rules as meetings

log = logging.getLogger(__name__)


async def run_meeting_reminder(services: Services, community_id: int, now: datetime) -> bool:
    """The meeting-day reminder of one community, if it is due and was not sent yet."""
    sent = await services.meetings.remind(community_id, now)
    if sent:
        log.info("meeting reminder for community %s at %s", community_id, now.isoformat())
    return sent


async def _meeting_job(context: CustomContext) -> None:
    assert context.job is not None and isinstance(context.job.data, int)
    community_id = context.job.data
    now = utcnow()
    await run_meeting_reminder(context.bot_data, community_id, now)
    await schedule_meeting(context.application, community_id, after=now)


async def schedule_meeting(
    app: Application[Any, Any, Any, Any, Any, Any],
    community_id: int,
    *,
    after: datetime | None = None,
) -> datetime:
    """(Re)schedule a community's reminder job at its next reminder time (now if one is due)."""
    services: Services = app.bot_data
    queue = app.job_queue
    assert queue is not None
    settings = await services.meetings.settings(community_id)
    now = utcnow()
    tz = services.settings.tz
    if after is not None:
        # The job just ran: the next one is for the following meeting, not this one again.
        due = meetings.due_reminder(after, settings.day, settings.at, tz)
        base = due if due is not None else after
    else:
        base = now
    when = meetings.next_reminder(base, settings.day, settings.at, tz)
    name = f"meeting:{community_id}"
    for job in queue.get_jobs_by_name(name):
        job.schedule_removal()
    queue.run_once(_meeting_job, max(when, now), name=name, data=community_id)
    return when


async def _schedule_all_meetings(context: CustomContext) -> None:
    for community in context.bot_data.registry.communities():
        await schedule_meeting(context.application, community.id)


def register(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    queue = app.job_queue
    assert queue is not None, "python-telegram-bot[job-queue] is required"
    queue.run_once(_schedule_all_meetings, 0, name="meetings-setup")
