"""The weekly account (公开上榜) as people read it: resolved with their solutions, raised, and still
open with owner, promised date and ⏰ when the promise is broken — in Telegram HTML.

What residents typed is escaped here; the reporter is never named (the account is public). How
an issue's owner and date read is the issues feature's wording, reused (its views).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from bot.core.i18n import Translator
from bot.core.render import esc, truncate
from bot.issues.views import body_name, priority_name, state_name
from bot.issues.views.owners import due_text
from bot.weekly.rules import broken
from bot.weekly.store import Account, Section, WeekItem

TEXT_SHOWN = 40
SOLUTION_SHOWN = 60

Names = Callable[[int | None], str]
GridName = Callable[[int], str]


def account(t: Translator, place: str, week: Account, names: Names, grid_name: GridName) -> str:
    """The whole account; `place` is the grid's name (a group) or the community's (private)."""
    window = week.window
    lines = [
        t._("📋 <b>Weekly account · {place}</b>").format(place=esc(place)),
        t._("{since} – {until}").format(
            since=t.month_day(window.since.astimezone(t.tz).date()),
            until=t.month_day(window.last_day(t.tz)),
        ),
        "",
    ]
    if week.empty:
        lines.append(t._("No new issues this week, and none still waiting."))
        return "\n".join(lines)
    where = grid_name if week.several else None
    sections = (
        (t._("✅ <b>Resolved this week ({n})</b>"), week.resolved, partial(_resolved, t, where)),
        (t._("📝 <b>Raised this week ({n})</b>"), week.raised, partial(_raised, t, where)),
        (
            t._("⏳ <b>Still open ({n}), oldest first</b>"),
            week.still_open,
            partial(_open, t, where, names, week),
        ),
    )
    for heading, section, line in sections:
        lines.append(heading.format(n=t.number(section.total)))
        lines += _listed(t, section, line)
        lines.append("")
    lines.append(t._("Open one with /issue N."))
    return "\n".join(lines)


def _listed(t: Translator, section: Section, line: Callable[[WeekItem], str]) -> list[str]:
    lines = [line(item) for item in section.items]
    if section.more:
        lines.append(t.n_("… and {n} more", "… and {n} more", section.more).format(n=section.more))
    return lines


def _head(t: Translator, item: WeekItem, where: GridName | None) -> str:
    text = truncate(item.text, TEXT_SHOWN) if item.text else t._("🎤 voice message")
    line = f"<b>#{item.id}</b> {esc(text)}"
    return line + (" · " + esc(where(item.grid_id)) if where is not None else "")


def _resolved(t: Translator, where: GridName | None, item: WeekItem) -> str:
    line = _head(t, item, where)
    if item.solution:
        solution = esc(truncate(item.solution, SOLUTION_SHOWN))
        line += "\n" + t._("└ Solution: {solution}").format(solution=solution)
    return line


def _raised(t: Translator, where: GridName | None, item: WeekItem) -> str:
    return _head(t, item, where) + " · " + state_name(t, item.state)


def _open(
    t: Translator, where: GridName | None, names: Names, week: Account, item: WeekItem
) -> str:
    """#12 text · 已上报 · 急事 · 承办：物业（杨春英） · 预计 12月3日前完成 · ⏰ 逾期 · 9 天"""
    parts = [_head(t, item, where)]
    if item.state == "escalated":
        parts.append(state_name(t, item.state))
    if item.priority != "minor":
        parts.append(("🚨 " if item.priority == "urgent" else "") + priority_name(t, item.priority))
    if item.body:
        owner = esc(body_name(t, item.body))
        if item.assignee_id is not None:
            owner = t._("{body} ({person})").format(body=owner, person=esc(names(item.assignee_id)))
        parts.append(t._("Owner: {body}").format(body=owner))
    if item.due_date:
        on = week.window.last_day(t.tz)
        parts.append(due_text(t, item.due_date, broken(item.due_date, item.past_due, on)))
    days = max((week.window.until - item.created_at).days, 0)
    parts.append(t.n_("{n} day", "{n} days", days).format(n=days))
    return " · ".join(parts)
