"""The demo's vote scene (大事大议): 陈书记 asks the groups of 西安村 what colour the fences should
be repainted (围栏刷漆); residents press in two groups, one changes her mind, the cards show the
counts (never who voted what), and at the close the result is posted under every card.

Wired into emulator/demo.py's SCENES after the activities (which register the 第9 and 第10
grid groups); played alone after scene_setup, it registers a second group itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from typing import TYPE_CHECKING

from bot.votes.jobs import run_vote_close
from emulator import Chat

if TYPE_CHECKING:
    from emulator.demo import Director

FENCES = "/vote 海景湾围栏刷漆，选什么颜色？ | 墨绿色 | 浅灰色 | 米白色 | 3"


async def _two_groups(d: Director) -> list[Chat]:
    """The first two grid groups of the demo (a second one registered if there is none)."""
    groups = [c for c in d.chats.values() if c.type != "private"]
    if len(groups) < 2:
        second = await d.new_group("海景湾三期 · 第9网格群", "admin")
        await d.say("admin", second, "/setup 西安村 第9网格")
        groups.append(second)
    return groups[:2]


async def _catch_up(d: Director) -> None:
    """The cards change at most once in 10 s (MULIN_CARD_EDIT_SECONDS): wait for them."""
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(d.app.bot_data.outbox.drained(), 20)
    await d.settle()


async def scene_votes(d: Director) -> None:
    """Votes: the fences' colour is put to the vote in every group of 西安村 and closed."""
    first, second = await _two_groups(d)
    d.scene("大事大议 · 围栏刷漆投票  Scene · a vote on repainting the fences")
    await d.say("chen", first, FENCES)
    card_first, card_second = d.last(first), d.last(second)
    found = re.match(r"🗳 P(\d+) ", card_first.text or "")
    assert found, card_first.text
    await d.press("amei", card_first, "墨绿色")
    await d.press("bo", card_second, "浅灰色")
    await d.press("tom", card_first, "米白色")
    neighbours = [d.emu.add_user(f"邻居{i}") for i in range(9)]
    d.out("(9 more neighbours press in the two groups)")
    d.printing = False
    for i, neighbour in enumerate(neighbours):
        card = (card_first, card_second)[i % 2]
        await d.emu.press(neighbour, card, ("墨绿色", "浅灰色", "墨绿色")[i % 3])
    await d.settle()
    d.printing = True
    d.out("(阿美 changes her mind: one vote per person, changeable until the close)")
    await d.press("amei", card_second, "浅灰色")
    await d.press("amei", card_first, "浅灰色")  # the same again: nothing changes
    await d.say("bo", d.chats[d.people["bo"].id], "/votes 西安村")
    await _catch_up(d)

    services = d.app.bot_data
    vote = await services.votes.get(int(found.group(1)))
    assert vote is not None
    d.out(
        f"(three days later, {vote.closes_at.astimezone(d.tz):%Y-%m-%d %H:%M}: the job closes it)"
    )
    await run_vote_close(services, vote.closes_at)
    await _catch_up(d)
    await d.press("bo", d.with_button(d.chats[d.people["bo"].id], "墨绿色"), "墨绿色")
