"""bot/rules stays pure: it imports nothing else from the bot and touches no clock or file."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

BOT = Path(__file__).resolve().parents[3] / "bot"
MODULES = sorted(
    [*BOT.glob("*/rules.py"), *BOT.glob("*/rules/*.py"), BOT / "core" / "aware.py"],
    key=lambda p: str(p),
)
ALLOWED_STDLIB = {
    "__future__", "ast", "collections", "dataclasses", "datetime", "enum", "re", "typing",
    "unicodedata", "zoneinfo", "calendar",  # time-zone and calendar arithmetic, no clock
}  # fmt: skip


def test_found_the_modules() -> None:
    names = {path.stem for path in MODULES}
    names |= {path.parent.name for path in MODULES if path.stem == "rules"}
    assert {
        "states",
        "similarity",
        "ratelimit",
        "categories",
        "followup",
        "seats",
        "times",
    } <= names
    assert {"meetings", "directory"} <= names


@pytest.mark.parametrize("path", MODULES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_imports(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, "use absolute imports"
            names = [node.module or ""]
        else:
            continue
        for name in names:
            top = name.split(".")[0]
            pure = ".rules" in name or name == "bot.core.aware"
            assert pure or top in ALLOWED_STDLIB, name


@pytest.mark.parametrize("path", MODULES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_no_clock_or_io(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    calls = {
        node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        # datetime.time(9, 0) builds a time of day; only time.time() reads the clock
        and not (isinstance(node.func, ast.Name) and node.func.id == "time")
    }
    assert not calls & {"now", "utcnow", "today", "time", "open", "print", "input"}
