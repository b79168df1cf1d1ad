"""The menu's buttons and the registration event: features hook in without importing each other."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from bot.core import events
from bot.core.menu_buttons import menu_button, register_menu_button


def app() -> Any:
    return SimpleNamespace(bot_data=SimpleNamespace())


async def answer(update: Any, context: Any) -> None:
    return None


def test_a_button_is_answered_by_who_registered_it() -> None:
    one, other = app(), app()
    register_menu_button(one, "contacts", answer)
    assert menu_button(one.bot_data, "contacts") is answer
    assert menu_button(other.bot_data, "contacts") is None  # each application its own
    assert menu_button(one.bot_data, "nothing") is None
    assert menu_button(one.bot_data, None) is None
    with pytest.raises(ValueError, match="twice"):
        register_menu_button(one, "contacts", answer)


async def test_every_subscriber_hears_of_a_new_community() -> None:
    heard: list[int] = []

    async def failing(application: Any, community_id: int) -> None:
        raise RuntimeError("boom")

    async def listening(application: Any, community_id: int) -> None:
        heard.append(community_id)

    one = app()
    await events.registered(one, 1)  # nobody listens: nothing happens
    events.on_registered(one, failing)
    events.on_registered(one, listening)
    await events.registered(one, 7)
    assert heard == [7]
