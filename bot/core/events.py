"""What one feature's change means for others, without importing them: a tiny event list.

Two so far: a group was registered to a community that is new (/setup), and an issue's prompt of
a given kind was answered. The feature that cares subscribes in its `register(app)`; the feature
that makes the change announces it after its transaction committed.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update
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


# What else to do once an issue's prompt (a ForceReply asking for a solution or a reason) of a
# given kind was answered and applied: the minutes walk on to their next item, for example.
PromptAnswered = Callable[[Update, Any, int], Awaitable[None]]  # (update, context, issue id)


def _prompt_hooks(services: Any) -> dict[str, PromptAnswered]:
    found: dict[str, PromptAnswered] | None = getattr(services, "prompt_hooks", None)
    if found is None:
        found = {}
        services.prompt_hooks = found
    return found


def on_prompt_answered(app: App, kind: str, callback: PromptAnswered) -> None:
    _prompt_hooks(app.bot_data)[kind] = callback


def after_prompt(app: App, kind: str) -> PromptAnswered | None:
    return _prompt_hooks(app.bot_data).get(kind)
