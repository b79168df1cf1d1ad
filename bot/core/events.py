"""What one feature's change means for others, without importing them: a tiny event list.

So far one event: a group was registered to a community that is new (/setup). The feature that
cares subscribes in its `register(app)`; the feature that makes the change announces it after
its transaction committed.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from telegram.ext import Application

log = logging.getLogger(__name__)

App = Application[Any, Any, Any, Any, Any, Any]
Registered = Callable[[App, int], Awaitable[object]]  # (application, community id)


def _registered(services: Any) -> list[Registered]:
    found: list[Registered] | None = getattr(services, "on_registered", None)
    if found is None:
        found = []
        services.on_registered = found
    return found


def on_registered(app: App, callback: Registered) -> None:
    """`await callback(app, community_id)` after a new community's first group is registered."""
    _registered(app.bot_data).append(callback)


async def registered(app: App, community_id: int) -> None:
    """Tell every subscriber; one failing does not keep the others from hearing it."""
    for callback in list(_registered(app.bot_data)):
        try:
            await callback(app, community_id)
        except Exception:
            log.exception("a subscriber failed on community %s's registration", community_id)
