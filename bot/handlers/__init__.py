"""All handlers, registered in an explicit order: tracking first, features, fallbacks last."""

from __future__ import annotations

from telegram.ext import Application

from bot.handlers import (
    activities,
    activity_dialog,
    admin,
    common,
    directory,
    errors,
    issues,
    meetings,
    moderation,
    report_dialog,
    stats,
    tracking,
)


def register_all(app: Application) -> None:  # type: ignore[type-arg]
    tracking.register(app)
    report_dialog.register(app)  # before /start: its deep link and menu button open the dialog
    common.register(app)
    issues.register(app)
    moderation.register(app)
    activity_dialog.register(app)  # before /newactivity's one-line form
    activities.register(app)
    meetings.register(app)
    directory.register(app)
    stats.register(app)
    admin.register(app)
    common.register_fallbacks(app)
    errors.register(app)
