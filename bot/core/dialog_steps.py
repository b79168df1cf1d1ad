"""What the guided dialogs (report, activity, visit, objection) share besides their endings
(dialog_ends.py): the shape of the conversation itself — every step takes Cancel, 30 minutes
without an answer end it, the step and the draft are persisted — and the "For which
community?" step: the activity and visit dialogs offer the communities a person may act in as
buttons; the pressed one must still exist and the person still hold the right there (roles
change while a dialog waits), else the button is answered as stale and the dialog stays.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Coroutine, Sequence
from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, ConversationHandler, MessageHandler, filters
from telegram.warnings import PTBUserWarning

from bot.context import CustomContext, ids
from bot.core import callbacks as keyboards
from bot.core.dialog_ends import Timeout
from bot.core.roles import Action

Step = Callable[[Update, CustomContext], Coroutine[Any, Any, int]]
Handlers = Sequence[BaseHandler[Update, CustomContext, Any]]
TIMEOUT_SECONDS = 30 * 60  # SPEC: a guided dialog ends after 30 minutes without an answer


def guided_dialog(
    name: str,
    entry_points: Handlers,
    steps: dict[object, Handlers],
    *,
    cancel: Handlers,
    on_timeout: Timeout,
    stray: Handlers = (),
) -> ConversationHandler[CustomContext]:
    """A guided dialog named `name` (its key in the persisted conversations): each step's
    handlers after `cancel`; `cancel` and then `stray` as fallbacks; on_timeout after 30
    minutes without an answer; started again by any entry point."""
    states: dict[object, list[BaseHandler[Update, CustomContext, Any]]] = {
        step: [*cancel, *handlers] for step, handlers in steps.items()
    }
    states[ConversationHandler.TIMEOUT] = [MessageHandler(filters.ALL, on_timeout)]
    with warnings.catch_warnings():
        # per_message=False is meant: the dialog follows the person, whichever message they press
        warnings.simplefilter("ignore", PTBUserWarning)
        return ConversationHandler(
            entry_points=list(entry_points),
            states=states,
            fallbacks=[*cancel, *stray],
            conversation_timeout=TIMEOUT_SECONDS,
            name=name,
            persistent=True,  # the step and the draft survive a restart (bot/core/dialogs.py)
            allow_reentry=True,
        )


def community_step(draft_key: str, action: Action, state: int, then: Step) -> Step:
    """The step for a community button (data `<prefix>:c:<id>`): kept in the draft
    user_data[draft_key] as `community_id`, then `then`; a stale button stays at `state`."""

    async def on_community(update: Update, context: CustomContext) -> int:
        query = update.callback_query
        assert query is not None
        data = keyboards.decode(query.data)
        community_id = data.number(1) if data else None
        _, user_id = ids(update)
        if (
            community_id is None
            or context.registry.community(community_id) is None
            or not context.actor(user_id, community_id).may(action)
        ):
            await query.answer(context.ut._("This button is no longer valid."))
            return state
        await query.answer()
        assert context.user_data is not None
        context.user_data.setdefault(draft_key, {})["community_id"] = community_id
        return await then(update, context)

    return on_community
