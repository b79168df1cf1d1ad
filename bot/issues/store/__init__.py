"""The issues' SQL: plain functions of a `sqlite3.Connection`, run inside the transaction of the
service's use case (bot/issues/service), returning dataclasses; no text for people, no outbox.

records: what is read and returned; writes: raising and changing issues; reads: boards, /my,
prompts and follow-up days; followup: the daily job's reads and writes.
"""

from __future__ import annotations

from bot.issues.store.records import (
    ACTIVE_STATES,
    SUMMARY_COLUMNS,
    HistoryEntry,
    Issue,
    IssueEvent,
    IssueSummary,
    NewIssue,
    Scope,
    load_issue,
    summaries,
    summary_row,
)

__all__ = [
    "ACTIVE_STATES",
    "SUMMARY_COLUMNS",
    "HistoryEntry",
    "Issue",
    "IssueEvent",
    "IssueSummary",
    "NewIssue",
    "Scope",
    "load_issue",
    "summaries",
    "summary_row",
]
