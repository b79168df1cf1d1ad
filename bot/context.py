"""A typed context: handlers reach the services, settings and the reader's language without casts."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from telegram import Update
from telegram.ext import Application, CallbackContext, ExtBot

from bot.config import Settings
from bot.core.audience import Audience
from bot.core.commands import Callback, CommandSpec
from bot.core.db import Database
from bot.core.events import Registered
from bot.core.i18n import Catalogs, Translator
from bot.core.origin import Origin
from bot.core.registry import Registry
from bot.core.roles import Actor

if TYPE_CHECKING:  # the features' services are built by bot/app.py; core only names their types
    from bot.activities.service import ActivityService
    from bot.admin.service import AdminService
    from bot.delivery.inbox import Inbox
    from bot.delivery.outbox import OutboxWorker
    from bot.directory.service import DirectoryService
    from bot.issues.service import IssueService
    from bot.meetings.service import MeetingService
    from bot.notices.service import NoticeService
    from bot.stats.service import StatsService
    from bot.visits.service import VisitService
    from bot.votes.service import VoteService
    from bot.weekly.service import WeeklyService


class Services:
    """What the whole application shares; PTB keeps it as bot_data (built with no arguments)."""

    db: Database
    commands: list[CommandSpec]  # filled by register_commands, read by /help and the menus
    menu_buttons: dict[str, Callback]  # bot/core/menu_buttons.py: `menu:<what>` → its answer
    on_registered: list[Registered]  # bot/core/events.py: told of a new community
    registry: Registry
    settings: Settings
    catalogs: Catalogs
    issues: IssueService
    people: Audience  # who the bot speaks to, in which language (bot/core/audience.py)
    outbox: OutboxWorker
    inbox: Inbox
    fetched: dict[int, dict[str, Any]]  # getUpdates' updates as they came, for the inbox
    activities: ActivityService
    meetings: MeetingService
    directory: DirectoryService
    admin: AdminService
    started_at: float  # time.time() at start, for /health
    own_process: bool  # `python -m bot run`: the process is the bot's alone
    last_error: tuple[float, str] | None = None  # when, and the exception's type
    stats: StatsService
    weekly: WeeklyService  # the weekly account (公开上榜)
    visits: VisitService  # visits (接访进小区) and urgent meetings (急事立议)
    notices: NoticeService  # public notices with an objection window (公示)
    votes: VoteService  # votes (大事大议)


class CustomContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], Services]):
    """One per update, shared by the handler groups; the tracking handler fills in the languages."""

    def __init__(
        self,
        application: Application[Any, Any, Any, Any, Any, Any],
        chat_id: int | None = None,
        user_id: int | None = None,
    ) -> None:
        super().__init__(application=application, chat_id=chat_id, user_id=user_id)
        self._chat_tr: Translator | None = None
        self._user_tr: Translator | None = None
        self.update_id: int | None = None
        self.current_update: Update | None = None  # set with update_id by the tracking handler
        self.started: float | None = None  # perf_counter when handling began, for the log

    @property
    def db(self) -> Database:
        return self.bot_data.db

    @property
    def registry(self) -> Registry:
        return self.bot_data.registry

    @property
    def settings(self) -> Settings:
        return self.bot_data.settings

    @property
    def catalogs(self) -> Catalogs:
        return self.bot_data.catalogs

    @property
    def issues(self) -> IssueService:
        return self.bot_data.issues

    @property
    def people(self) -> Audience:
        return self.bot_data.people

    @property
    def activities(self) -> ActivityService:
        return self.bot_data.activities

    @property
    def meetings(self) -> MeetingService:
        return self.bot_data.meetings

    @property
    def directory(self) -> DirectoryService:
        return self.bot_data.directory

    @property
    def stats(self) -> StatsService:
        return self.bot_data.stats

    @property
    def admin(self) -> AdminService:
        return self.bot_data.admin

    @property
    def weekly(self) -> WeeklyService:
        return self.bot_data.weekly

    @property
    def visits(self) -> VisitService:
        return self.bot_data.visits

    @property
    def notices(self) -> NoticeService:
        return self.bot_data.notices

    @property
    def votes(self) -> VoteService:
        return self.bot_data.votes

    @property
    def t(self) -> Translator:
        """The language of the chat this update came from (a group's, or the user's in private)."""
        return self._chat_tr or self.catalogs.get(None)

    @property
    def ut(self) -> Translator:
        """The language of the user who sent this update (popups and private messages)."""
        return self._user_tr or self.t

    def set_languages(self, chat: Translator, user: Translator) -> None:
        self._chat_tr, self._user_tr = chat, user

    @property
    def origin(self) -> Origin:
        """The person, chat and update of this update, for a service's use case."""
        if self.current_update is None:
            raise ValueError("no update: the tracking handler did not run")
        chat_id, user_id = ids(self.current_update)
        chat = self.current_update.effective_chat
        return Origin(user_id, chat_id, self.update_id, chat is not None and chat.type == "private")

    def actor(self, user_id: int, community_id: int | None) -> Actor:
        roles = self.registry.roles_of(user_id, community_id) if community_id is not None else ()
        return Actor.of(user_id, roles, self.settings.admins)

    def translator_for_user(self, user_id: int) -> Translator:
        user = self.registry.user(user_id)
        if user is None:
            return self.catalogs.get(None)
        return self.catalogs.for_user(user.locale, user.language_code)

    def translator_for_chat(self, chat_id: int) -> Translator:
        chat = self.registry.chat(chat_id)
        if chat is not None and chat.is_group:
            return self.catalogs.get(chat.locale)
        return self.translator_for_user(chat_id)


def ids(update: Update) -> tuple[int, int]:
    """(chat id, user id) of an update that has both; handlers use it after filters ensured so."""
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None:
        raise ValueError("update without chat or user")
    return chat.id, user.id
