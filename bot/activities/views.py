"""Activities as people read them: the card with its live count and sign-up buttons, answers to
a press, notices, and the roster (text and CSV)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.activities.rules.model import Activity, Signup
from bot.activities.rules.refusals import (
    ActivityRefusal,
    AlreadyPublished,
    AlreadyStarted,
    DeadlinePassed,
    NoRoom,
    NotOrganizer,
    NotSignedUp,
    PartyOutOfRange,
    SignupClosed,
)
from bot.core import callbacks as keyboards
from bot.core.i18n import Translator
from bot.core.render import esc

ACTIVITY = "act"  # act:join:<id>:<party> | act:leave:<id> | act:publish:<id> | act:grids:<id>…

Names = Callable[[int], str]


def when(t: Translator, activity: Activity) -> str:
    text = t.when(activity.starts_at)
    if activity.ends_at is not None:
        text += "–" + t.when(activity.ends_at).rsplit(" ", 1)[-1]
    return text


def count_line(t: Translator, activity: Activity) -> str:
    """已报名 23/40 · 候补 3 — counted in people."""
    line = t._("Signed up {confirmed}/{capacity}").format(
        confirmed=activity.confirmed, capacity=activity.capacity
    )
    if activity.waitlisted:
        line += " · " + t._("waitlist {n}").format(n=activity.waitlisted)
    return line


def card(t: Translator, activity: Activity) -> str:
    lines = [f"<b>#{activity.id} {esc(activity.title)}</b>"]
    if activity.state == "cancelled":
        lines.append(t._("❌ Cancelled"))
        if activity.cancel_reason:
            lines.append(t._("Reason: {reason}").format(reason=esc(activity.cancel_reason)))
    elif activity.state == "finished":
        lines.append(t._("🏁 Finished"))
    elif activity.state == "draft":
        lines.append(t._("📝 Draft — not published yet"))
    lines.append("🕘 " + esc(when(t, activity)))
    lines.append("📍 " + esc(activity.place))
    lines.append("👥 " + count_line(t, activity))
    details = []
    if activity.max_party > 1:
        details.append(t._("up to {n} people per sign-up").format(n=activity.max_party))
    if activity.deadline != activity.starts_at:
        details.append(t._("sign up by {time}").format(time=esc(t.when(activity.deadline))))
    if details:
        lines.append(" · ".join(details))
    if activity.description:
        lines.append("")
        lines.append(esc(activity.description))
    return "\n".join(lines)


def buttons(t: Translator, activity: Activity) -> InlineKeyboardMarkup | None:
    """`报名 1人` … `报名 N人` and `取消报名`, while sign-ups are open."""
    if activity.state != "published":
        return None
    sizes = [
        keyboards.button(
            t.p_("button", "Sign up ×{n}").format(n=n), ACTIVITY, "join", activity.id, n
        )
        for n in range(1, activity.max_party + 1)
    ]
    rows = [sizes[i : i + 3] for i in range(0, len(sizes), 3)]
    rows.append([keyboards.button(t.p_("signup", "Cancel"), ACTIVITY, "leave", activity.id)])
    return InlineKeyboardMarkup(rows)


def signup_answer(t: Translator, activity: Activity, signup: Signup, event: str) -> str:
    """The popup (and private message) after a press."""
    if event == "unchanged":
        prefix = t._("You are already signed up.")
    elif event == "resized":
        prefix = t._("Changed.")
    else:
        prefix = ""
    if signup.status == "confirmed":
        text = t.n_(
            "✅ Confirmed: #{id} {title}, {n} person.",
            "✅ Confirmed: #{id} {title}, {n} people.",
            signup.party,
        )
    else:
        text = t.n_(
            "⏳ Waitlisted for #{id} {title} ({n} person), position {position}.",
            "⏳ Waitlisted for #{id} {title} ({n} people), position {position}.",
            signup.party,
        )
    body = text.format(
        id=activity.id, title=activity.title, n=signup.party, position=signup.position
    )
    return f"{prefix} {body}".strip()


def refusal(t: Translator, refused: ActivityRefusal) -> str:
    match refused:
        case SignupClosed():
            return t._("Sign-ups for this activity are closed.")
        case DeadlinePassed(deadline):
            return t._("Sign-ups closed at {time}.").format(time=t.when(deadline))
        case AlreadyStarted():
            return t._("This activity has already started.")
        case PartyOutOfRange(max_party):
            return t._("A sign-up is for 1 to {max} people.").format(max=max_party)
        case NoRoom(free):
            return t.n_(
                "Only {free} seat is free: your sign-up stays as it was.",
                "Only {free} seats are free: your sign-up stays as it was.",
                free,
            ).format(free=free)
        case NotSignedUp():
            return t._("You are not signed up for this activity.")
        case AlreadyPublished():
            return t._("This activity is already published.")
        case NotOrganizer():
            return t._("Only organizers and community officials of its community do this.")


def missing(t: Translator, activity_id: int) -> str:
    return t._("There is no activity #{id}.").format(id=activity_id)


def preview(t: Translator, activity: Activity, groups: int) -> str:
    """A new draft as its organizer sees it, before "Publish"."""
    return (
        card(t, activity)
        + "\n\n"
        + t.n_("It will be sent to {n} group.", "It will be sent to {n} groups.", groups).format(
            n=groups
        )
    )


def promoted_notice(t: Translator, activity: Activity, signup: Signup) -> str:
    return (
        t.n_(
            "🎉 A place opened up: your sign-up for #{id} {title} ({n} person) is confirmed.",
            "🎉 Places opened up: your sign-up for #{id} {title} ({n} people) is confirmed.",
            signup.party,
        ).format(id=activity.id, title=esc(activity.title), n=signup.party)
        + "\n🕘 "
        + esc(when(t, activity))
        + "\n📍 "
        + esc(activity.place)
    )


def cancelled_notice(t: Translator, activity: Activity) -> str:
    text = t._("❌ #{id} {title} on {time} is cancelled.").format(
        id=activity.id, title=esc(activity.title), time=esc(when(t, activity))
    )
    if activity.cancel_reason:
        text += "\n" + t._("Reason: {reason}").format(reason=esc(activity.cancel_reason))
    return text


def reminder(t: Translator, activity: Activity, signup: Signup) -> str:
    return t.n_(
        "⏰ Tomorrow: #{id} {title}, {time} at {place}. You signed up {n} person.",
        "⏰ Tomorrow: #{id} {title}, {time} at {place}. You signed up {n} people.",
        signup.party,
    ).format(
        id=activity.id,
        title=esc(activity.title),
        time=esc(when(t, activity)),
        place=esc(activity.place),
        n=signup.party,
    )


def roster_text(t: Translator, activity: Activity, signups: list[Signup], names: Names) -> str:
    lines = [f"<b>#{activity.id} {esc(activity.title)}</b>", "👥 " + count_line(t, activity), ""]
    confirmed = [s for s in signups if s.status == "confirmed"]
    waiting = [s for s in signups if s.status == "waitlisted"]
    lines.append(t._("<b>Confirmed</b>"))
    lines += [f"{i}. {esc(names(s.user_id))} × {s.party}" for i, s in enumerate(confirmed, 1)] or [
        t._("(none)")
    ]
    lines += ["", t._("<b>Waitlist</b>")]
    lines += [f"{s.position}. {esc(names(s.user_id))} × {s.party}" for s in waiting] or [
        t._("(none)")
    ]
    return "\n".join(lines)


def roster_csv(t: Translator, signups: list[Signup], names: Names, usernames: Names) -> bytes:
    """UTF-8 with a BOM, so that Excel opens the Chinese names correctly."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            t._("status"),
            t._("waitlist position"),
            t._("name"),
            t._("username"),
            t._("people"),
            t._("signed up at"),
        ]
    )
    for s in signups:
        writer.writerow(
            [
                t._("confirmed") if s.status == "confirmed" else t._("waitlisted"),
                s.position or "",
                names(s.user_id),
                usernames(s.user_id),
                s.party,
                t.when_long(s.created_at),
            ]
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def announcement(t: Translator, community: str, text: str) -> str:
    return (
        t._("📢 <b>Notice from {community}</b>").format(community=esc(community)) + "\n" + esc(text)
    )


def publish_buttons(t: Translator, activity: Activity) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [keyboards.button(t.p_("button", "📣 Publish"), ACTIVITY, "publish", activity.id)],
            [
                keyboards.button(t.p_("button", "🎯 Choose grids"), ACTIVITY, "grids", activity.id),
                keyboards.button(t.p_("button", "✖ Discard"), ACTIVITY, "discard", activity.id),
            ],
        ]
    )


def grid_picker(
    t: Translator, activity: Activity, grids: list[tuple[int, str]]
) -> InlineKeyboardMarkup:
    chosen = set(activity.grid_ids)
    rows: list[list[InlineKeyboardButton]] = [
        [
            keyboards.button(
                ("✓ " if gid in chosen else "") + name, ACTIVITY, "grid", activity.id, gid
            )
        ]
        for gid, name in grids[:30]
    ]
    rows.append([keyboards.button(t.p_("button", "📣 Publish"), ACTIVITY, "publish", activity.id)])
    return InlineKeyboardMarkup(rows)
