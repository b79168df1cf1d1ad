"""Every feature's handlers, registered in an explicit order: tracking first, fallbacks last."""

from __future__ import annotations

from telegram.ext import Application

from bot.activities import dialog as activity_dialog
from bot.activities import handlers as activities
from bot.admin import handlers as admin
from bot.core import errors, tracking
from bot.core.commands import CommandSpec
from bot.directory import handlers as directory
from bot.issues import additions, moderation, owners, report_dialog
from bot.issues import handlers as issues
from bot.meetings import handlers as meetings
from bot.menu import handlers as menu
from bot.notices import dialog as notice_dialog
from bot.notices import handlers as notices
from bot.stats import handlers as stats
from bot.visits import dialog as visit_dialog
from bot.visits import handlers as visits
from bot.votes import handlers as votes
from bot.weekly import handlers as weekly

FEATURES = (
    menu,
    issues,
    moderation,
    additions,
    owners,
    weekly,
    activities,
    meetings,
    visits,
    notices,
    votes,
    directory,
    stats,
    admin,
)


def all_commands() -> list[CommandSpec]:
    """Every command, in the order /help lists them (also read by the hardening tests)."""
    return [spec for feature in FEATURES for spec in feature.COMMANDS]


def register_all(app: Application) -> None:  # type: ignore[type-arg]
    tracking.register(app)
    report_dialog.register(app)  # before /start: its deep link and menu button open the dialog
    notice_dialog.register(app)  # before /start: a notice card's Object link opens it
    menu.register(app)
    issues.register(app)
    moderation.register(app)
    additions.register(app)
    owners.register(app)
    weekly.register(app)
    activity_dialog.register(app)  # before /newactivity's one-line form
    visit_dialog.register(app)  # before /cancel and /visit's one-line form
    activities.register(app)
    meetings.register(app)
    visits.register(app)
    notices.register(app)
    votes.register(app)
    directory.register(app)
    stats.register(app)
    admin.register(app)
    menu.register_fallbacks(app)
    errors.register(app)
