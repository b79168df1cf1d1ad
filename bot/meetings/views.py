"""The monthly meeting as people read it: the reminder with its agenda, /meeting, the minutes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time

from telegram import ForceReply, InlineKeyboardMarkup

from bot.core import callbacks as keyboards
from bot.core.i18n import Translator
from bot.core.render import esc, truncate
from bot.issues import views as issue_views
from bot.issues.service import Change, Command, Issue, IssueChanged, IssueSummary
from bot.issues.views import STATE_NAMES, priority_name
from bot.issues.views import answers as issue_answers
from bot.meetings.store import MeetingSettings
from bot.visits import views as visit_views
from bot.visits.service import Visit

MINUTES = "min"  # min:<community>:<issue>:close|keep|reject|next[:<visit>] (issue 0: next)

GridName = Callable[[int], str]


def agenda_line(t: Translator, item: IssueSummary, grid_name: GridName, now: datetime) -> str:
    days = max((now - item.created_at).days, 0)
    text = truncate(item.text, 40) if item.text else t._("🎤 voice message")
    parts = [f"<b>#{item.id}</b> {esc(text)}", esc(grid_name(item.grid_id))]
    parts.append(
        t._(STATE_NAMES[item.state])
        if item.state == "escalated"
        else priority_name(t, item.priority)
    )
    parts.append(t.n_("{n} day", "{n} days", days).format(n=days))
    return " · ".join(parts)


def agenda(
    t: Translator, items: list[IssueSummary], grid_name: GridName, now: datetime
) -> list[str]:
    if not items:
        return [t._("No escalated or major issues: nothing on the agenda this month.")]
    lines = [
        t.n_("<b>Agenda</b> ({n} item):", "<b>Agenda</b> ({n} items):", len(items)).format(
            n=len(items)
        )
    ]
    lines += [agenda_line(t, item, grid_name, now) for item in items]
    return lines


def reminder(
    t: Translator,
    community: str,
    start: datetime,
    place: str,
    items: list[IssueSummary],
    grid_name: GridName,
    now: datetime,
) -> str:
    head = t._("🍵 <b>{community}: residents' meeting today at {time}</b>\n📍 {place}").format(
        community=esc(community), time=esc(t.when(start).rsplit(" ", 1)[-1]), place=esc(place)
    )
    tail = t._("Everyone is welcome. Open an issue with /issue N.")
    return "\n".join([head, "", *agenda(t, items, grid_name, now), "", tail])


def next_meeting(
    t: Translator,
    community: str,
    start: datetime,
    place: str,
    items: list[IssueSummary],
    grid_name: GridName,
    now: datetime,
) -> str:
    head = t._("🍵 <b>{community}: next residents' meeting</b>\n🕘 {time}\n📍 {place}").format(
        community=esc(community), time=esc(t.when(start)), place=esc(place)
    )
    return "\n".join([head, "", *agenda(t, items, grid_name, now)])


def coming_visits(t: Translator, visits: list[Visit], community: str) -> str:
    return visit_views.upcoming(t, visits, community)


@dataclass(frozen=True)
class Walk:
    """Which meeting the minutes walk: its community, its heading, and the visit (None: the
    monthly meeting)."""

    community_id: int
    heading: str
    visit_id: int | None = None

    def data(self, issue_id: int, action: str) -> tuple[object, ...]:
        fields: tuple[object, ...] = (self.community_id, issue_id, action)
        return fields if self.visit_id is None else (*fields, self.visit_id)


def monthly_heading(t: Translator, meeting: datetime) -> str:
    return t._("the meeting of {time}").format(time=esc(t.when(meeting)))


def visit_heading(t: Translator, visit: Visit) -> str:
    name = " ".join((visit_views.number(visit), visit_views.title(t, visit)))
    return t._("{visit} of {time}").format(visit=esc(name), time=esc(t.when(visit.starts_at)))


def monthly_label(t: Translator, community: str) -> str:
    return t._("🍵 {community}: the monthly meeting").format(community=community)


def visit_label(t: Translator, visit: Visit) -> str:
    name = " ".join((visit_views.number(visit), visit_views.title(t, visit)))
    return f"{'🚨' if visit.kind == 'urgent' else '🏘'} {name} · {t.when(visit.starts_at)}"


def minutes_item(
    t: Translator,
    walk: Walk,
    item: IssueSummary,
    position: int,
    total: int,
    issue: Issue,
    names: Callable[[int | None], str],
) -> tuple[str, InlineKeyboardMarkup]:
    card = issue_views.card(t, issue, names, public=False)
    head = t._("📝 <b>Minutes of {meeting}</b> — item {n} of {total}").format(
        meeting=walk.heading, n=position, total=total
    )
    markup = InlineKeyboardMarkup(
        [
            [
                keyboards.button(
                    t.p_("button", "✅ Close with the agreed solution"),
                    MINUTES,
                    *walk.data(item.id, "close"),
                )
            ],
            [
                keyboards.button(
                    t.p_("button", "⏭ Keep for next month"), MINUTES, *walk.data(item.id, "keep")
                ),
                keyboards.button(
                    t.p_("button", "🚫 Reject"), MINUTES, *walk.data(item.id, "reject")
                ),
            ],
        ]
    )
    return f"{head}\n\n{card}", markup


def visit_done(t: Translator, visit: Visit) -> str:
    return t._("✅ Every item of {meeting} is decided.").format(meeting=visit_heading(t, visit))


def minutes_done(t: Translator, meeting: datetime) -> str:
    return t._("✅ Every item of the meeting of {time} is decided.").format(
        time=esc(t.when(meeting))
    )


def minutes_prompt(
    t: Translator, close: bool, issue_id: int, user_id: int, first_name: str
) -> tuple[str, ForceReply]:
    """The issues feature's question for the solution (close) or the reason (reject)."""
    which = Command.CLOSE if close else Command.REJECT
    return issue_answers.ask_for_text(t, which, issue_id, user_id, first_name)


def kept(t: Translator, result: Change, names: Callable[[int | None], str]) -> str:
    """ "Keep for next month" as the official reads it: the note posted, or why it was not."""
    match result:
        case IssueChanged():
            return issue_views.event_text(t, result.event, names, public=False)
        case _:
            return issue_answers.refused(t, Command.NOTE, result)[0]


def current_settings(t: Translator, current: MeetingSettings) -> str:
    return t._(
        "Now: on day {day} of every month at {time}, {place}. Give the day, the time and the place."
    ).format(day=current.day, time=current.at.strftime("%H:%M"), place=esc(current.place))


def settings_saved(
    t: Translator, community: str, day: int, at: time, place: str, upcoming: datetime
) -> str:
    return t._(
        "✅ {community}: the residents' meeting is on day {day} of every month at {time}, {place}. "
        "Next: {next}."
    ).format(
        community=esc(community),
        day=day,
        time=at.strftime("%H:%M"),
        place=esc(place),
        next=esc(t.when(upcoming)),
    )
