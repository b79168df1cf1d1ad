"""The application factory: everything the bot is, built from Settings, nothing at import time."""

from __future__ import annotations

import gc
import logging
import time
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any

from telegram import (
    BotCommand,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
    LinkPreviewOptions,
    MenuButtonWebApp,
    Update,
    WebAppInfo,
)
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import Application, ApplicationBuilder, ContextTypes, Defaults

from bot.activities import jobs as activity_jobs
from bot.activities.card import activity_card_renderer
from bot.activities.service import ActivityService
from bot.admin.service import AdminService
from bot.config import Settings
from bot.context import CustomContext, Services
from bot.core.audience import Audience
from bot.core.commands import CommandSpec, Where, menu_commands
from bot.core.db import Database
from bot.core.dialogs import DialogPersistence
from bot.core.i18n import Catalogs, Translator
from bot.core.registry import Registry
from bot.delivery import housekeeping
from bot.delivery.cards import CardRenderer
from bot.delivery.inbox import Inbox
from bot.delivery.ordering import Backlog, PerChatProcessor
from bot.delivery.outbox import OutboxWorker
from bot.delivery.pacing import Pacing
from bot.delivery.transport import AiohttpRequest
from bot.directory.service import DirectoryService
from bot.features import register_all
from bot.issues import jobs as issue_jobs
from bot.issues.card import issue_card_renderer
from bot.issues.notify import Notifier
from bot.issues.service import IssueService
from bot.meetings import jobs as meeting_jobs
from bot.meetings.service import MeetingService
from bot.notices import jobs as notice_jobs
from bot.notices.service import NoticeService
from bot.stats.service import StatsService
from bot.visits import jobs as visit_jobs
from bot.visits.service import VisitService
from bot.votes import jobs as vote_jobs
from bot.votes.card import vote_card_renderer
from bot.votes.service import VoteService
from bot.weekly import jobs as weekly_jobs
from bot.weekly.service import WeeklyService

log = logging.getLogger(__name__)

ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY, Update.MY_CHAT_MEMBER, Update.CHAT_MEMBER]

MulinApp = Application[Any, CustomContext, Any, Any, Services, Any]


def pacing(settings: Settings) -> Pacing:
    """Telegram's limits (30 a second overall, 20 a minute per group), with a person's answer
    ahead of the outbox's bulk traffic (bot/delivery/pacing.py)."""
    return Pacing(settings.rate_overall, settings.rate_group)


def build_application(settings: Settings, *, own_process: bool = False) -> MulinApp:
    token = settings.require_token()
    processor = PerChatProcessor()
    fetching = AiohttpRequest(pool_size=1, keep_updates=True)
    app: MulinApp = (
        ApplicationBuilder()
        .token(token)
        .base_url(f"{settings.api_url}/bot")
        .base_file_url(f"{settings.api_url}/file/bot")
        .context_types(ContextTypes(context=CustomContext, bot_data=Services))
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML,
                tzinfo=settings.tz,
                allow_sending_without_reply=True,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        )
        .rate_limiter(pacing(settings))
        .request(AiohttpRequest())
        .get_updates_request(fetching)
        .concurrent_updates(processor)
        .update_queue(processor.backlog())
        .persistence(DialogPersistence(settings.db_path))
        .post_init(_post_init)
        .post_stop(_post_stop)
        .post_shutdown(_post_shutdown)
        .build()
    )
    app.bot_data.settings = settings
    app.bot_data.own_process = own_process
    app.bot_data.fetched = fetching.fetched
    app.bot_data.commands = []
    app.bot_data.catalogs = Catalogs(settings.locale, settings.tz)
    register_all(app)
    return app


async def _post_init(app: MulinApp) -> None:
    services = app.bot_data
    services.started_at = time.time()
    services.catalogs.warm()
    services.db = db = await Database.open(services.settings.db_path)
    if isinstance(app.persistence, DialogPersistence):
        app.persistence.attach(db)
    services.registry = registry = await Registry.load(db)
    admins, tz, web_url = services.settings.admins, services.settings.tz, services.settings.web_url
    services.people = people = Audience(registry, services.catalogs, admins, web_url)
    notifier = Notifier(registry, services.catalogs, admins, web_url)
    services.issues = issues = IssueService(db, notifier)
    services.activities = ActivityService(db, registry, people, admins)
    services.meetings = MeetingService(db, people, issues, tz, admins)
    services.directory = DirectoryService(db)
    services.stats = StatsService(db, services.settings.tz)
    services.admin = AdminService(db, registry)
    services.weekly = WeeklyService(db, people, tz)
    services.notices = NoticeService(db, people, admins)
    services.visits = VisitService(db, people, issues, tz)
    services.votes = VoteService(db, registry, people, issues, admins)
    services.outbox = OutboxWorker(
        registry,
        app.bot,
        CardRenderer(
            {
                "issue": issue_card_renderer(people.chat_tr, people.name, web_url),
                "activity": activity_card_renderer(people.chat_tr),
                "vote": vote_card_renderer(people.chat_tr),
            }
        ),
        edit_interval=timedelta(seconds=services.settings.card_edit_seconds),
    )
    services.outbox.start()
    await publish_commands(app, services.catalogs)
    if web_url:
        await publish_board_button(app, services.catalogs, web_url)
    for jobs in (activity_jobs, meeting_jobs, issue_jobs, weekly_jobs, housekeeping, visit_jobs):
        jobs.register(app)
    notice_jobs.register(app)
    vote_jobs.register(app)
    services.inbox = Inbox(db, services.fetched)
    await _open_inbox(app, services.inbox)
    if services.own_process:
        # What start-up built lives as long as the process: out of the collector's sight, a
        # full collection no longer walks it (19 ms each, a stall of every update, under load).
        # Not for a bot started inside another program (the tests): it would keep their heap.
        gc.collect()
        gc.freeze()


async def _open_inbox(app: MulinApp, inbox: Inbox) -> None:
    """From now on every update is stored before it is queued; first, those a previous run
    stored and never handled are queued again, in order, ahead of anything new."""
    backlog = app.update_queue
    assert isinstance(backlog, Backlog), "build_application installs the Backlog"
    backlog.record = inbox.record
    waiting = await inbox.unhandled()
    if waiting:
        log.info("inbox: %d updates received before a stop and not handled", len(waiting))
    for payload in waiting:
        update = Update.de_json(payload, app.bot)
        if backlog.full():  # more than the queue holds: the rest are queued as room is made
            app.create_task(backlog.put(update), name="inbox-replay")
        else:
            backlog.put_nowait(update)


async def _post_stop(app: MulinApp) -> None:
    outbox = getattr(app.bot_data, "outbox", None)
    if outbox is not None:
        await outbox.stop()


async def _post_shutdown(app: MulinApp) -> None:
    db = getattr(app.bot_data, "db", None)
    if db is not None:
        await db.close()


def _commands(commands: Sequence[CommandSpec], tr: Translator, where: Where) -> list[BotCommand]:
    return [BotCommand(c.name, tr._(c.description)) for c in menu_commands(commands, where)]


async def publish_commands(app: MulinApp, catalogs: Catalogs) -> None:
    """Command menus per language (zh, en, and the default) and per chat kind (SPEC)."""
    commands = app.bot_data.commands
    for where, scope in (
        (Where.PRIVATE, BotCommandScopeAllPrivateChats()),
        (Where.GROUP, BotCommandScopeAllGroupChats()),
    ):
        for tr in catalogs.all:
            await app.bot.set_my_commands(
                _commands(commands, tr, where), scope=scope, language_code=tr.language
            )
        await app.bot.set_my_commands(_commands(commands, catalogs.get(None), where), scope=scope)


async def publish_board_button(app: MulinApp, catalogs: Catalogs, web_url: str) -> None:
    """The menu button of every private chat opens the web board as a Mini App (SPEC, "Inside
    Telegram"): there Telegram signs who is looking, so a moderator sees what the bot shows them.

    One button for all (setChatMenuButton has no language), in the default language. Telegram
    opens only https Mini Apps, and a board that cannot be offered must not stop the bot.
    """
    if not web_url.startswith("https://"):
        log.warning("MULIN_WEB_URL is not https: the menu button keeps opening the commands")
        return
    text = catalogs.get(None).p_("menu button", "Board")
    button = MenuButtonWebApp(text, WebAppInfo(f"{web_url}/"))
    try:
        await app.bot.set_chat_menu_button(menu_button=button)
    except TelegramError as error:
        log.warning("the board's menu button could not be set: %s", error)


@asynccontextmanager
async def running(app: MulinApp, *, poll_timeout: int = 10) -> AsyncIterator[MulinApp]:
    """Serve Telegram from inside an existing event loop (the demo, benchmarks, tests).

    The same steps, in the same order, as PTB's run_polling, which `python -m bot run` uses.
    """
    await app.initialize()
    try:
        if app.post_init is not None:
            await app.post_init(app)
        assert app.updater is not None
        await app.updater.start_polling(
            poll_interval=0.0, timeout=poll_timeout, allowed_updates=ALLOWED_UPDATES
        )
        await app.start()
        try:
            yield app
        finally:
            if app.updater.running:
                await app.updater.stop()
            if app.running:
                await app.stop()
            if app.post_stop is not None:
                await app.post_stop(app)
    finally:
        await app.shutdown()
        if app.post_shutdown is not None:
            await app.post_shutdown(app)
