"""Visits (接访进小区) and urgent meetings (急事立议) as people read them: the announcement with its
agenda, the preview, the reminders, the cancellation, /meeting's list, and the refusals."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from telegram import InlineKeyboardMarkup

from bot.core import callbacks as keyboards
from bot.core.i18n import N_, Translator
from bot.core.render import esc, truncate
from bot.issues.service import STATE_NAMES, IssueSummary, priority_name
from bot.visits.rules import DAY
from bot.visits.store import Visit

VISIT = "vis"  # vis:pub|drop:<visit id>
GridName = Callable[[int], str]

ONE_LINE = "/visit 2026-12-20 15:00 | 海景湾党群活动中心 | #1 #2 | 接访进小区"
CONVENE = "/convene 12 19:30 海景湾党群活动中心"
CANCEL = "/cancelvisit V1 天气原因改期"


def number(visit: Visit) -> str:
    return f"V{visit.number}" if visit.number is not None else ""


def title(t: Translator, visit: Visit) -> str:
    """Its title as written; an untitled visit is named in the reader's language."""
    if visit.title:
        return visit.title
    return t._("Urgent meeting") if visit.kind == "urgent" else t._("On-site visit")


def _head(t: Translator, visit: Visit) -> str:
    icon = "🚨" if visit.kind == "urgent" else "🏘"
    name = " ".join(x for x in (number(visit), title(t, visit)) if x)
    return f"{icon} <b>{esc(name)}</b>"


def _when_where(t: Translator, visit: Visit) -> str:
    return f"🕘 {esc(t.when(visit.starts_at))}\n📍 {esc(visit.place)}"


def agenda_line(t: Translator, item: IssueSummary, grid_name: GridName) -> str:
    text = truncate(item.text, 40) if item.text else t._("🎤 voice message")
    state = t._(STATE_NAMES[item.state])
    if item.state in ("open", "escalated"):
        state += (
            " · " + ("🚨 " if item.priority == "urgent" else "") + priority_name(t, item.priority)
        )
    return f"<b>#{item.id}</b> {esc(text)} · {esc(grid_name(item.grid_id))} · {state}"


def agenda(
    t: Translator, items: Sequence[IssueSummary], grid_name: GridName, now: datetime
) -> list[str]:
    head = t.n_("<b>Agenda</b> ({n} item):", "<b>Agenda</b> ({n} items):", len(items))
    return [head.format(n=len(items)), *(agenda_line(t, i, grid_name) for i in items)]


def announcement(
    t: Translator,
    visit: Visit,
    items: Sequence[IssueSummary],
    grid_name: GridName,
    community: str,
    now: datetime,
) -> str:
    intro = (
        t._("{community}: an urgent meeting is convened.")
        if visit.kind == "urgent"
        else t._("{community}: officials come to the compound to hear residents.")
    ).format(community=esc(community))
    lines = [_head(t, visit), intro, _when_where(t, visit), "", *agenda(t, items, grid_name, now)]
    lines += ["", t._("Everyone is welcome. Open an issue with /issue N.")]
    return "\n".join(lines)


def reminder(
    t: Translator,
    visit: Visit,
    which: str,
    items: Sequence[IssueSummary],
    grid_name: GridName,
    now: datetime,
) -> str:
    head = (
        t._("⏰ Reminder: {visit} is on {time}.")
        if which == DAY
        else t._("⏰ {visit} starts soon, at {time}.")
    ).format(visit=_head(t, visit), time=esc(t.when(visit.starts_at)))
    lines = [head, f"📍 {esc(visit.place)}", "", *agenda(t, items, grid_name, now)]
    return "\n".join(lines)


def cancelled(t: Translator, visit: Visit, reason: str | None) -> str:
    text = t._("❌ {visit} of {time} is cancelled.").format(
        visit=_head(t, visit), time=esc(t.when(visit.starts_at))
    )
    if reason:
        text += "\n" + t._("Reason: {reason}").format(reason=esc(reason))
    return text


def preview(
    t: Translator,
    visit: Visit,
    items: Sequence[IssueSummary],
    grid_name: GridName,
    groups: int,
    now: datetime,
) -> tuple[str, InlineKeyboardMarkup]:
    head = t._("📝 <b>Draft</b> — check it, then publish:")
    where = t.n_(
        "It will be posted in {n} group.", "It will be posted in {n} groups.", groups
    ).format(n=groups)
    body = [head, "", f"🏘 <b>{esc(title(t, visit))}</b>", _when_where(t, visit), ""]
    body += [*agenda(t, items, grid_name, now), "", where]
    markup = InlineKeyboardMarkup(
        [
            [
                keyboards.button(t.p_("button", "📣 Publish"), VISIT, "pub", visit.id),
                keyboards.button(t.p_("button", "✖ Discard"), VISIT, "drop", visit.id),
            ]
        ]
    )
    return "\n".join(body), markup


def published(t: Translator, visit: Visit, groups: int) -> str:
    return t.n_(
        "✅ {visit} is published in {n} group.", "✅ {visit} is published in {n} groups.", groups
    ).format(visit=_head(t, visit), n=groups)


def convened(t: Translator, visit: Visit, groups: int, people: int) -> str:
    told = t.n_("{n} person was told privately.", "{n} people were told privately.", people).format(
        n=people
    )
    return published(t, visit, groups) + "\n" + told


def cancel_done(t: Translator, visit: Visit, told: int) -> str:
    return t.n_(
        "✅ {visit} is cancelled; {n} chat was told.",
        "✅ {visit} is cancelled; {n} chats were told.",
        told,
    ).format(visit=_head(t, visit), n=told)


def upcoming(t: Translator, visits: Sequence[Visit], community: str) -> str:
    lines = [t._("🏘 <b>{community}: coming visits</b>").format(community=esc(community))]
    for visit in visits:
        agenda_text = " ".join(f"#{i}" for i in visit.items)
        lines.append(
            f"{_head(t, visit)} · {esc(t.when(visit.starts_at))} · {esc(visit.place)} · "
            f"{agenda_text}"
        )
    return "\n".join(lines)


def choice_label(item: IssueSummary, chosen: bool) -> str:
    text = truncate(item.text, 24) if item.text else "🎤"
    return ("✅ " if chosen else "") + f"#{item.id} {text}"


PROBLEMS = {
    "past": N_("The time has passed: choose a time still ahead."),
    "far": N_("A visit is planned within a year."),
    "when": N_("Write the time as YYYY-MM-DD HH:MM, e.g. 2026-12-20 15:00."),
    "clock": N_("Write the time as HH:MM or YYYY-MM-DD HH:MM."),
    "place": N_("The place is 1 to {limit} characters."),
    "title": N_("The title is 1 to {limit} characters."),
    "agenda": N_("List the issues of its agenda as #N, at most {limit}."),
    "parts": N_("Separate the time, the place and the issues with |."),
    "number": N_("Write the visit's number, e.g. V1."),
    "issue": N_("Write the issue's number, e.g. 12."),
}


def problem(t: Translator, key: str, limit: int = 0) -> str:
    return t._(PROBLEMS[key]).format(limit=limit)


def missing_issue(t: Translator, issue_id: int) -> str:
    return t._("There is no issue #{id}.").format(id=issue_id)


def not_active(t: Translator, issue_id: int) -> str:
    return t._("#{id} is neither open nor escalated: it cannot be on an agenda.").format(
        id=issue_id
    )


def other_community(t: Translator, issue_id: int, community: str) -> str:
    return t._("#{id} is not an issue of {community}.").format(
        id=issue_id, community=esc(community)
    )


def unknown_visit(t: Translator, number: int) -> str:
    return t._("There is no visit V{n}.").format(n=number)


def not_upcoming(t: Translator, visit: Visit) -> str:
    return t._("{visit} is cancelled or has already started.").format(visit=_head(t, visit))


def draft_gone(t: Translator) -> str:
    return t._("This draft was published or discarded already.")
