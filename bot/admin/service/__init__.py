"""Groups, roles and the bot's health: the use cases behind /setup, /grant, /revoke, /health.

The registry (bot/core/registry.py) owns the transactions of registrations and roles, because
it caches them; this service decides what is asked of it and says what happened.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bot.core.db import Database, utcnow
from bot.core.origin import Clock, Origin
from bot.core.records import Registration
from bot.core.registry import Registry
from bot.core.roles import Role
from bot.delivery.outbox_store import OutboxStore

__all__ = ["AdminService", "Health", "Registration", "RoleChanged", "RoleUnchanged"]


@dataclass(frozen=True)
class RoleChanged:
    """Granted or taken back, as asked."""


@dataclass(frozen=True)
class RoleUnchanged:
    """Nothing to do: they already held it (grant) or did not (revoke)."""


@dataclass(frozen=True)
class Health:
    uptime: timedelta
    backlog: int  # outbox messages waiting
    size: int  # bytes of the database and its WAL
    last_error: tuple[datetime, str] | None  # when, and the exception's type


class AdminService:
    def __init__(self, db: Database, registry: Registry, clock: Clock = utcnow) -> None:
        self._db = db
        self._registry = registry
        self._clock = clock

    async def register_group(
        self, origin: Origin, community_name: str, grid_name: str
    ) -> Registration:
        """Bind the group the command came from to a grid, creating what is new; a community
        named in another case keeps the spelling it was created with."""
        existing = self._registry.community_by_name(community_name)
        if existing is not None:
            community_name = existing.name
        return await self._registry.register_chat(
            origin.chat_id, community_name, grid_name, origin.user_id, update_id=origin.update_id
        )

    async def set_role(
        self, origin: Origin, user_id: int, community_id: int, role: Role, *, granted: bool
    ) -> RoleChanged | RoleUnchanged:
        changed = await self._registry.set_role(
            user_id,
            community_id,
            role.value,
            granted=granted,
            by=origin.user_id,
            update_id=origin.update_id,
        )
        return RoleChanged() if changed else RoleUnchanged()

    async def health(self, started_at: float, last_error: tuple[float, str] | None) -> Health:
        """`started_at` and `last_error` are POSIX times, as the application records them."""
        now = self._clock()
        uptime = timedelta(
            seconds=int((now - datetime.fromtimestamp(started_at, UTC)).total_seconds())
        )
        backlog = await OutboxStore(self._db).backlog()
        path = self._db.path
        wal = path.with_name(path.name + "-wal")
        size = sum(p.stat().st_size for p in (path, wal) if p.exists())
        error = (datetime.fromtimestamp(last_error[0], UTC), last_error[1]) if last_error else None
        return Health(uptime, backlog, size, error)
