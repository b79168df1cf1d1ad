"""The private menu's buttons (`menu:<what>`), each answered by the feature it opens.

The menu (bot/menu) draws the keyboard; every feature registers the answer to its own button
here in its `register(app)`, so the menu imports no feature and a feature's button cannot
outlive the feature.
"""

from __future__ import annotations

from typing import Any

from telegram.ext import Application

from bot.core.commands import Callback

App = Application[Any, Any, Any, Any, Any, Any]


def _buttons(services: Any) -> dict[str, Callback]:
    """The application's registry of buttons, made on first use (bot_data is built bare)."""
    found: dict[str, Callback] | None = getattr(services, "menu_buttons", None)
    if found is None:
        found = {}
        services.menu_buttons = found
    return found


def register_menu_button(app: App, what: str, callback: Callback) -> None:
    """`callback(update, context)` answers the menu button `menu:<what>` (the query is already
    answered when it runs)."""
    buttons = _buttons(app.bot_data)
    if what in buttons:
        raise ValueError(f"menu button {what!r} is registered twice")
    buttons[what] = callback


def menu_button(services: Any, what: str | None) -> Callback | None:
    """The answer to a pressed button; None for one no feature registered (or forged data)."""
    return _buttons(services).get(what) if what else None
