"""The bigram index of near-duplicate reports (SPEC: character-bigram Jaccard ≥ 0.6 with an open
or escalated issue of the same grid), kept in memory beside the database connection: a report
asks it for the issues sharing enough of its bigrams (Jaccard ≥ t needs at least t·|A| shared)
instead of reading and re-tokenising the grid's whole backlog.

In memory rather than in a table: the index is derived from the issues' texts, and as a table
each report wrote some twenty scattered b-tree pages with it (a third of a report's commit).
A grid is indexed at its first report after a start, from its active issues; new and reopened
issues are added as they are written. The database stays the authority: what the index
proposes is checked against it in the same transaction, so an entry left behind by a
rolled-back change or a resolved issue is dropped, never reported.
"""

from __future__ import annotations

import json
import math
import sqlite3
import sys
from collections import Counter
from dataclasses import dataclass, field

from bot.core.db import derived
from bot.issues.rules.similarity import THRESHOLD, best_by_counts, bigrams
from bot.issues.store.records import ACTIVE_STATES

_KEY = "issues.bigrams"
_ACTIVE = "('open', 'escalated')"
assert set(ACTIVE_STATES) == {"open", "escalated"}


@dataclass
class BigramIndex:
    """Compact on purpose (lists, interned bigrams, counts): 1,400 issues took 8.9 MB as sets
    of sets and 2 MB so. Dropping an entry scans its grid, which only a rolled-back insert or
    an issue found no longer active needs."""

    grids: dict[int, dict[str, list[int]]] = field(default_factory=dict)  # grid → bigram → ids
    sizes: dict[int, tuple[int, int]] = field(default_factory=dict)  # issue → grid, its bigrams

    def add(self, issue_id: int, grid_id: int, grams: frozenset[str]) -> None:
        self.drop(issue_id)  # an id SQLite reuses after a rolled-back insert: its new text
        by_gram = self.grids.setdefault(grid_id, {})
        for gram in grams:
            by_gram.setdefault(sys.intern(gram), []).append(issue_id)
        self.sizes[issue_id] = (grid_id, len(grams))

    def drop(self, issue_id: int) -> None:
        entry = self.sizes.pop(issue_id, None)
        if entry is None:
            return
        by_gram = self.grids.get(entry[0], {})
        for gram in [g for g, ids in by_gram.items() if issue_id in ids]:
            ids = [i for i in by_gram[gram] if i != issue_id]
            if ids:
                by_gram[gram] = ids
            else:
                del by_gram[gram]

    def shared(self, grid_id: int, mine: frozenset[str], needed: int) -> dict[int, int]:
        """Issue id → bigrams shared with `mine`, for those sharing at least `needed`."""
        by_gram = self.grids.get(grid_id, {})
        counts: Counter[int] = Counter()
        for gram in mine:
            counts.update(by_gram.get(gram, ()))
        return {issue_id: n for issue_id, n in counts.items() if n >= needed}


def _index(conn: sqlite3.Connection) -> BigramIndex:
    """The connection's index (a bare connection, e.g. a tool's, gets a fresh one each time)."""
    found = derived(conn).setdefault(_KEY, BigramIndex())
    assert isinstance(found, BigramIndex)
    return found


def _loaded(conn: sqlite3.Connection, grid_id: int) -> BigramIndex:
    index = _index(conn)
    if grid_id not in index.grids:
        index.grids[grid_id] = {}
        rows = conn.execute(
            f"SELECT id, text FROM issues WHERE grid_id = ? AND state IN {_ACTIVE}", (grid_id,)
        ).fetchall()
        for issue_id, text in rows:
            index.add(int(issue_id), grid_id, bigrams(text))
    return index


def index(conn: sqlite3.Connection, issue_id: int, grid_id: int, text: str) -> None:
    """A new or reopened issue (a grid not indexed yet reads it from the database later)."""
    found = _index(conn)
    if grid_id in found.grids:
        found.add(issue_id, grid_id, bigrams(text))


def follow_state(
    conn: sqlite3.Connection, issue_id: int, grid_id: int, text: str, before: str, after: str
) -> None:
    """A change of state: back in the index when it becomes active again. A resolved issue's
    entry stays until a report finds it and the database says it is no longer active."""
    if before not in ACTIVE_STATES and after in ACTIVE_STATES:
        index(conn, issue_id, grid_id, text)


def near_duplicate(conn: sqlite3.Connection, grid_id: int, text: str) -> int | None:
    """The active issue of the grid whose text is most like this one, if one is alike enough."""
    mine = bigrams(text)
    if not mine:
        return None
    found = _loaded(conn, grid_id)
    shared = found.shared(grid_id, mine, math.ceil(THRESHOLD * len(mine) - 1e-9))
    if not shared:
        return None
    active = {
        int(r[0])
        for r in conn.execute(
            "SELECT id FROM issues WHERE id IN (SELECT value FROM json_each(?))"
            f" AND grid_id = ? AND state IN {_ACTIVE}",
            (json.dumps(list(shared)), grid_id),
        )
    }
    for gone in set(shared) - active:
        found.drop(gone)
    best = best_by_counts(len(mine), [(i, shared[i], found.sizes[i][1]) for i in sorted(active)])
    return best[0] if best is not None else None
