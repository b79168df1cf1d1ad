"""The private menu, the language picker and /help's text."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardMarkup

from bot.admin.views import role_name
from bot.core import callbacks as keyboards
from bot.core.commands import CommandSpec, Where, visible_commands
from bot.core.i18n import Translator
from bot.core.render import esc
from bot.core.roles import Actor, Role

LANG = "lang"
MENU = "menu"


def main_menu(t: Translator) -> InlineKeyboardMarkup:
    """The private menu: everything a resident does, as buttons (`menu:<what>`, each answered
    by the feature that registered <what>: bot/core/menu_buttons.py)."""
    return keyboards.rows(
        [
            keyboards.button(t.p_("menu", "📝 Report a problem"), MENU, "report"),
            keyboards.button(t.p_("menu", "📋 My issues"), MENU, "my"),
            keyboards.button(t.p_("menu", "🗂 Issue boards"), MENU, "board"),
            keyboards.button(t.p_("menu", "🎪 Activities"), MENU, "activities"),
            keyboards.button(t.p_("menu", "🍵 Next meeting"), MENU, "meeting"),
            keyboards.button(t.p_("menu", "📇 Contacts"), MENU, "contacts"),
            keyboards.button(t.p_("menu", "❓ Help"), MENU, "help"),
            keyboards.button(t.p_("menu", "🌐 Language"), MENU, "lang"),
        ]
    )


def language_picker(current: Translator, catalogs: list[Translator]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                keyboards.button(
                    ("✓ " if tr.locale == current.locale else "") + tr.display_name,
                    LANG,
                    tr.locale,
                )
                for tr in catalogs
            ]
        ]
    )


def _roles_line(t: Translator, roles: frozenset[Role], community: str | None) -> str:
    held = t.p_("list separator", ", ").join(role_name(t, r) for r in sorted(roles))
    if community:
        return t._("Your roles in {community}: {roles}").format(
            community=esc(community), roles=held
        )
    return t._("Your roles: {roles}").format(roles=held)


def help_text(
    t: Translator,
    commands: Sequence[CommandSpec],
    where: Where,
    roles: frozenset[Role],
    *,
    superadmin: bool,
    chat_admin: bool,
    community: str | None,
) -> str:
    lines = [t._("<b>What you can do here</b>")]
    actor = Actor(0, roles, superadmin)
    for spec in visible_commands(commands, where, actor, chat_admin=chat_admin):
        lines.append(f"<code>{esc(t._(spec.usage))}</code> — {esc(t._(spec.description))}")
    if superadmin:
        lines.append(t._("You are a superadmin: you may do everything everywhere."))
    elif roles:
        lines.append(_roles_line(t, roles, community))
    if where == Where.GROUP:
        lines.append(t._("In private chat with me there is a menu of buttons: send me /start."))
    return "\n".join(lines)


def unregistered_group(t: Translator) -> str:
    return t._(
        "This group is not registered yet: a chat administrator sends "
        "<code>/setup &lt;community&gt; &lt;grid&gt;</code>."
    )
