"""SPEC's follow-up arithmetic for the daily jobs, so that nothing is forgotten.

Days are counted as whole 24-hour spans since the last change, not calendar days: an issue
raised at 08:59 is not a day old at 09:00. Each threshold is reached at the exact instant,
so the job never waits an extra day because of a rounding boundary.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.core.aware import require_aware

DEFAULT_REMIND_DAYS = 7
DEFAULT_ESCALATE_DAYS = 14
FIXED_BY_SILENCE_DAYS = 7
SLA_MIN_DAYS = 1
SLA_MAX_DAYS = 90


def _elapsed(since: datetime, now: datetime, days: int) -> bool:
    require_aware(since, now)
    return now - since >= timedelta(days=days)


def overdue_since(last_change: datetime, now: datetime, remind_days: int) -> bool:
    """An open issue with no change for remind_days × 24 hours: property staff get reminded."""
    return _elapsed(last_change, now, remind_days)


def should_auto_escalate(last_change: datetime, now: datetime, escalate_days: int) -> bool:
    """An open issue with no change for escalate_days × 24 hours goes to 物业说 by itself."""
    return _elapsed(last_change, now, escalate_days)


def fixed_by_silence(
    resolved_at: datetime, now: datetime, days: int = FIXED_BY_SILENCE_DAYS
) -> bool:
    """The reporter did not answer "Fixed?" for `days`: it counts as fixed."""
    return _elapsed(resolved_at, now, days)


def validate_sla(remind_days: int, escalate_days: int) -> str | None:
    """The /setsla error key: "range" (either outside 1..90, checked first), "order"
    (escalating no later than reminding would make the reminder pointless), or None."""
    for days in (remind_days, escalate_days):
        if not SLA_MIN_DAYS <= days <= SLA_MAX_DAYS:
            return "range"
    if escalate_days <= remind_days:
        return "order"
    return None
