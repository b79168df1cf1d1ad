"""Recurring jobs on PTB's JobQueue (APScheduler), rebuilt at every start.

Each job is a plain coroutine taking the services and a "now", so tests call it with the
moment they need; what a job has done is recorded in the database, so a restart after its hour
catches up once and never repeats it.
"""

from __future__ import annotations

import logging
from datetime import datetime, time, timedelta
from typing import Any

from telegram.ext import Application

from bot.context import CustomContext, Services
from bot.rules import meetings
from bot.storage import utcnow
from bot.storage.activities import Reminders
from bot.storage.issues import FollowUp
from bot.storage.outbox import OutboxStore

log = logging.getLogger(__name__)

FOLLOWUP_AT = time(9, 0)
OUTBOX_KEEP = timedelta(days=30)  # sent messages are kept this long, for inquiries
ACTIVITIES_EVERY = 60  # seconds: reminders go out within a minute of their time


async def run_followup(services: Services, now: datetime) -> FollowUp | None:
    """The 09:00 follow-up: overdue reminders, automatic escalation, fixed-by-silence."""
    today = now.astimezone(services.settings.tz).date().isoformat()
    done = await services.issues.follow_up(
        now, today, compose=services.notifier.issue_event, remind=services.notifier.overdue
    )
    await services.storage.prune_processed(now)
    await OutboxStore(services.storage).prune(now - OUTBOX_KEEP)
    if done is not None:
        log.info(
            "follow-up %s: %d reminders, %d escalated, %d fixed by silence",
            today,
            len(done.reminders),
            len(done.escalated),
            len(done.fixed_by_silence),
        )
    return done


async def run_activities(services: Services, now: datetime) -> Reminders:
    """Reminders 24 hours before an activity (once each), and closing those that are over."""
    done = await services.activities.remind_and_finish(now, services.activity_notifier.compose)
    if done.sent or done.finished:
        log.info("activities: %d reminded, %d finished", len(done.sent), len(done.finished))
    return done


async def _activities_job(context: CustomContext) -> None:
    await run_activities(context.bot_data, utcnow())


async def run_meeting_reminder(services: Services, community_id: int, now: datetime) -> bool:
    """The meeting-day reminder of one community, if it is due and was not sent yet."""
    settings = await services.meetings.settings(community_id)
    tz = services.settings.tz
    start = meetings.due_reminder(now, settings.day, settings.at, tz)
    if start is None:
        return False
    compose = services.notifier.meeting_reminder(community_id, start, settings.place, now)
    sent = await services.meetings.remind(
        community_id, meetings.month_key(start), now, compose, services.settings.admins
    )
    if sent:
        log.info("meeting reminder for community %s, %s", community_id, meetings.month_key(start))
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
    for community in context.bot_data.storage.communities():
        await schedule_meeting(context.application, community.id)


async def _followup_job(context: CustomContext) -> None:
    await run_followup(context.bot_data, utcnow())


def register(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Named jobs in MULIN_TZ; a start after today's hour runs the missed run now (once)."""
    services: Services = app.bot_data
    tz = services.settings.tz
    queue = app.job_queue
    assert queue is not None, "python-telegram-bot[job-queue] is required"
    for name in ("followup", "activities"):
        for job in queue.get_jobs_by_name(name):
            job.schedule_removal()
    queue.run_repeating(_activities_job, ACTIVITIES_EVERY, first=1, name="activities")
    queue.run_once(_schedule_all_meetings, 0, name="meetings-setup")
    queue.run_daily(_followup_job, FOLLOWUP_AT.replace(tzinfo=tz), name="followup")
    local = utcnow().astimezone(tz)
    if local.time() >= FOLLOWUP_AT:
        queue.run_once(_followup_job, 0, name="followup-catch-up")
