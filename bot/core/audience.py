"""Who the bot speaks to and in which language: names, translators, reachability, moderators.

Every feature's "who is told" needs these; they read only the registry's in-memory caches, so
they run inside a transaction without awaiting anything.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot.core.i18n import Catalogs, Translator
from bot.core.registry import Registry
from bot.core.roles import MODERATORS


class Audience:
    def __init__(
        self,
        registry: Registry,
        catalogs: Catalogs,
        admins: frozenset[int],
        web_url: str | None = None,
    ) -> None:
        self._registry = registry
        self._catalogs = catalogs
        self._admins = admins
        self._web_url = web_url

    @property
    def web_url(self) -> str | None:
        """MULIN_WEB_URL: where what the bot tells people can also be read (None: nowhere)."""
        return self._web_url

    @property
    def tz(self) -> ZoneInfo:
        """MULIN_TZ: the local day of promises and of the daily jobs."""
        return self._catalogs.tz

    # -- people -----------------------------------------------------------------------------

    def name(self, user_id: int | None) -> str:
        user = self._registry.user(user_id) if user_id is not None else None
        if user is None:
            return str(user_id)
        return user.full_name

    def user_tr(self, user_id: int) -> Translator:
        user = self._registry.user(user_id)
        if user is None:
            return self._catalogs.get(None)
        return self._catalogs.for_user(user.locale, user.language_code)

    def chat_tr(self, chat_id: int) -> Translator:
        chat = self._registry.chat(chat_id)
        return self._catalogs.get(chat.locale if chat else None)

    def reachable(self, user_id: int) -> bool:
        """Has a private chat with the bot and has not blocked it."""
        user = self._registry.user(user_id)
        return user is not None and user.started and not user.blocked

    def moderators(self, community_id: int) -> list[int]:
        """Grid workers, property staff and community officials; superadmins hold every role."""
        ids = set(self._registry.role_holders(community_id, MODERATORS))
        ids |= {a for a in self._admins if self._registry.user(a) is not None}
        return sorted(ids)

    def group_active(self, chat_id: int | None) -> bool:
        chat = self._registry.chat(chat_id) if chat_id is not None else None
        return chat is not None and chat.is_group and chat.active

    @property
    def registry(self) -> Registry:
        return self._registry

    def grid_name(self, grid_id: int) -> str:
        grid = self._registry.grid(grid_id)
        return grid.name if grid else str(grid_id)

    def community_name(self, community_id: int) -> str:
        community = self._registry.community(community_id)
        return community.name if community else str(community_id)
