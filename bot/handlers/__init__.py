"""All handlers, registered in an explicit order: tracking first, features, fallbacks last."""

from __future__ import annotations

from telegram.ext import Application

from bot.handlers import admin, common, errors, tracking


def register_all(app: Application) -> None:  # type: ignore[type-arg]
    tracking.register(app)
    common.register(app)
    admin.register(app)
    common.register_fallbacks(app)
    errors.register(app)
