"""Issues as people read them: cards, board lines and notifications, in Telegram HTML.

Everything a user typed is escaped here; every label comes from the catalogs. `public` means
the text is for a group, where an anonymous reporter is never named.
"""

from __future__ import annotations

from telegram import InlineKeyboardMarkup

from bot.core import callbacks as keyboards
from bot.core.i18n import Translator
from bot.core.render import MESSAGE_LIMIT, esc, truncate, truncate_units, utf16_len, visible_length
from bot.issues.rules.states import State
from bot.issues.store.records import HistoryEntry, Issue, IssueEvent, IssueSummary
from bot.issues.views.names import (
    BOARD_NAMES,
    FIXED,
    STATE_NAMES,
    Names,
    body_name,
    category_name,
    priority_name,
)
from bot.issues.views.owners import due_text, owner_line, promise_text

ADDED_LIMIT = 800  # an /add's text as its notification shows it: a caption holds 1,024
HISTORY_LIMIT = 12
HISTORY_KEPT = 3  # the newest changes always shown, even on a card at Telegram's limit
NOTE_LIMIT = 300


def title(t: Translator, issue_id: int, state: str) -> str:
    """The card's first line: `#12 居民说 · 待处理` / `#12 Residents say · open` / `#12 已驳回`."""
    if state == State.REJECTED:
        return t._("#{id} rejected").format(id=issue_id)
    return t._("#{id} {board} · {state}").format(
        id=issue_id, board=t._(BOARD_NAMES[state]), state=t._(STATE_NAMES[state])
    )


def _who(t: Translator, issue: Issue, actor_id: int | None, names: Names, public: bool) -> str:
    if actor_id is None:
        return t._("Mulin")
    if actor_id == issue.reporter_id and issue.anonymous and public:
        return t._("the reporter")
    return esc(names(actor_id))


def history_line(
    t: Translator, issue: Issue, entry: HistoryEntry, names: Names, public: bool
) -> str:
    return f"{esc(t.when(entry.at))} {history_text(t, issue, entry, names, public)}"


def history_text(
    t: Translator,
    issue: Issue,
    entry: HistoryEntry,
    names: Names,
    public: bool,
    *,
    limit: int = NOTE_LIMIT,
) -> str:
    """One change in words; a photo or voice note that came with it is marked 📷 / 🎤."""
    who = _who(t, issue, entry.actor_id, names, public)
    note = esc(truncate(entry.note, limit)) if entry.note else ""
    if entry.action in ("promise", "postpone", "advance") and entry.note:
        return promise_text(t, who, entry.action, entry.note, limit)
    if entry.action == "add" and not note:
        if entry.photo:
            return t._("{who} added a photo").format(who=who)
        return t._("{who} added a voice message").format(who=who)
    texts = {
        "report": t._("{who} reported it"),
        "filed": t._("{who} filed it from the group chat"),
        "escalate": t._("{who} escalated it to the community"),
        "auto_escalate": t._("no progress for {note} days: escalated automatically"),
        "close": t._("{who} resolved it: {note}"),
        "reopen": t._("{who} reopened it"),
        "not_fixed": t._("the reporter says it is not fixed: reopened"),
        "reject": t._("{who} rejected it: {note}"),
        "dup": t._("{who} marked it a duplicate of {note}"),
        "priority": t._("{who} set the priority to {note}"),
        "note": t._("{who}: {note}"),
        "merged": t._("{who} merged {note} into this issue"),
        "category": t._("{who} set the category to {note}"),
        "confirmed": t._("the reporter confirmed it is fixed"),
        "partly": t._("the reporter says it is partly fixed"),
        "many_voices": t._(
            "{note} neighbours have it too: now a major matter, on the meeting's agenda"
        ),
        "fixed_by_silence": t._("no answer in 7 days: counted as fixed"),
        "add": t._("{who} added: {note}"),
        "assign": t._("{who} assigned it to {note}"),
        "vote": t._("the vote on it closed: {note}"),
    }
    if entry.action == "priority" and entry.note:
        note = priority_name(t, entry.note)
    if entry.action == "category" and entry.note:
        note = category_name(t, entry.note)
    if entry.action == "assign" and entry.note:
        note = esc(body_name(t, entry.note))
    text = texts.get(entry.action, "{who}: {note}").format(who=who, note=note)
    if entry.action in ("reopen", "escalate") and entry.note:
        text += t._(": {note}").format(note=note)
    return text + (" 📷" if entry.photo else "") + (" 🎤" if entry.voice else "")


def content(
    t: Translator,
    text: str | None,
    voice: bool,
    place: str | None,
    where: tuple[float, float] | None,
    photos: int,
) -> list[str]:
    """What was reported, as the card and the private report's preview show it."""
    lines: list[str] = []
    if text:
        lines.append(esc(text))
    if voice:
        lines.append(t._("🎤 voice message"))
    if place:
        lines.append("📍 " + esc(place))
    if where is not None:
        lat, lon = where
        lines.append(
            "📍 " + t._("map location {lat}, {lon}").format(lat=f"{lat:.5f}", lon=f"{lon:.5f}")
        )
    if photos:
        lines.append(t.n_("📷 {n} photo", "📷 {n} photos", photos).format(n=photos))
    return lines


def voice_withheld(t: Translator) -> str:
    """The group card's line for an anonymous report's voice note, sent to moderators only."""
    return t._("🔒 the voice message goes to grid workers, property staff and officials only")


def voice_caption(t: Translator, issue: Issue) -> str:
    """An anonymous report's voice note as a moderator receives it, privately."""
    return t._("🎤 <b>#{id}</b>: the voice message of an anonymous report").format(id=issue.id)


def _body(t: Translator, issue: Issue, names: Names, public: bool) -> list[str]:
    where = (
        (issue.latitude, issue.longitude)
        if issue.latitude is not None and issue.longitude is not None
        else None
    )
    body = content(
        t, issue.text, bool(issue.voice_file_id), issue.location_text, where, len(issue.photos)
    )
    if public and issue.anonymous and issue.voice_file_id:
        # a voice is a name: the group is told where an anonymous report's voice note went
        body.insert(2 if issue.text else 1, voice_withheld(t))
    reporter = _who(t, issue, issue.reporter_id, names, public)
    people = t._("👤 {reporter}").format(reporter=reporter)
    if issue.followers:
        count = len(issue.followers)
        people += " · " + t.n_(
            "🙋 {n} neighbour has it too", "🙋 {n} neighbours have it too", count
        ).format(n=count)
    body.append(people)
    owner = owner_line(t, issue, names)
    if owner is not None:
        body.append(owner)
    if issue.state == State.RESOLVED and issue.solution:
        body.append(t._("✅ Solution: {solution}").format(solution=esc(issue.solution)))
    rated = ratings_line(t, issue)
    if rated is not None:
        body.append(rated)
    if issue.state == State.REJECTED:
        if issue.duplicate_of is not None:
            body.append(t._("🔁 Duplicate of #{id}").format(id=issue.duplicate_of))
        elif issue.reason:
            body.append(t._("Reason: {reason}").format(reason=esc(issue.reason)))
    return body


def card(t: Translator, issue: Issue, names: Names, *, public: bool) -> str:
    """The whole card: title, facts, the text verbatim, then the history, oldest first."""
    head = [f"<b>{title(t, issue.id, issue.state)}</b>"]
    facts = [category_name(t, issue.category), priority_name(t, issue.priority)]
    if issue.priority == "urgent":
        facts[1] = "🚨 " + facts[1]
    head.append(" · ".join(facts))
    body = _body(t, issue, names, public)
    lines = [history_line(t, issue, e, names, public) for e in issue.history]
    hidden = max(0, len(lines) - HISTORY_LIMIT)
    shown = lines[hidden:]

    def assemble() -> str:
        history = [t._("— history —")]
        if hidden:
            history.append(
                t.n_("… {n} earlier change", "… {n} earlier changes", hidden).format(n=hidden)
            )
        return "\n".join([*head, *body, *history, *shown])

    text = assemble()
    while visible_length(text) > MESSAGE_LIMIT and len(shown) > HISTORY_KEPT:
        shown, hidden = shown[1:], hidden + 1
        text = assemble()
    if visible_length(text) > MESSAGE_LIMIT and issue.text:
        # A very long text with a long solution: shorten the text, as little as needed.
        over = visible_length(text) - MESSAGE_LIMIT + 1
        body[0] = esc(truncate_units(issue.text, utf16_len(issue.text) - over))
        text = assemble()
    return text


def summary_line(t: Translator, s: IssueSummary) -> str:
    text = truncate(s.text, 40) if s.text else t._("🎤 voice message")
    line = f"<b>#{s.id}</b> {esc(text)}"
    if s.priority != "minor":
        line += " · " + ("🚨 " if s.priority == "urgent" else "") + priority_name(t, s.priority)
    if s.followers:
        line += f" · 🙋{s.followers}"
    if s.body:
        line += " · " + esc(body_name(t, s.body))
    if s.due_date:
        line += " · " + due_text(t, s.due_date, s.past_due)
    return line


def event_text(t: Translator, event: IssueEvent, names: Names, *, public: bool) -> str:
    """A change as a short message: what happened, by whom, and which issue."""
    issue = event.issue
    line = history_text(t, issue, event.entry, names, public, limit=ADDED_LIMIT)
    head = f"<b>{title(t, issue.id, issue.state)}</b>"
    about = esc(truncate(issue.text, 60)) if issue.text else t._("🎤 voice message")
    text = f"{head}\n{about}\n{line}"
    if event.entry.action == "dup" and event.other is not None:
        text += "\n" + t._("Follow #{id} from now on; its followers will hear of progress.").format(
            id=event.other.id
        )
    return text


FIXED_ANSWERS = ("fixed", "partly", "not_fixed")


def fixed_question(
    t: Translator, issue: Issue, *, reporter: bool, chosen: str | None = None
) -> tuple[str, InlineKeyboardMarkup]:
    """ "Fixed?" to the reporter and every follower: three answers, the chosen one marked ✓;
    only the reporter's silence counts as fixed after 7 days."""
    text = t._("<b>#{id} was marked resolved.</b>\nSolution: {solution}\nIs it fixed?").format(
        id=issue.id, solution=esc(issue.solution or "")
    )
    if reporter:
        text += "\n" + t._("If you don't answer within 7 days, I'll count it as fixed.")
    labels = {
        "fixed": t.p_("button", "👍 Fixed"),
        "partly": t.p_("button", "🤏 Partly"),
        "not_fixed": t.p_("button", "👎 Not fixed"),
    }
    row = [
        keyboards.button(("✓ " if key == chosen else "") + labels[key], FIXED, key, issue.id)
        for key in FIXED_ANSWERS
    ]
    return text, InlineKeyboardMarkup([row])


def ratings_line(t: Translator, issue: Issue) -> str | None:
    """评价 8👍 2🤏 1👎 on a resolved card, once someone answered "Fixed?"."""
    fixed, partly, not_fixed = issue.ratings
    if issue.state != State.RESOLVED or not (fixed or partly or not_fixed):
        return None
    return t._("Rated {fixed}👍 {partly}🤏 {not_fixed}👎").format(
        fixed=fixed, partly=partly, not_fixed=not_fixed
    )


def urgent_alert(t: Translator, issue: Issue, names: Names, where: str) -> str:
    return (
        t._("🚨 <b>Urgent issue in {where}</b>").format(where=esc(where))
        + "\n"
        + card(t, issue, names, public=False)
    )


def overdue_reminder(
    t: Translator, community: str, days: int, escalate_days: int, items: list[IssueSummary]
) -> str:
    lines = [
        t.n_(
            "⏰ <b>{community}: {n} issue has had no progress for {days} days or more</b>",
            "⏰ <b>{community}: {n} issues have had no progress for {days} days or more</b>",
            len(items),
        ).format(community=esc(community), n=len(items), days=days)
    ]
    lines += [summary_line(t, s) for s in items]
    lines.append(
        t._("Open one with /issue N; at {days} days without change it is escalated.").format(
            days=escalate_days
        )
    )
    return "\n".join(lines)


def assigned_notice(t: Translator, issue: Issue, names: Names) -> str:
    """To the person named with /assign, privately."""
    return (
        t._("📌 You answer for #{id}. Promise a date with /promise {id} YYYY-MM-DD.").format(
            id=issue.id
        )
        + "\n\n"
        + card(t, issue, names, public=False)
    )


def past_due_list(t: Translator, community: str, items: list[IssueSummary]) -> str:
    """The 09:00 list of broken promises, to the person who answers for them (else the
    community's grid workers)."""
    lines = [
        t.n_(
            "⏰ <b>{community}: {n} promised date has passed</b>",
            "⏰ <b>{community}: {n} promised dates have passed</b>",
            len(items),
        ).format(community=esc(community), n=len(items))
    ]
    lines += [summary_line(t, s) for s in items]
    lines.append(t._("Promise a new date with /promise N YYYY-MM-DD, or close the issue."))
    return "\n".join(lines)
