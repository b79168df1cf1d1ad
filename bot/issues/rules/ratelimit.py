"""SPEC: /report and /urgent together, at most 5 per user in any 60 minutes.

A sliding window over the user's own report times, so that the refusal can say exactly when
reporting is possible again. A report leaves the window exactly `window` after it was made.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from bot.core.aware import require_aware

LIMIT = 5
WINDOW = timedelta(minutes=60)


def next_allowed(
    previous: Sequence[datetime],
    now: datetime,
    limit: int = LIMIT,
    window: timedelta = WINDOW,
) -> datetime | None:
    """None when one more report is allowed at `now`; otherwise the first moment it will be.

    `previous` may be in any order and may include reports long gone from the window.
    """
    if limit < 1:
        raise ValueError("limit must be at least 1")
    if window <= timedelta(0):
        raise ValueError("window must be positive")
    require_aware(now, *previous)
    recent = sorted(moment for moment in previous if now - moment < window)
    if len(recent) < limit:
        return None
    # Once the limit-th most recent report leaves, limit - 1 remain and one more fits.
    return recent[-limit] + window
