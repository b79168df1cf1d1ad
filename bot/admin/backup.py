"""`python -m bot backup <file>`: an online, consistent copy of the database.

SQLite's backup API copies page by page while the bot keeps writing (WAL mode lets readers and
one writer work side by side); the copy is checked with integrity_check before it is kept.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path


class BackupError(Exception):
    pass


def backup(source: Path, target: Path) -> int:
    """Copy `source` to `target`; returns the copy's size in bytes."""
    if not source.exists():
        raise BackupError(f"no database at {source} (MULIN_DB)")
    if target.resolve() == source.resolve():
        raise BackupError("the backup must go to another file")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(partial)
    try:
        src.backup(dst, pages=1024)
        dst.execute("PRAGMA journal_mode=DELETE")  # a single self-contained file
        (result,) = dst.execute("PRAGMA integrity_check").fetchone()
        if result != "ok":
            raise BackupError(f"the copy failed its integrity check: {result}")
    finally:
        dst.close()
        src.close()
    partial.replace(target)
    return target.stat().st_size
