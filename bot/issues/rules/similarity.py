"""Near-duplicate reports (SPEC: character-bigram Jaccard similarity >= 0.6).

Character bigrams rather than words because Chinese has no spaces; normalising first means
"3号楼的路灯不亮了！" and "3号楼路灯不亮了" differ only by the one character that matters.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Set
from functools import lru_cache

THRESHOLD = 0.6

# Unicode general categories that carry no meaning for matching: punctuation (P*), symbols
# and emoji (S*), separators (Z*), controls and format characters such as the emoji
# zero-width joiner (C*), and enclosing marks such as the keycap in "3️⃣" (Me).
_DROPPED_CATEGORIES = ("P", "S", "Z", "C", "Me")


def _kept(char: str) -> bool:
    if 0xFE00 <= ord(char) <= 0xFE0F or 0xE0100 <= ord(char) <= 0xE01EF:
        return False  # variation selectors: emoji presentation, not content
    return not unicodedata.category(char).startswith(_DROPPED_CATEGORIES)


def normalize(text: str) -> str:
    """NFKC first, so that full-width "ＡＢＣ１２３" matches "abc123"; case-folded, which can
    decompose again, hence NFKC once more; and NFC last, because dropping a punctuation mark
    can leave a letter next to a combining mark that now composes with it."""
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())
    return unicodedata.normalize("NFC", "".join(char for char in folded if _kept(char)))


@lru_cache(maxsize=256)
def bigrams(text: str) -> frozenset[str]:
    """A one-character text is its own single "bigram", so that it still matches itself;
    a text with nothing left after normalising has none and matches nothing. (A report asks
    twice: for its near-duplicates, then to be indexed: the second time is free.)"""
    norm = normalize(text)
    if len(norm) == 1:
        return frozenset({norm})
    return frozenset(norm[i : i + 2] for i in range(len(norm) - 1))


def jaccard(a: Set[str], b: Set[str]) -> float:
    """|a ∩ b| / |a ∪ b|; two empty sets share nothing, so 0.0 rather than a division error."""
    union = len(a | b)
    return len(a & b) / union if union else 0.0


def similarity(a: str, b: str) -> float:
    return jaccard(bigrams(a), bigrams(b))


def best_match(text: str, candidates: Iterable[tuple[int, str]]) -> tuple[int, float] | None:
    """The (id, score) of the most similar candidate at or above THRESHOLD; ties: lowest id."""
    mine = bigrams(text)
    best: tuple[int, float] | None = None
    for issue_id, other in candidates:
        score = jaccard(mine, bigrams(other))
        if score < THRESHOLD:
            continue
        if best is None or score > best[1] or (score == best[1] and issue_id < best[0]):
            best = (issue_id, score)
    return best


def best_by_counts(mine: int, shared: Iterable[tuple[int, int, int]]) -> tuple[int, float] | None:
    """best_match from an index's counts: (issue id, bigrams shared, the issue's bigram count)
    give |a ∩ b| and |a ∪ b| = |a| + |b| − |a ∩ b| without the texts; the same choice."""
    best: tuple[int, float] | None = None
    for issue_id, common, theirs in shared:
        union = mine + theirs - common
        score = common / union if union else 0.0
        if score < THRESHOLD:
            continue
        if best is None or score > best[1] or (score == best[1] and issue_id < best[0]):
            best = (issue_id, score)
    return best
