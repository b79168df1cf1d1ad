"""The layer rules of DESIGN.md ("Layers"), read from the source: who may import whom.

- `rules` are pure: they import the standard library, other rules and the pure core tables
  (bot.core.roles, bot.core.aware) only, and read no clock and no file;
- a `store` is SQL: no handlers, views, services or delivery;
- `handlers` (and dialogs) never import another feature's handlers, nor any store;
- a feature uses another feature only through that feature's `service` (its `views` may reuse
  another feature's views: how an issue is named is the issues feature's to say);
- `core` and `delivery` import no feature; nothing in `bot/` imports the emulator;
- no import cycle between modules.

The composition root (bot.app, bot.features, bot.context, bot.__main__) wires everything and is
exempt from the feature rules.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BOT = ROOT / "bot"
NOT_FEATURES = {"core", "delivery", "locales"}
# every other package of bot/ is a feature: a new one is checked the day it lands
FEATURES = tuple(
    sorted(
        entry.name
        for entry in BOT.iterdir()
        if (entry / "__init__.py").exists() and entry.name not in NOT_FEATURES
    )
)
COMPOSITION_ROOT = {"bot.app", "bot.features", "bot.context", "bot.__main__"}
PURE_CORE = {"bot.core.roles", "bot.core.aware"}
STDLIB_FOR_RULES = {
    "__future__", "ast", "collections", "dataclasses", "datetime", "enum", "re", "typing",
    "unicodedata", "zoneinfo", "calendar", "math", "functools", "itertools",
}  # fmt: skip
ROOMS = ("handlers", "service", "store", "rules", "views", "jobs")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@cache
def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(BOT.rglob("*.py"))}


def imports_of(path: Path, *, type_checking: bool = True) -> Iterator[str]:
    """Absolute module names imported by the file (`from a import b` yields a.b when a.b is a
    module of ours, else a)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip: set[int] = set()
    if not type_checking:
        for node in ast.walk(tree):
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                skip.update(id(n) for n in ast.walk(node))
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{path}: use absolute imports"
            base = node.module or ""
            for alias in node.names:
                full = f"{base}.{alias.name}"
                yield full if full in modules() else base


def feature_of(name: str) -> str | None:
    parts = name.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "bot" and parts[1] in FEATURES else None


def room_of(name: str) -> str:
    """The room of a feature's module: rules (module or package), store, service, views, jobs;
    every other module of a feature (dialogs, notify, card, charts…) is named by its file."""
    parts = name.split(".")
    return parts[2] if len(parts) > 2 else ""


SERVICE_ROOMS = {"service", "notify", "card"}  # use cases, who is told, a card as it is now


def handler_like(name: str) -> bool:
    return room_of(name) not in {*SERVICE_ROOMS, "store", "rules", "views", "jobs"}


OURS = [name for name in sorted(modules()) if name.startswith("bot")]


def test_the_rooms_exist() -> None:
    for feature in ("issues", "activities", "meetings", "directory", "stats", "admin"):
        assert f"bot.{feature}.handlers" in modules(), feature
    assert {"bot.core.db", "bot.core.roles", "bot.core.scope", "bot.core.commands"} <= set(
        modules()
    )
    assert "bot.delivery.outbox" in modules()


@pytest.mark.parametrize("name", OURS)
def test_nothing_in_the_bot_imports_the_emulator(name: str) -> None:
    for imported in imports_of(modules()[name]):
        assert not imported.startswith(("emulator", "bench", "tests")), imported


RULES = [n for n in OURS if room_of(n) == "rules" or n in PURE_CORE]


@pytest.mark.parametrize("name", RULES)
def test_rules_are_pure(name: str) -> None:
    path = modules()[name]
    for imported in imports_of(path):
        top = imported.split(".")[0]
        pure = imported in PURE_CORE or (
            feature_of(imported) == feature_of(name) and room_of(imported) == "rules"
        )
        assert pure or top in STDLIB_FOR_RULES, f"{name} imports {imported}"
    tree = ast.parse(path.read_text(encoding="utf-8"))
    calls = {
        node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        # datetime.time(9, 0) builds a time of day; only time.time() reads the clock
        and not (isinstance(node.func, ast.Name) and node.func.id == "time")
    }
    assert not calls & {"now", "utcnow", "today", "time", "open", "print", "input"}, name


def test_the_rules_are_found() -> None:
    assert {"bot.issues.rules.states", "bot.activities.rules.seats", "bot.meetings.rules"} <= set(
        RULES
    )


@pytest.mark.parametrize("name", [n for n in OURS if room_of(n) == "store"])
def test_stores_are_sql_only(name: str) -> None:
    for imported in imports_of(modules()[name]):
        assert not imported.startswith(("bot.delivery", "telegram")), f"{name} imports {imported}"
        if feature_of(imported):
            assert room_of(imported) in {"store", "rules"}, f"{name} imports {imported}"


@pytest.mark.parametrize("name", [n for n in OURS if feature_of(n)])
def test_features_meet_only_through_services(name: str) -> None:
    mine = feature_of(name)
    for imported in imports_of(modules()[name]):
        other = feature_of(imported)
        if other is None or other == mine:
            continue
        allowed = room_of(imported) == "service" or (
            room_of(name) == "views" and room_of(imported) == "views"
        )
        assert allowed, f"{name} imports {imported}"


@pytest.mark.parametrize("name", [n for n in OURS if feature_of(n) and handler_like(n)])
def test_handlers_never_reach_a_store(name: str) -> None:
    for imported in imports_of(modules()[name]):
        if feature_of(imported) == feature_of(name):
            assert room_of(imported) != "store", f"{name} imports {imported}"


def runtime_closure(name: str) -> set[str]:
    """Every module of ours that importing `name` loads (imports for type checking only left
    out: they name a type and load nothing)."""
    seen: set[str] = set()
    todo = [name]
    while todo:
        current = todo.pop()
        if current in seen or current not in modules():
            continue
        seen.add(current)
        todo += [i for i in imports_of(modules()[current], type_checking=False) if i in modules()]
    return seen - {name}


@pytest.mark.parametrize(
    "name", [n for n in OURS if n.startswith(("bot.core", "bot.delivery", "bot.config"))]
)
def test_core_and_delivery_import_no_feature(name: str) -> None:
    """Not even through bot.context: loading a core module loads no feature."""
    loaded = runtime_closure(name)
    features = sorted(m for m in loaded if feature_of(m))
    assert not features, f"{name} loads {features}"
    assert not loaded & (COMPOSITION_ROOT - {"bot.context"}), f"{name} loads the composition root"


def test_no_import_cycles() -> None:
    graph = {
        name: {i for i in imports_of(path, type_checking=False) if i in modules()}
        for name, path in modules().items()
    }
    for name in graph:  # a package imports its submodules' names: no edge to itself
        graph[name].discard(name)
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycle = [*stack[stack.index(nxt) :], nxt]
                raise AssertionError("import cycle: " + " → ".join(cycle))
            if nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name)


def test_sizes() -> None:
    """Functions of about 60 lines at most, modules of about 400 (DESIGN "Layout")."""
    long_functions, long_modules = [], []
    for name, path in modules().items():
        text = path.read_text(encoding="utf-8")
        if text.count("\n") > 420:
            long_modules.append(f"{name}: {text.count(chr(10))} lines")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > 65:
                    long_functions.append(f"{name}.{node.name}: {length} lines")
    assert not long_functions, long_functions
    assert not long_modules, long_modules
