"""What public notices say: the card in the groups with its Object button, the private dialog's
questions and answers, what the officials read, and the close. User text is always escaped."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.core import callbacks as keyboards
from bot.core.i18n import Translator
from bot.core.render import esc
from bot.notices.rules import TEXT_LIMIT, Notice, Objection, excerpt

DIALOG = "ob"  # callback prefix of the objection dialog's buttons
DEEP_LINK = "object_"  # /start object_<id>: the card's button opens the dialog in private

Names = Callable[[int], str]


def link(bot_link: str, notice_id: int) -> str:
    return f"{bot_link}?start={DEEP_LINK}{notice_id}"


def object_button(t: Translator, bot_link: str, notice_id: int) -> InlineKeyboardButton:
    return InlineKeyboardButton(t.p_("button", "✋ Object"), url=link(bot_link, notice_id))


def card(t: Translator, notice: Notice, community: str) -> str:
    head = t._("📢 <b>Public notice {label}</b> · {community}").format(
        label=notice.label, community=esc(community)
    )
    until = t._("Objections until {time} ({days} days).").format(
        time=esc(t.when(notice.closes_at)), days=t.number(notice.days)
    )
    how = t._(
        "To object, press the button below and write to me privately: your name is never "
        "shown in the group."
    )
    return f"{head}\n\n{esc(notice.text)}\n\n⏳ {until}\n{how}"


def card_markup(t: Translator, bot_link: str, notice_id: int) -> dict[str, Any]:
    return InlineKeyboardMarkup([[object_button(t, bot_link, notice_id)]]).to_dict()


def posted(t: Translator, notice: Notice, groups: int) -> str:
    text = t.n_(
        "✅ Notice {label} is posted in {n} group; objections are taken until {time}.",
        "✅ Notice {label} is posted in {n} groups; objections are taken until {time}.",
        groups,
    )
    return text.format(label=notice.label, n=groups, time=esc(t.when(notice.closes_at)))


def named(t: Translator, notice: Notice) -> str:
    """How a notice is named in a sentence: G3「its first line」."""
    return t._("{label} “{title}”").format(label=notice.label, title=esc(excerpt(notice.text)))


def cancel_markup(t: Translator) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[keyboards.button(t.p_("button", "✖ Cancel"), DIALOG, "cancel")]])


def prompt(t: Translator, notice: Notice, mine: Objection | None) -> str:
    head = t._("✋ <b>Objection to notice {notice}</b>").format(notice=named(t, notice))
    ask = t._(
        "Write your objection in one message (at most {limit} characters). Only the "
        "community's officials see it and your name; the groups are only told how many "
        "objections came in. Objections are taken until {time}."
    ).format(limit=t.number(TEXT_LIMIT), time=esc(t.when(notice.closes_at)))
    text = f"{head}\n\n{ask}"
    if mine is not None:
        earlier = t._("Your objection so far (a new one replaces it):")
        text += f"\n\n{earlier}\n<blockquote>{esc(mine.text)}</blockquote>"
    return text


def taken(t: Translator, notice: Notice, replaced: bool) -> str:
    if replaced:
        done = t._("✅ Your objection to {notice} is replaced by this one.")
    else:
        done = t._("✅ Your objection to {notice} is received.")
    told = t._(
        "The community's officials have it; the groups will only learn how many objections "
        "came in. Until {time} you may send a new one with the same button: it replaces this one."
    ).format(time=esc(t.when(notice.closes_at)))
    return f"{done.format(notice=named(t, notice))}\n{told}"


def to_officials(
    t: Translator, notice: Notice, who: str, username: str | None, text: str, *, replaced: bool
) -> str:
    """Privately, to the community's officials: officials may see who objects."""
    if replaced:
        head = t._("✋ <b>Objection to notice {notice}</b> (replaces their earlier one)")
    else:
        head = t._("✋ <b>Objection to notice {notice}</b>")
    shown = esc(who) + (f" (@{esc(username)})" if username else "")
    by = t._("From: {name}").format(name=shown)
    return f"{head.format(notice=named(t, notice))}\n{by}\n<blockquote>{esc(text)}</blockquote>"


def result(t: Translator, notice: Notice, count: int) -> str:
    """At the close, in each group: the count, never a name."""
    head = t._("📢 <b>Public notice {notice}: the objection window has closed.</b>").format(
        notice=named(t, notice)
    )
    if count == 0:
        body = t._("No objection came in.")
    else:
        body = t.n_(
            "{n} objection came in; the community's officials are handling it.",
            "{n} objections came in; the community's officials are handling them.",
            count,
        ).format(n=t.number(count))
    return f"{head}\n{body}"


def result_for_officials(t: Translator, notice: Notice, count: int) -> str:
    text = result(t, notice, count)
    if count:
        text += "\n" + t._("Read them with <code>/objections {label}</code>.").format(
            label=notice.label
        )
    return text


def missing(t: Translator, notice_id: int) -> str:
    return t._("There is no notice G{id}.").format(id=notice_id)


def closed(t: Translator, notice: Notice) -> str:
    return t._(
        "The objection window of notice {notice} closed on {time}; objections are no longer taken."
    ).format(notice=named(t, notice), time=esc(t.when(notice.closes_at)))


def open_list(t: Translator, community: str, notices: Sequence[Notice]) -> str:
    if not notices:
        return t._("{community}: no public notice is open for objections.").format(
            community=esc(community)
        )
    lines = [
        t._("📢 {community}: public notices open for objections").format(community=esc(community))
    ]
    for notice in notices:
        until = t._("until {time}").format(time=esc(t.when(notice.closes_at)))
        lines.append(f"{named(t, notice)} · {until}")
    return "\n".join(lines)


def open_buttons(
    t: Translator, bot_link: str, notices: Sequence[Notice]
) -> InlineKeyboardMarkup | None:
    if not notices:
        return None
    label = t.p_("button", "✋ Object to {label}")
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(label.format(label=n.label), url=link(bot_link, n.id))]
            for n in notices
        ]
    )


def objections_list(t: Translator, notice: Notice, found: Sequence[Objection], name: Names) -> str:
    state = (
        t._("open until {time}") if notice.closed_at is None else t._("closed on {time}")
    ).format(time=esc(t.when(notice.closes_at)))
    head = t.n_(
        "✋ Notice {notice} ({state}): {n} objection",
        "✋ Notice {notice} ({state}): {n} objections",
        len(found),
    ).format(notice=named(t, notice), state=state, n=t.number(len(found)))
    lines = [head]
    for i, objection in enumerate(found, start=1):
        when = esc(t.when(objection.updated_at))
        lines.append(f"\n{i}. <b>{esc(name(objection.user_id))}</b> · {when}")
        lines.append(f"<blockquote>{esc(objection.text)}</blockquote>")
    return "\n".join(lines)
