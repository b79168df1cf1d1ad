"""Closing votes whose time has come, every minute on PTB's JobQueue (SPEC: "checked every
minute"). What a run closes is committed with the messages it queues, so a restart never
closes a vote twice, and a vote whose time passed while the bot was down is closed at start."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from telegram.ext import Application

from bot.context import Services
from bot.core.jobs import run_every

log = logging.getLogger(__name__)

VOTES_EVERY = 60  # seconds


async def run_vote_close(services: Services, now: datetime) -> list[int]:
    """The votes closed by this run (their results queued to every group)."""
    closed = await services.votes.close_due(now)
    if closed:
        log.info("votes: closed %s", ", ".join(f"P{v}" for v in closed))
    return closed


def register(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    run_every(app, "votes", VOTES_EVERY, run_vote_close)
