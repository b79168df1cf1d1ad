"""The buttons under an issue's card: "Me too", the state changes the viewer may make, and the
link to the web board — as PTB objects for a direct answer and as Telegram's JSON for the outbox
(the same rows, so the two never differ).
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.core import callbacks as keyboards
from bot.core.i18n import Translator
from bot.core.roles import MODERATORS
from bot.issues.rules.states import Command, State, Who, allowed_commands
from bot.issues.store.records import Issue
from bot.issues.views.names import ISSUE

# Card buttons: which commands get one, in this order, and their labels.
CARD_COMMANDS: tuple[Command, ...] = (
    Command.ESCALATE,
    Command.CLOSE,
    Command.REJECT,
    Command.REOPEN,
)
MODERATOR = Who(frozenset(MODERATORS))  # a group's card: the buttons any moderator may use


def _command_label(t: Translator, command: Command) -> str:
    labels = {
        Command.ESCALATE: t.p_("button", "⬆️ Escalate"),
        Command.CLOSE: t.p_("button", "✅ Resolve"),
        Command.REJECT: t.p_("button", "🚫 Reject"),
        Command.REOPEN: t.p_("button", "↩️ Reopen"),
    }
    return labels[command]


def card_keys(t: Translator, issue: Issue, viewer: Who | None) -> list[list[tuple[str, str]]]:
    """ "Me too" for everyone, and the state changes allowed: in a group (viewer None) those any
    moderator may make, in private those this viewer may make. Every press is checked again.
    Rows of (label, callback data)."""
    rows: list[list[tuple[str, str]]] = []
    if issue.state in (State.OPEN, State.ESCALATED) and not (viewer and viewer.reporter):
        label = t.p_("button", "🙋 Me too")
        if issue.followers:
            label += f" ({len(issue.followers)})"
        rows.append([(label, keyboards.encode(ISSUE, "follow", issue.id))])
    allowed = allowed_commands(State(issue.state), viewer or MODERATOR)
    actions = [
        (_command_label(t, c), keyboards.encode(ISSUE, c.value, issue.id))
        for c in CARD_COMMANDS
        if c in allowed
    ]
    if actions:
        rows.append(actions)
    return rows


def web_label(t: Translator) -> str:
    """The one label of every link to the web board (cards, /board), in the reader's language."""
    return t.p_("button", "🌐 View on the web")


def issue_web_url(web_url: str | None, issue_id: int) -> str | None:
    """The issue's page on the web board (MULIN_WEB_URL), or None when there is no board."""
    return f"{web_url}/issues/{issue_id}" if web_url else None


def card_buttons(
    t: Translator, issue: Issue, viewer: Who | None, web_url: str | None = None
) -> InlineKeyboardMarkup | None:
    """card_keys as PTB's buttons, and below them the issue's web page when there is a board."""
    rows = card_keys(t, issue, viewer)
    link = issue_web_url(web_url, issue.id)
    keyboard = [
        [InlineKeyboardButton(label, callback_data=data) for label, data in row] for row in rows
    ]
    if link is not None:
        keyboard.append([InlineKeyboardButton(web_label(t), url=link)])
    return InlineKeyboardMarkup(keyboard) if keyboard else None


def card_markup(
    t: Translator, issue: Issue, viewer: Who | None, web_url: str | None = None
) -> dict[str, object] | None:
    """card_buttons as Telegram's JSON, for the outbox, without PTB's objects: building them
    and turning them into JSON was a sixth of a report's cost."""
    rows: list[list[dict[str, str]]] = [
        [{"text": label, "callback_data": data} for label, data in row]
        for row in card_keys(t, issue, viewer)
    ]
    link = issue_web_url(web_url, issue.id)
    if link is not None:
        rows.append([{"text": web_label(t), "url": link}])
    return {"inline_keyboard": rows} if rows else None
