"""One guard shared by the time rules: a naive datetime silently shifts every deadline by the
server's UTC offset, so the rules refuse them outright instead."""

from __future__ import annotations

from datetime import datetime


def require_aware(*moments: datetime) -> None:
    """Raise ValueError unless every moment carries a UTC offset."""
    for moment in moments:
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValueError(f"timezone-aware datetime required, got naive {moment!r}")
