"""The answers of the issue commands and buttons: refusals, confirmations, the near-duplicate
suggestion, the boards, /my and the private report's preview."""

from __future__ import annotations

from typing import Any

from telegram import ForceReply, InlineKeyboardButton, InlineKeyboardMarkup

from bot.core import callbacks as keyboards
from bot.core.i18n import Translator
from bot.core.render import esc
from bot.issues.rules.states import Command, State
from bot.issues.service.results import BadOriginal, IssueMissing, NotPermitted, WrongState
from bot.issues.store.reads import Board
from bot.issues.store.records import Issue, IssueSummary
from bot.issues.views.card_buttons import web_label
from bot.issues.views.cards import card, content, summary_line
from bot.issues.views.names import (
    BOARD,
    BOARD_NAMES,
    DUPLICATE,
    STATE_NAMES,
    Names,
    category_name,
    priority_name,
    state_name,
)

# -- refusals -------------------------------------------------------------------------------------


def who_may(t: Translator, command: Command, issue: Issue) -> str:
    texts = {
        Command.ESCALATE: t._(
            "Only grid workers, property staff and community officials escalate issues."
        ),
        Command.CLOSE: t._("Only grid workers and community officials resolve an escalated issue.")
        if issue.state == State.ESCALATED
        else t._("Only grid workers, property staff and community officials resolve issues."),
        Command.REOPEN: t._(
            "Only the reporter, grid workers and community officials reopen an issue."
        ),
        Command.REJECT: t._("Only grid workers and community officials reject issues."),
        Command.DUP: t._("Only grid workers and community officials reject issues."),
        Command.PRIORITY: t._(
            "Only grid workers, property staff and community officials set priorities."
        ),
        Command.NOTE: t._(
            "Only grid workers, property staff and community officials add progress notes."
        ),
    }
    return texts[command]


def wrong_state(t: Translator, command: Command, issue: Issue) -> str:
    hints = {
        Command.ESCALATE: t._("Only open issues can be escalated."),
        Command.CLOSE: t._("Only open or escalated issues can be resolved."),
        Command.REOPEN: t._("Only resolved issues can be reopened."),
        Command.REJECT: t._("Only open or escalated issues can be rejected."),
        Command.DUP: t._("Only open or escalated issues can be marked duplicates."),
        Command.PRIORITY: t._("Only open or escalated issues have a priority to change."),
        Command.NOTE: t._("Only open or escalated issues take progress notes."),
    }
    return t._("#{id} is {state}. {hint}").format(
        id=issue.id, state=state_name(t, issue.state), hint=hints[command]
    )


def bad_original(t: Translator, why: str, target: int | None) -> str:
    texts = {
        "missing": t._("There is no issue #{id}."),
        "self": t._("An issue cannot duplicate itself."),
        "closed": t._("#{id} is closed; mark duplicates of open or escalated issues only."),
        "community": t._("#{id} belongs to another community."),
    }
    return texts[why].format(id=target)


def missing(t: Translator, issue_id: int) -> str:
    return t._("There is no issue #{id}.").format(id=issue_id)


# -- reporting and following ------------------------------------------------------------------


def confirmation(t: Translator, issue: Issue, names: Names) -> str:
    text = t._("✅ Reported as <b>#{id}</b>. I'll tell you here of every step.").format(id=issue.id)
    if issue.chat_id is not None:
        text += "\n" + t._("Its card is in your grid group, where neighbours can press “Me too”.")
    return text + "\n\n" + card(t, issue, names, public=False)


def near_duplicate(t: Translator, match: Issue, draft_id: int) -> tuple[str, InlineKeyboardMarkup]:
    text = t._("This looks like <b>#{id}</b>, already reported:").format(id=match.id)
    text += "\n" + summary_line(t, IssueSummary.of(match))
    text += "\n" + t._("Press “Follow” to hear of its progress, or report yours anyway.")
    follow = t.p_("button", "🙋 Follow #{id}").format(id=match.id)
    markup = InlineKeyboardMarkup(
        [
            [
                keyboards.button(follow, DUPLICATE, "follow", match.id, draft_id),
                keyboards.button(t.p_("button", "📝 Report anyway"), DUPLICATE, "anyway", draft_id),
            ]
        ]
    )
    return text, markup


def ask_for_text(
    t: Translator, which: Command, issue_id: int, user_id: int, first_name: str
) -> tuple[str, ForceReply]:
    """The question that asks a moderator, by name, for the solution (close) or the reason
    (reject) as a reply; their reply is the text the command carries."""
    mention = f'<a href="tg://user?id={user_id}">{esc(first_name)}</a>'
    text = (
        t._("{who}, reply to this message with the solution for #{id}; it will be published.")
        if which is Command.CLOSE
        else t._("{who}, reply to this message with the reason for rejecting #{id}.")
    ).format(who=mention, id=issue_id)
    placeholder = t._("Solution") if which is Command.CLOSE else t._("Reason")
    return text, ForceReply(selective=True, input_field_placeholder=placeholder[:64])


# -- boards and /my -----------------------------------------------------------------------------


def board_button(
    label: str, where: tuple[str, int], state: str, page: int, how: str
) -> InlineKeyboardButton:
    """brd:<scope>:<id>:<state|all>:<page>:<n|e> — a board of a grid (g) or a community (c),
    sent as a new message (n) or replacing the page the button is on (e)."""
    scope, scope_id = where
    return keyboards.button(label, BOARD, scope, scope_id, state, page, how)


def boards(
    t: Translator,
    place: str,
    found: dict[str, Board],
    where: tuple[str, int],
    web_link: str | None = None,
) -> tuple[str, InlineKeyboardMarkup | None]:
    """The three boards, newest first; a "›" button for each board with more than it shows,
    and the same boards on the web (`web_link`, with MULIN_WEB_URL) where photos and maps fit."""
    lines = [t._("<b>{place} · issue board</b>").format(place=esc(place))]
    more = []
    for state, board in found.items():
        name = t._(BOARD_NAMES[state])
        lines.append("")
        lines.append(
            t._("<b>{board}</b> · {state} {n}").format(
                board=name, state=state_name(t, state), n=t.number(board.total)
            )
        )
        lines += [summary_line(t, s) for s in board.items] or [t._("(none)")]
        if board.total > len(board.items):
            more.append(board_button(name + " ›", where, state, 1, "n"))
    lines.append("")
    lines.append(t._("Open one with /issue N."))
    markup = keyboards.rows(more, 3) if more else None
    if web_link is not None:
        web = [InlineKeyboardButton(web_label(t), url=web_link)]
        markup = InlineKeyboardMarkup([*(markup.inline_keyboard if markup else ()), web])
    return "\n".join(lines), markup


def board_page(
    t: Translator,
    place: str,
    where: tuple[str, int],
    state: str,
    page: int,
    board: Board,
    pages: int,
) -> tuple[str, InlineKeyboardMarkup | None]:
    """One page of one board, with "‹" and "›" that turn the page in place."""
    lines = [
        t._("<b>{place} · {board}</b> ({page}/{pages})").format(
            place=esc(place), board=t._(BOARD_NAMES[state]), page=page + 1, pages=pages
        )
    ]
    lines += [summary_line(t, s) for s in board.items] or [t._("(none)")]
    nav = []
    if page > 0:
        nav.append(board_button("‹", where, state, page - 1, "e"))
    if page + 1 < pages:
        nav.append(board_button("›", where, state, page + 1, "e"))
    return "\n".join(lines), InlineKeyboardMarkup([nav]) if nav else None


def mine(t: Translator, reported: list[IssueSummary], followed: list[IssueSummary]) -> list[str]:
    """/my's issues part: what the user reported, what they follow."""
    lines = [t._("<b>Your reports</b>")]
    lines += [f"{summary_line(t, s)} · {t._(STATE_NAMES[s.state])}" for s in reported]
    if not reported:
        lines.append(t._("(none) — report a problem with /report"))
    lines += ["", t._("<b>Issues you follow</b>")]
    lines += [f"{summary_line(t, s)} · {t._(STATE_NAMES[s.state])}" for s in followed]
    if not followed:
        lines.append(t._("(none)"))
    lines += ["", t._("Open one with /issue N.")]
    return lines


# -- the private report's preview -----------------------------------------------------------


def preview(t: Translator, draft: dict[str, Any], place: str | None, reporter: str) -> str:
    """The dialog's last step: the report as it will be submitted."""
    lines = [t._("<b>Please check your report:</b>")]
    if place:
        lines.append(f"🏘 {esc(place)}")
    lines.append(category_name(t, draft["category"]))
    if draft.get("priority") == "urgent":
        lines.append("🚨 " + priority_name(t, "urgent"))
    where = (draft["latitude"], draft["longitude"]) if draft.get("latitude") is not None else None
    lines += content(
        t,
        draft.get("text"),
        bool(draft.get("voice")),
        draft.get("location_text"),
        where,
        len(draft["photos"]),
    )
    lines.append(
        t._("🙈 Your name is not shown to the group.")
        if draft["anonymous"]
        else t._("👤 Shown as {name}.").format(name=esc(reporter))
    )
    return "\n".join(lines)


def refused(
    t: Translator, command: Command, result: IssueMissing | WrongState | NotPermitted | BadOriginal
) -> tuple[str, bool]:
    """Why a change was not made, and whether it is the actor's permission that is missing (as
    opposed to: not now, or no such issue)."""
    match result:
        case IssueMissing(issue_id=issue_id):
            return missing(t, issue_id), False
        case WrongState(issue=issue):
            return wrong_state(t, command, issue), False
        case NotPermitted(issue=issue):
            return who_may(t, command, issue), True
        case BadOriginal(why=why, target=target):
            return bad_original(t, why, target), False
