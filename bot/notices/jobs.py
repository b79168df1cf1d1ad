"""The close of public notices' objection windows, every minute on PTB's JobQueue.

A plain coroutine taking the services and a "now", so tests call it with the moment they need.
Each close is claimed in the transaction that queues its messages (notices.closed_at), so a
window that ended while the bot was down is closed at the first run after the start, once.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from telegram.ext import Application

from bot.context import Services
from bot.core.jobs import run_every
from bot.notices.service import Closed

log = logging.getLogger(__name__)

NOTICES_EVERY = 60  # seconds: a window's end is announced within a minute


async def run_notice_close(services: Services, now: datetime) -> Closed:
    """Close every notice whose window ended by `now`: each of its groups is told the count."""
    done = await services.notices.close_due(now)
    if done.counts:
        log.info("notices: %d closed", len(done.counts))
    return done


def register(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    run_every(app, "notices", NOTICES_EVERY, run_notice_close)
