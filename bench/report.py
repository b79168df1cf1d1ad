"""Small helpers to summarise and print a benchmark's figures."""

from __future__ import annotations

import math
from collections.abc import Sequence


def percentile(values: Sequence[float], p: float) -> float:
    """The nearest-rank p-th percentile (0 < p ≤ 100) of `values`; NaN when there are none."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def table(title: str, rows: Sequence[tuple[str, str] | tuple[str, str, str]]) -> str:
    """An aligned three-column table: label, value (right-aligned) and an optional note."""
    label_width = max((len(row[0]) for row in rows), default=0)
    value_width = max((len(row[1]) for row in rows), default=0)
    lines = [title, "-" * max(len(title), label_width + value_width + 4)]
    for row in rows:
        note = row[2] if len(row) > 2 else ""
        line = f"{row[0]:<{label_width}}  {row[1]:>{value_width}}"
        lines.append(f"{line}  {note}".rstrip())
    return "\n".join(lines)
