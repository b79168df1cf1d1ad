"""bot/delivery serves every feature and so imports none of them: a feature's cards reach it
through the registry (bot/delivery/cards.py), never by import."""

from __future__ import annotations

import ast
from pathlib import Path

import bot.delivery

FEATURES = ("activities", "admin", "directory", "issues", "meetings", "menu", "stats")


def imported(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module is not None and not node.level:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def test_delivery_imports_no_feature() -> None:
    folder = Path(bot.delivery.__file__).parent
    modules = sorted(folder.glob("*.py"))
    assert modules
    offending = {
        f"{path.name}: {name}"
        for path in modules
        for name in imported(path)
        if any(name == f"bot.{f}" or name.startswith(f"bot.{f}.") for f in FEATURES)
    }
    assert offending == set()
