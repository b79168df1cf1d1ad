"""A command declared once: its handler, where it works, who may use it, its /help and menu entry.

Each feature's handlers module lists its `COMMANDS`; `register_commands` adds the handlers and
records the specs in the application, where /help and Telegram's command menus read them. A
command thus cannot exist in one place and not the other. Who may use a command is the
permission table's action (bot/core/roles.py): /help shows a command to those the table allows.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from telegram import Update
from telegram.ext import Application, CommandHandler

from bot.core.roles import PERMISSIONS, Action, Actor


class Where(StrEnum):
    PRIVATE = "private"
    GROUP = "group"


BOTH = frozenset({Where.PRIVATE, Where.GROUP})
PRIVATE = frozenset({Where.PRIVATE})
GROUP = frozenset({Where.GROUP})

Callback = Callable[[Update, Any], Coroutine[Any, Any, None]]


@dataclass(frozen=True)
class CommandSpec:
    """`usage` and `description` are msgids; `action` None means everyone may use it.

    `menu`: listed in the menu Telegram shows everyone (role-only commands are shown by /help
    to those who hold the role). `callback` None: the command is answered by a dialog's entry
    point registered by the feature itself (the spec still feeds /help and the menus).
    """

    name: str
    usage: str
    description: str
    callback: Callback | None
    where: frozenset[Where] = BOTH
    action: Action | None = None
    menu: bool = True


def register_commands(
    app: Application[Any, Any, Any, Any, Any, Any], specs: Iterable[CommandSpec]
) -> None:
    """A CommandHandler for each spec, and the spec recorded for /help and the menus."""
    known: list[CommandSpec] = app.bot_data.commands
    for spec in specs:
        if any(c.name == spec.name for c in known):
            raise ValueError(f"/{spec.name} is declared twice")
        known.append(spec)
        if spec.callback is not None:
            app.add_handler(CommandHandler(spec.name, spec.callback))


def visible_commands(
    commands: Sequence[CommandSpec], where: Where, actor: Actor, *, chat_admin: bool
) -> list[CommandSpec]:
    """What /help shows this caller in this kind of chat: what the permission table allows."""
    return [
        c
        for c in commands
        if where in c.where and (c.action is None or actor.may(c.action, chat_admin=chat_admin))
    ]


def menu_commands(commands: Sequence[CommandSpec], where: Where) -> list[CommandSpec]:
    return [
        c
        for c in commands
        if c.menu
        and where in c.where
        and (c.action is None or not PERMISSIONS[c.action].superadmins_only)
    ]
