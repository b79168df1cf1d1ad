"""Reading the boards: /board (a group's grid, or a community in private), its pages, and /my."""

from __future__ import annotations

from telegram import Update

from bot.context import CustomContext, ids
from bot.core import callbacks as keyboards
from bot.core.render import esc
from bot.core.replies import is_private, reply
from bot.core.scope import unregistered_text
from bot.issues.service import Scope
from bot.issues.views import answers

PAGE = 10
STATES = ("open", "escalated", "resolved")


def board_scope(context: CustomContext, scope: str, scope_id: int) -> tuple[str, Scope] | None:
    """(title, what to read) of a board: one grid ("g"), or a whole community ("c")."""
    registry = context.registry
    if scope == "g":
        grid = registry.grid(scope_id)
        community = registry.community(grid.community_id) if grid else None
        if grid is None or community is None:
            return None
        return f"{community.name} · {grid.name}", ("grid_id", grid.id)
    community = registry.community(scope_id)
    if community is None:
        return None
    return community.name, ("community_id", community.id)


def board_web_link(context: CustomContext, scope: str, scope_id: int) -> str | None:
    """The community's page on the web board (MULIN_WEB_URL), by its id, which never changes
    when the community is renamed; a grid's board links its community's, filtered there."""
    web_url = context.settings.web_url
    if not web_url:
        return None
    grid = context.registry.grid(scope_id) if scope == "g" else None
    community_id = grid.community_id if grid is not None else scope_id
    return f"{web_url}/c/{community_id}"


async def board(update: Update, context: CustomContext) -> None:
    t = context.t
    chat_id, _ = ids(update)
    if not is_private(update):
        grid = context.registry.chat_grid(chat_id)
        if grid is None:
            await reply(update, unregistered_text(context))
            return
        await send_boards(update, context, "g", grid.id)
        return
    communities = context.registry.communities()
    if not communities:
        await reply(update, t._("No grid group is registered yet."))
        return
    if len(communities) == 1:
        await send_boards(update, context, "c", communities[0].id)
        return
    buttons = [answers.board_button(c.name, ("c", c.id), "all", 0, "n") for c in communities[:40]]
    await reply(update, t._("Which community's board?"), keyboards.rows(buttons, 2))


async def send_boards(update: Update, context: CustomContext, scope: str, scope_id: int) -> None:
    t = context.t
    found = board_scope(context, scope, scope_id)
    if found is None:
        await reply(update, t._("This board no longer exists."))
        return
    place, where = found
    boards = await context.issues.boards(where, per_board=PAGE)
    web_link = board_web_link(context, scope, scope_id)
    await reply(update, *answers.boards(t, place, boards, (scope, scope_id), web_link))


async def on_board_button(update: Update, context: CustomContext) -> None:
    """brd:<scope>:<id>:<state|all>:<page>:<n|e> — a board, or one page of one board, sent
    as a new message (n) or replacing the page the button is on (e)."""
    query = update.callback_query
    assert query is not None
    data = keyboards.decode(query.data)
    scope = data.text(0) if data else None
    scope_id = data.number(1) if data else None
    state = data.text(2) if data else None
    page = data.number(3) if data else None
    if (
        data is None
        or scope not in ("g", "c")
        or scope_id is None
        or page is None
        or page < 0
        or state not in ("all", *STATES)
    ):
        await query.answer(context.ut._("This button is no longer valid."))
        return
    assert scope is not None and state is not None
    await query.answer()
    if state == "all":
        await send_boards(update, context, scope, scope_id)
        return
    found = board_scope(context, scope, scope_id)
    if found is None:
        await reply(update, context.t._("This board no longer exists."))
        return
    place, where = found
    items = await context.issues.board(where, state, page=page, per_page=PAGE)
    pages = max(1, -(-items.total // PAGE))
    text, markup = answers.board_page(
        context.t, place, (scope, scope_id), state, page, items, pages
    )
    if data.text(4) == "e" and query.message is not None:
        await query.edit_message_text(text, reply_markup=markup)
    else:
        await reply(update, text, markup)


async def my_issues(update: Update, context: CustomContext) -> None:
    """/my: the user's reports, what they follow, and their sign-ups."""
    t = context.t
    _, user_id = ids(update)
    reported, followed = await context.issues.mine(user_id)
    lines = answers.mine(t, reported, followed)
    signups = await context.activities.of_user(user_id)
    lines += ["", t._("<b>Your sign-ups</b>")]
    for activity, signup in signups:
        state = (
            t._("confirmed")
            if signup.status == "confirmed"
            else t._("waitlist position {n}").format(n=signup.position)
        )
        lines.append(
            f"<b>#{activity.id}</b> {esc(activity.title)} · {esc(t.when(activity.starts_at))}"
            f" · ×{signup.party} · {state}"
        )
    if not signups:
        lines.append(t._("(none) — see /activities"))
    await reply(update, "\n".join(lines))
