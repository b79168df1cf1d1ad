"""The throughput benchmark's set-up, made once a mix with Mulin, and `drive`, which feeds a bot
updates and waits for their answers (the broadcast benchmark uses it too).

Set-up: the cast's users and groups made on the emulator, the groups registered with /setup
(each to its grid: one a group, or several groups a grid), the private residents' /start,
`cards_per_group` issue cards raised in each group of community A, and, when the cast has
groups in community B, an activity published there. The database it leaves is copied for every
Mulin window (`copy_db`), so each starts from the same state.
"""

from __future__ import annotations

import asyncio
import re
import shutil
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .matching import Matcher
from .procs import SUPERADMIN_ID, BenchError, Child, EmuClient, start_mulin
from .workload import ACTIVITY, PUBLISH, SIGN_UP, Board, Cast, report_texts

CARD_NUMBER = re.compile(r"^#(\d+)")


async def drive(
    client: EmuClient,
    child: Child,
    actions: Sequence[Sequence[Any]],
    what: str,
    within: float = 120.0,
    poll: float = 0.1,
    rate: float | None = None,
) -> Matcher:
    """Queue `actions` at once (or `rate` a second); return when each got its answer."""
    mark = await client.mark()
    queued = await client.enqueue(actions, rate)
    matcher = Matcher(actions, queued)
    await client.sync()
    matcher.feed(client.log[mark:])
    deadline = time.monotonic() + within
    while not matcher.complete:
        if time.monotonic() > deadline:
            raise BenchError(
                f"{what}: {len(actions) - matcher.done} of {len(actions)} updates "
                f"unanswered after {within:.0f} s"
            )
        child.check()
        await asyncio.sleep(poll)
        matcher.feed(await client.sync())
    return matcher


async def set_up(
    client: EmuClient, api_url: str, workdir: Path, db: Path, cast: Cast, counts: dict[str, int]
) -> tuple[list[int], Board, list[str]]:
    """Everything before the windows, with Mulin; returns A's groups, the cards and the texts
    of the window's reports (with text and with photos)."""
    await client.users(cast.users(counts))
    titles = cast.group_titles()
    ids = await client.groups([(title, SUPERADMIN_ID) for title, _, _ in titles])
    groups_a, groups_b = ids[: cast.groups_a], ids[cast.groups_a :]
    since = await client.mark()
    mulin = await start_mulin(api_url, db, workdir)
    try:
        await client.wait_polling(mulin, since)
        await client.wait_idle(quiet=0.5)
        setup = [
            ["send", SUPERADMIN_ID, chat, f"/setup {community} {grid}"]
            for chat, (_, community, grid) in zip(ids, titles, strict=True)
        ]
        await drive(client, mulin, setup, "set-up: /setup")
        residents = cast.users(counts)[1 : 1 + cast.private]
        await drive(
            client, mulin, [["send", u, u, "/start"] for u, _, _ in residents], "set-up: /start"
        )
        first = cast.groups_a * cast.cards_per_group
        texts = report_texts(cast.rng, first + counts["report"] + counts["report_photos"])
        raised = [
            ["send", SUPERADMIN_ID, groups_a[i % cast.groups_a], f"/report {text}"]
            for i, text in enumerate(texts[:first])
        ]
        await drive(client, mulin, raised, "set-up: issue cards")
        activity_cards = await publish(client, mulin, groups_b, cast) if groups_b else {}
        await client.wait_idle(quiet=1.0)
        issue_cards = {chat: await issue_cards_in(client, chat, cast) for chat in groups_a}
    finally:
        await mulin.stop()
    return groups_a, Board(issue_cards, activity_cards), texts[first:]


async def publish(
    client: EmuClient, mulin: Child, groups_b: Sequence[int], cast: Cast
) -> dict[int, tuple[int, list[str]]]:
    """The activity, created in B's first group and published to all of B: its cards."""
    new = ["send", SUPERADMIN_ID, groups_b[0], ACTIVITY.format(capacity=cast.capacity)]
    await drive(client, mulin, [new], "set-up: /newactivity")
    preview = await client.bot_messages(groups_b[0])
    button = next(
        (m, data)
        for m, _, buttons, _ in reversed(preview)
        for label, data in buttons
        if label == PUBLISH
    )
    await drive(client, mulin, [["press", SUPERADMIN_ID, groups_b[0], *button]], "set-up: publish")
    return await wait_cards(client, mulin, groups_b)


async def issue_cards_in(client: EmuClient, chat: int, cast: Cast) -> list[tuple[int, str, int]]:
    """The set-up's issue cards in a group of A: (message id, "me too" data, issue number)."""
    cards = []
    for message_id, text, buttons, _ in await client.bot_messages(chat):
        number = CARD_NUMBER.match(text)
        follow = [data for _, data in buttons if data.startswith("iss:follow:")]
        if number and follow:
            cards.append((message_id, follow[0], int(number.group(1))))
    if len(cards) != cast.cards_per_group:
        raise BenchError(f"group {chat} shows {len(cards)} issue cards after set-up")
    return cards


async def wait_cards(
    client: EmuClient, mulin: Child, groups: Sequence[int], within: float = 60.0
) -> dict[int, tuple[int, list[str]]]:
    """The published activity's card in each group: (message id, sign-up data by party)."""
    deadline = time.monotonic() + within
    while True:
        found: dict[int, tuple[int, list[str]]] = {}
        for chat in groups:
            for message_id, _, buttons, _ in await client.bot_messages(chat):
                by_label = dict(buttons)
                if all(label in by_label for label in SIGN_UP):
                    found[chat] = (message_id, [by_label[label] for label in SIGN_UP])
        if len(found) == len(groups):
            return found
        if time.monotonic() > deadline:
            raise BenchError(f"the activity card reached {len(found)} of {len(groups)} groups")
        mulin.check()
        await asyncio.sleep(0.2)


def copy_db(source: Path, target: Path) -> None:
    """A SQLite database with its WAL files, as a closed connection left them."""
    for suffix in ("", "-wal", "-shm"):
        file = Path(f"{source}{suffix}")
        if file.exists():
            shutil.copyfile(file, f"{target}{suffix}")
