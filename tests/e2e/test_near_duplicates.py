"""Near-duplicate reports through the bigram index (issue 16): an issue is matched while open or
escalated, not once resolved, again once reopened; after a restart the index is built again."""

from __future__ import annotations

from emulator import Message
from tests.conftest import World
from tests.e2e.test_issues import grid8

TEXT = "3号楼门口路灯不亮，晚上很黑"
ALIKE = "3号楼门口的路灯不亮了，晚上很黑"


def suggests(answer: list[Message], n: int) -> bool:
    return any(m.labels() == [f"🙋 关注 #{n}", "📝 仍然提交"] for m in answer)


def is_card(answer: list[Message], n: int) -> bool:
    return any((m.text or "").startswith(f"#{n} ") for m in answer)


async def test_only_active_issues_are_matched(world: World) -> None:
    g = await grid8(world)
    assert is_card(await world.say(g.amei, g.group, f"/report {TEXT}"), 1)
    assert suggests(await world.say(g.bo, g.group, f"/report {ALIKE}"), 1)
    await world.say(g.lin, g.group, "/escalate 1")
    assert suggests(await world.say(g.bo, g.group, f"/report {ALIKE}"), 1)  # escalated: active
    await world.say(g.lin, g.group, "/close 1 已更换灯泡")
    assert is_card(await world.say(g.bo, g.group, f"/report {ALIKE}"), 2)  # resolved: out
    await world.say(g.lin, g.group, "/close 2 已更换灯泡")
    await world.say(g.lin, g.group, "/reopen 1 又不亮了")
    assert suggests(await world.say(g.chen, g.group, f"/report {ALIKE}"), 1)  # back in


async def test_the_index_is_built_again_after_a_restart(world: World) -> None:
    g = await grid8(world)
    await world.say(g.amei, g.group, f"/report {TEXT}")
    await world.restart_bot()  # the index lives in memory: the grid is read again
    assert suggests(await world.say(g.bo, g.group, f"/report {ALIKE}"), 1)
