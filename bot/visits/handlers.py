"""Visits (接访进小区) and urgent meetings (急事立议): the one-line /visit and its preview buttons,
/cancelvisit and /convene (the guided /visit is in dialog.py)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler

from bot.context import CustomContext, ids
from bot.core import callbacks as keyboards
from bot.core.commands import CommandSpec, register_commands
from bot.core.i18n import N_, Translator
from bot.core.records import Community
from bot.core.render import esc
from bot.core.replies import command_text, denied, is_private, parse_number, reply, usage
from bot.core.roles import Action, roles_for
from bot.core.scope import candidates, unregistered_text
from bot.visits import rules, views
from bot.visits.service import Cancelled, Convened, Drafted, Refused

REASON_LIMIT = 200


def refusal(t: Translator, refused: Refused, community: str = "") -> str:
    """A refusal of the service as the caller reads it."""
    match refused.why:
        case "missing":
            return views.missing_issue(t, refused.number)
        case "inactive":
            return views.not_active(t, refused.number)
        case "community":
            return views.other_community(t, refused.number, community)
        case "gone":
            return views.draft_gone(t)
        case "agenda":
            return views.problem(t, "agenda", rules.AGENDA_LIMIT)
        case why:
            return views.problem(t, why)


def only_officials(t: Translator, community: str | None) -> str:
    if community is None:
        return denied(t, t._("Only community officials arrange visits."))
    return denied(
        t,
        t._("Only community officials of {community} arrange its visits.").format(
            community=esc(community)
        ),
    )


def parse_line(
    t: Translator, text: str, tz: ZoneInfo
) -> tuple[datetime, str, list[int], str] | str:
    """`<YYYY-MM-DD HH:MM> | <place> | <#N #M …> [| <title>]`, or what is wrong with it."""
    parts = [p.strip() for p in text.split("|")]
    if len(parts) not in (3, 4):
        return views.problem(t, "parts")
    start = rules.parse_when(parts[0], tz)
    if start is None:
        return views.problem(t, "when")
    if not 1 <= len(parts[1]) <= rules.PLACE_LIMIT:
        return views.problem(t, "place", rules.PLACE_LIMIT)
    numbers = rules.parse_issue_numbers(parts[2])
    if not numbers or len(numbers) > rules.AGENDA_LIMIT:
        return views.problem(t, "agenda", rules.AGENDA_LIMIT)
    title = parts[3] if len(parts) == 4 else ""
    if len(title) > rules.TITLE_LIMIT or (len(parts) == 4 and not title):
        return views.problem(t, "title", rules.TITLE_LIMIT)
    return start, parts[1], numbers, title


def here(update: Update, context: CustomContext) -> Community | None:
    """The community of the group the command came from (None in private chat)."""
    if is_private(update):
        return None
    grid = context.registry.chat_grid(ids(update)[0])
    return context.registry.community(grid.community_id) if grid else None


async def may_arrange(update: Update, context: CustomContext) -> bool:
    """In a group: an official of its community; in private: an official somewhere (the
    visit's own community is checked once it is known). Else the caller is told why not."""
    t, (_, user_id) = context.t, ids(update)
    if not is_private(update):
        community = here(update, context)
        if community is None:
            await reply(update, unregistered_text(context))
            return False
        if not context.actor(user_id, community.id).may(Action.VISIT):
            await reply(update, only_officials(t, community.name))
            return False
        return True
    admins = context.settings.admins
    if not candidates(context.registry, user_id, admins, roles_for(Action.VISIT)):
        await reply(update, only_officials(t, None))
        return False
    return True


async def visit(update: Update, context: CustomContext) -> None:
    """The one-line /visit: a draft previewed with Publish (the bare /visit in private is the
    guided form, dialog.py)."""
    message = update.effective_message
    if message is None:
        return
    t = context.t
    _, user_id = ids(update)
    if not await may_arrange(update, context):
        return
    community = here(update, context)
    parsed = parse_line(t, command_text(message), context.settings.tz)
    if isinstance(parsed, str):
        await reply(update, usage(t, parsed, views.ONE_LINE))
        return
    start, place, numbers, title = parsed
    first = await context.issues.get(numbers[0])
    if first is None:
        await reply(update, usage(t, views.missing_issue(t, numbers[0]), views.ONE_LINE))
        return
    if community is None:
        community = context.registry.community(first.community_id)
        assert community is not None
        if not context.actor(user_id, community.id).may(Action.VISIT):
            await reply(update, only_officials(t, community.name))
            return
    result = await context.visits.draft(context.origin, community.id, title, start, place, numbers)
    await show_draft(update, context, result, community.name)


async def show_draft(
    update: Update, context: CustomContext, result: Drafted | Refused, community: str
) -> None:
    t = context.t
    if isinstance(result, Refused):
        await reply(update, usage(t, refusal(t, result, community), views.ONE_LINE))
        return
    grid_name = context.people.grid_name
    text, markup = views.preview(
        t, result.visit, result.agenda, grid_name, result.groups, result.now
    )
    await reply(update, text, markup)


async def on_button(update: Update, context: CustomContext) -> None:
    """vis:pub:<id> | vis:drop:<id>: a draft's preview, pressed by an official of its community."""
    query = update.callback_query
    assert query is not None
    data = keyboards.decode(query.data)
    action, visit_id = (data.text(0), data.number(1)) if data else (None, None)
    ut = context.ut
    draft = await context.visits.get(visit_id) if visit_id is not None else None
    if draft is None or action not in ("pub", "drop"):
        await query.answer(ut._("This button is no longer valid."))
        return
    if not context.actor(context.origin.user_id, draft.community_id).may(Action.VISIT):
        await query.answer(ut._("Only community officials arrange visits."), show_alert=True)
        return
    if action == "drop":
        done = await context.visits.discard(context.origin, draft.id)
        await query.answer(ut._("Discarded.") if done else views.draft_gone(ut))
        if done and query.message is not None:
            await query.edit_message_reply_markup(None)
        return
    result = await context.visits.publish(context.origin, draft.id)
    if isinstance(result, Refused):
        await query.answer(refusal(ut, result), show_alert=True)
        return
    await query.answer()
    if query.message is not None:
        await query.edit_message_reply_markup(None)
    await reply(update, views.published(context.t, result.visit, result.groups))


async def cancelvisit(update: Update, context: CustomContext) -> None:
    message = update.effective_message
    if message is None:
        return
    t = context.t
    if not await may_arrange(update, context):
        return
    _, user_id = ids(update)
    word, _, reason = command_text(message).partition(" ")
    number = rules.parse_number(word) if word else None
    if number is None:
        await reply(update, usage(t, views.problem(t, "number"), views.CANCEL))
        return
    if len(reason.strip()) > REASON_LIMIT:
        problem = t._("The reason is at most {limit} characters.").format(limit=REASON_LIMIT)
        await reply(update, usage(t, problem, views.CANCEL))
        return
    found = await context.visits.find(number)
    if found is None:
        await reply(update, usage(t, views.unknown_visit(t, number), views.CANCEL))
        return
    community = context.people.community_name(found.community_id)
    if not context.actor(user_id, found.community_id).may(Action.VISIT):
        await reply(update, only_officials(t, community))
        return
    match await context.visits.cancel(context.origin, found.id, reason.strip() or None):
        case Cancelled(visit=cancelled, told=told):
            await reply(update, views.cancel_done(t, cancelled, told))
        case Refused():
            await reply(update, views.not_upcoming(t, found))


async def convene(update: Update, context: CustomContext) -> None:
    message = update.effective_message
    if message is None:
        return
    t = context.t
    _, user_id = ids(update)
    words = command_text(message).split()
    issue_id = parse_number(words[0]) if words else None
    if issue_id is None:
        await reply(update, usage(t, views.problem(t, "issue"), views.CONVENE))
        return
    issue = await context.issues.get(issue_id)
    if issue is None:
        await reply(update, usage(t, views.missing_issue(t, issue_id), views.CONVENE))
        return
    if not context.actor(user_id, issue.community_id).may(Action.CONVENE):
        problem = t._("Only grid workers and community officials convene an urgent meeting.")
        await reply(update, denied(t, problem))
        return
    parsed = parse_convene(t, words[1:], context.visits.now(), context.settings.tz)
    if isinstance(parsed, str):
        await reply(update, usage(t, parsed, views.CONVENE))
        return
    match await context.visits.convene(context.origin, issue_id, *parsed):
        case Convened() as done:
            text = views.convened(t, done.visit, done.groups, done.people)
            await reply(update, text)
        case Refused() as refused:
            await reply(update, usage(t, refusal(t, refused), views.CONVENE))


def parse_convene(
    t: Translator, words: list[str], now: datetime, tz: ZoneInfo
) -> tuple[datetime, str] | str:
    """`<HH:MM | YYYY-MM-DD HH:MM> <place>`, or what is wrong with it."""
    start = rules.parse_when(" ".join(words[:2]), tz) if len(words) >= 2 else None
    rest = words[2:]
    if start is None and words:
        start, rest = rules.parse_clock(words[0], now, tz), words[1:]
    if start is None:
        return views.problem(t, "clock")
    place = " ".join(rest)
    if not 1 <= len(place) <= rules.PLACE_LIMIT:
        return views.problem(t, "place", rules.PLACE_LIMIT)
    return start, place


COMMANDS: tuple[CommandSpec, ...] = (
    CommandSpec(
        "visit",
        N_("/visit [<YYYY-MM-DD HH:MM> | <place> | <#N #M …> [| <title>]]"),
        N_("arrange an on-site visit (接访进小区) with its agenda"),
        visit,
        action=Action.VISIT,
        menu=False,
    ),
    CommandSpec(
        "cancelvisit",
        N_("/cancelvisit <V> [reason]"),
        N_("cancel a visit; everyone told of it hears so"),
        cancelvisit,
        action=Action.VISIT,
        menu=False,
    ),
    CommandSpec(
        "convene",
        N_("/convene <N> <HH:MM | YYYY-MM-DD HH:MM> <place>"),
        N_("convene an urgent meeting on an issue, announced at once"),
        convene,
        action=Action.CONVENE,
        menu=False,
    ),
)


def register(app: Application) -> None:  # type: ignore[type-arg]
    register_commands(app, COMMANDS)
    app.add_handler(CallbackQueryHandler(on_button, pattern=keyboards.pattern(views.VISIT)))
