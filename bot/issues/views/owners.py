"""Owners and promised dates as people read them (SPEC "Follow-through"): the card's owner
line, the due date and its ⏰ mark, a promise's history line, the bodies' list, and the morning
list of broken promises."""

from __future__ import annotations

from datetime import date

from bot.core.i18n import Translator
from bot.core.render import esc, truncate
from bot.issues.store.records import Issue
from bot.issues.views.names import Names, body_name


def promise_text(t: Translator, who: str, action: str, note: str, limit: int) -> str:
    """A promise's history line; its note is the ISO date, then what was said with it."""
    iso, _, said = note.partition(" ")
    day = t.month_day(date.fromisoformat(iso))
    texts = {
        "promise": t._("{who} promised it done by {date}"),
        "postpone": t._("{who} postponed it to {date}"),
        "advance": t._("{who} brought it forward to {date}"),
    }
    text = texts[action].format(who=who, date=day)
    if said:
        text += t._(": {note}").format(note=esc(truncate(said, limit)))
    return text


def owner_line(t: Translator, issue: Issue, names: Names) -> str | None:
    """承办：综合执法队（张三） · 预计 12月31日前完成 · ⏰ 逾期 — the parts there are."""
    parts = []
    if issue.body:
        owner = esc(body_name(t, issue.body))
        if issue.assignee_id is not None:
            owner = t._("{body} ({person})").format(
                body=owner, person=esc(names(issue.assignee_id))
            )
        parts.append(t._("Owner: {body}").format(body=owner))
    if issue.due_date and issue.active:
        parts.append(due_text(t, issue.due_date, issue.past_due))
    return " · ".join(parts) if parts else None


def due_text(t: Translator, due: str, past_due: bool) -> str:
    text = t._("due {date}").format(date=t.month_day(date.fromisoformat(due)))
    return text + (" · " + t._("⏰ overdue") if past_due else "")
