"""`python -m bot …` fails with one clear line and exit status 2 on bad settings."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("MULIN_", "TELEGRAM_"))}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({}, "TELEGRAM_BOT_TOKEN"),
        ({"TELEGRAM_BOT_TOKEN": "1:A", "MULIN_TZ": "Nowhere/Land"}, "MULIN_TZ"),
        ({"TELEGRAM_BOT_TOKEN": "1:A", "MULIN_LOCALE": "xx"}, "MULIN_LOCALE"),
    ],
)
def test_run_refuses_bad_settings_with_one_line(env: dict[str, str], variable: str) -> None:
    result = run(["run"], env)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert variable in lines[0]


def test_migrate_creates_the_schema(tmp_path: Path) -> None:
    db = tmp_path / "m.sqlite3"
    result = run(["migrate"], {"MULIN_DB": str(db)})
    assert result.returncode == 0, result.stderr
    assert "→" in result.stdout
    again = run(["migrate"], {"MULIN_DB": str(db)})
    assert again.returncode == 0


def test_migrate_refuses_a_newer_database(tmp_path: Path) -> None:
    import sqlite3

    db = tmp_path / "new.sqlite3"
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA user_version=999")
    conn.close()
    result = run(["migrate"], {"MULIN_DB": str(db)})
    assert result.returncode == 2
    assert "newer" in result.stderr
