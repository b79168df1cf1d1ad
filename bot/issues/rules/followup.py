"""SPEC's follow-up arithmetic for the daily jobs, so that nothing is forgotten.

Days are counted as whole 24-hour spans since the last change, not calendar days: an issue
raised at 08:59 is not a day old at 09:00. Each threshold is reached at the exact instant,
so the job never waits an extra day because of a rounding boundary.
"""

from __future__ import annotations

from dataclasses import dataclass
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


@dataclass(frozen=True)
class Candidates:
    """What the daily follow-up looks at, as read from the database in one go."""

    last_run: str | None  # the local day it last ran, ISO
    slas: dict[int, tuple[int, int]]  # community → (remind days, escalate days)
    open_issues: list[tuple[int, int, str]]  # id, community, updated_at as stored
    asked: list[tuple[int, str]]  # resolved issues whose reporter was asked "Fixed?": id, when


@dataclass(frozen=True)
class Plan:
    """What the follow-up will do, each change tied to the issue's state as it was read."""

    escalate: list[tuple[int, str, int]]  # issue, its updated_at as read, escalate days
    overdue: dict[int, list[tuple[int, str]]]  # community → (issue, updated_at as read)
    fixed: list[int]


def days_of(found: Candidates, community_id: int) -> tuple[int, int]:
    return found.slas.get(community_id, (DEFAULT_REMIND_DAYS, DEFAULT_ESCALATE_DAYS))


def plan(found: Candidates, now: datetime) -> Plan:
    """The follow-up rules applied to what was read: escalate, remind, count silence as fixed."""
    planned = Plan([], {}, [])
    for issue_id, community_id, updated in found.open_issues:
        remind_days, escalate_days = days_of(found, community_id)
        changed = datetime.fromisoformat(updated)
        if should_auto_escalate(changed, now, escalate_days):
            planned.escalate.append((issue_id, updated, escalate_days))
        elif overdue_since(changed, now, remind_days):
            planned.overdue.setdefault(community_id, []).append((issue_id, updated))
    for issue_id, resolved in found.asked:
        if fixed_by_silence(datetime.fromisoformat(resolved), now):
            planned.fixed.append(issue_id)
    return planned
