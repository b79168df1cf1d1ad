"""Groups and roles as people read them: role names, /setup's and /grant's answers, /health."""

from __future__ import annotations

from datetime import datetime, timedelta

from babel.units import format_unit

from bot.core.i18n import Translator
from bot.core.records import Registration
from bot.core.render import esc
from bot.core.roles import Role

SETUP_USAGE = "/setup 西安村 第8网格"


def role_name(t: Translator, role: Role) -> str:
    names = {
        Role.GRID: t._("grid worker"),
        Role.PROPERTY: t._("property staff"),
        Role.COMMUNITY: t._("community official"),
        Role.ORGANIZER: t._("activity organizer"),
    }
    return names[role]


def roles_list(t: Translator) -> str:
    return t.p_("list separator", ", ").join(
        f"<code>{r.value}</code> {role_name(t, r)}" for r in Role
    )


def registered(t: Translator, reg: Registration) -> str:
    lines = [
        t._("✅ This group is now registered to <b>{community} · {grid}</b>.").format(
            community=esc(reg.community.name), grid=esc(reg.grid.name)
        )
    ]
    if reg.previous_grid is not None and reg.previous_grid.id != reg.grid.id:
        lines.append(
            t._("It was registered to {grid} before.").format(grid=esc(reg.previous_grid.name))
        )
    if reg.new_community:
        lines.append(
            t._(
                "{community} is new here. A superadmin gives people their roles with /grant."
            ).format(community=esc(reg.community.name))
        )
    lines.append(t._("Residents: send /help to see what I can do."))
    return "\n".join(lines)


def welcome(t: Translator) -> str:
    return t._(
        "Hello, I'm <b>Mulin 睦邻</b>. I keep track of the problems residents raise, "
        "neighbourhood activities and the monthly residents' meeting.\n"
        "A group administrator registers this group: <code>/setup &lt;community&gt; &lt;grid&gt;</code>, "
        "e.g. <code>{example}</code>."
    ).format(example=esc(SETUP_USAGE))


def role_changed(
    t: Translator, who: str, role: Role, community: str, *, granted: bool, changed: bool
) -> str:
    values = {"who": esc(who), "role": role_name(t, role), "community": esc(community)}
    if granted:
        text = (
            t._("✅ {who} is now {role} of {community}.")
            if changed
            else t._("{who} is already {role} of {community}.")
        )
    else:
        text = (
            t._("✅ {who} is no longer {role} of {community}.")
            if changed
            else t._("{who} is not {role} of {community}: nothing to take back.")
        )
    return text.format(**values)


def format_size(size: int, locale: str) -> str:
    megabytes = size / 1_000_000
    return str(format_unit(round(megabytes, 1), "digital-megabyte", length="short", locale=locale))


def health(
    t: Translator,
    uptime: timedelta,
    backlog: int,
    size: int,
    last_error: tuple[datetime, str] | None,
) -> str:
    """`last_error`: when, and the exception's type."""
    error = (
        t._("{kind} at {time}").format(kind=esc(last_error[1]), time=esc(t.when(last_error[0])))
        if last_error
        else t._("none")
    )
    return t._(
        "🩺 <b>Health</b>\nUp for {uptime}\nOutbox: {backlog} messages waiting\n"
        "Last error: {error}\nDatabase: {size}"
    ).format(
        uptime=uptime, backlog=t.number(backlog), error=error, size=format_size(size, t.locale)
    )
