"""The database: the core (people, chats, roles, migrations) and one store per capability."""

from bot.storage.core import (
    LATEST_VERSION,
    ROLES,
    AlreadyProcessed,
    ChatRecord,
    Community,
    DatabaseTooNew,
    Grid,
    Registration,
    SeenUser,
    Storage,
    StorageError,
    UserRecord,
    migrate_file,
    utcnow,
)

__all__ = [
    "LATEST_VERSION",
    "ROLES",
    "AlreadyProcessed",
    "ChatRecord",
    "Community",
    "DatabaseTooNew",
    "Grid",
    "Registration",
    "SeenUser",
    "Storage",
    "StorageError",
    "UserRecord",
    "migrate_file",
    "utcnow",
]
