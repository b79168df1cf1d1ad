"""The wheel is what an operator installs: it must carry what the bot reads at run time
(migrations, compiled catalogs) and none of the test tooling (the emulator, api.json).

Built from a copy of this checkout, so that the build neither writes build/ into the checkout
nor picks up a stale build/lib there, and installed alone into a fresh venv that finds the
dependencies through PYTHONPATH (the project venv's site-packages, whose .pth files, and so the
editable `bot`, are not read from there). Offline throughout: --no-index, --no-deps, and no
build isolation (setuptools comes from the project venv's dev extras).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable  # the project venv: pip, setuptools, Babel, the bot's dependencies
LOCALES = ("zh_CN", "en")
MSGID = "I'm here. Send /help to see what I can do in this group."  # the bot's answer to /start
NOT_SOURCE = shutil.ignore_patterns(
    ".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", ".*_cache", ".hypothesis",
    "data", "demo-output", "results",
)  # fmt: skip

# Run inside the fresh venv: where `bot` comes from, one zh_CN message through the installed
# catalogs, and whether the emulator can be imported there.
PROBE = """
import json, sys
from zoneinfo import ZoneInfo
import bot
from bot.core.i18n import Catalogs
try:
    import emulator
    emulator_at = emulator.__file__
except ImportError:
    emulator_at = None
zh = Catalogs("zh_CN", ZoneInfo("Asia/Shanghai")).get("zh_CN")
print(json.dumps({"bot": bot.__file__, "zh": zh._(sys.argv[1]), "emulator": emulator_at}))
"""


def run(*args: str | Path, cwd: Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, f"{args} exited {done.returncode}:\n{done.stdout}{done.stderr}"
    return done.stdout


def compile_catalogs(src: Path) -> None:
    """`make test` compiles the catalogs before pytest; run alone, pytest may find them missing
    or older than their .po, and a wheel built then would ship none or stale ones."""
    locales = src / "bot" / "locales"
    pos = [locales / locale / "LC_MESSAGES" / "messages.po" for locale in LOCALES]
    if any(
        not po.with_suffix(".mo").exists()
        or po.with_suffix(".mo").stat().st_mtime < po.stat().st_mtime
        for po in pos
    ):
        run(Path(PYTHON).parent / "pybabel", "compile", "-d", locales, "-D", "messages", cwd=src)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("wheel")
    src = tmp / "src"
    shutil.copytree(ROOT, src, ignore=NOT_SOURCE)
    compile_catalogs(src)
    dist = tmp / "dist"
    run(PYTHON, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
        "--quiet", "-w", dist, src, cwd=tmp)  # fmt: skip
    (built,) = dist.glob("mulin-*.whl")
    return built


def test_the_wheel_holds_migrations_and_catalogs_and_no_test_tooling(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
    assert [n for n in names if re.fullmatch(r"bot/core/migrations/\d{4}_\w+\.sql", n)]
    for locale in LOCALES:
        assert f"bot/locales/{locale}/LC_MESSAGES/messages.mo" in names, locale
    for template in ("base", "index", "community", "issue", "error"):  # the web board's pages
        assert f"bot/web/templates/{template}.html" in names, template
    assert "bot/web/templates/map.html" in names
    for vendored in ("leaflet.js", "leaflet.css", "LICENSE", "README.md", "images/marker-icon.png"):
        assert f"bot/web/static/leaflet/{vendored}" in names, vendored  # the map page's Leaflet
    assert [n for n in names if n.startswith("emulator/")] == []
    assert [n for n in names if Path(n).name == "api.json"] == []
    assert [n for n in names if n.startswith(("tests/", "bench/"))] == []


def installed_env(**extra: str) -> dict[str, str]:
    """The fresh venv's python sees the project's dependencies but not the checkout's `bot`."""
    inherited = {
        k: v
        for k, v in os.environ.items()
        if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")
        and not k.startswith(("MULIN_", "TELEGRAM_"))
    }
    site_packages = sysconfig.get_paths()["purelib"]
    return {**inherited, "PYTHONPATH": site_packages, **extra}


def test_the_installed_wheel_migrates_and_speaks_without_the_checkout(
    wheel: Path, tmp_path: Path
) -> None:
    venv, work = tmp_path / "venv", tmp_path / "work"
    work.mkdir()
    run(PYTHON, "-m", "venv", "--without-pip", venv, cwd=tmp_path)
    python = venv / "bin" / "python"
    run(PYTHON, "-m", "pip", "--python", python, "install", "--no-deps", "--no-index",
        "--quiet", wheel, cwd=tmp_path)  # fmt: skip

    db = tmp_path / "fresh.sqlite3"
    out = run(python, "-m", "bot", "migrate", cwd=work, env=installed_env(MULIN_DB=str(db)))
    with zipfile.ZipFile(wheel) as archive:
        versions = [int(Path(n).name[:4]) for n in archive.namelist() if n.endswith(".sql")]
    assert f"{db}: schema version 0 → {max(versions)}" in out, out

    probe = json.loads(run(python, "-c", PROBE, MSGID, cwd=work, env=installed_env()))
    assert Path(probe["bot"]).resolve().is_relative_to(venv.resolve()), probe["bot"]
    assert probe["emulator"] is None, f"the emulator is importable: {probe['emulator']}"
    with (ROOT / "bot/locales/zh_CN/LC_MESSAGES/messages.po").open("rb") as f:
        expected = read_po(f, locale="zh_CN")[MSGID].string
    assert expected and expected != MSGID
    assert probe["zh"] == expected
