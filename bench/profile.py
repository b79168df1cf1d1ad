"""Sampling a bot process with py-spy (`pip install py-spy`) and reading the samples.

`attach` starts `py-spy record --format raw` on a running pid (collapsed stacks: one line per
distinct stack, `frame;frame;… count`, a frame being `function (file:line)`); `hotspots`
turns such a file into the tables a reader wants: where the CPU is spent (the leaf frame),
which of the bot's own functions cost most (inclusive), and the share of each layer.
"""

from __future__ import annotations

import asyncio
import re
import shutil
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from .procs import REPO, Child, spawn

FRAME = re.compile(r"^(?P<func>.*) \((?P<file>.*?)(?::(?P<line>\d+))?\)$")
LAYERS = (  # first match wins, checked from the leaf up
    ("aiosqlite / sqlite3 (hand-off, queries)", ("sqlite3", "aiosqlite")),
    ("bot/ (Mulin's code)", ("bot/",)),
    ("PTB", ("telegram/",)),
    ("httpx / httpcore / h11", ("httpx/", "httpcore/", "h11/", "anyio/", "sniffio/")),
    ("json", ("json/",)),
    ("logging", ("logging/",)),
    ("asyncio / selectors / ssl", ("asyncio/", "selectors.py", "socket.py")),
)


@dataclass
class Spy:
    child: Child

    async def stop(self) -> None:
        """py-spy writes its file when interrupted."""
        await self.child.stop(grace=30)


def py_spy() -> str | None:
    beside = Path(sys.executable).parent / "py-spy"
    return str(beside) if beside.exists() else shutil.which("py-spy")


async def attach(pid: int, output: Path, workdir: Path, rate: int = 200) -> Spy | None:
    exe = py_spy()
    if exe is None:
        print("(no py-spy: `.venv/bin/pip install py-spy` to profile)", flush=True)
        return None
    child = await spawn(
        "py-spy",
        [
            exe,
            "record",
            "--pid",
            str(pid),
            "--rate",
            str(rate),
            "--format",
            "raw",
            "--nonblocking",
            "--output",
            str(output),
        ],
        workdir / "py-spy.log",
    )
    await asyncio.sleep(1.0)  # attaching takes a moment
    if not child.alive:
        print(f"(py-spy could not attach: {child.log_tail(5)})", flush=True)
        return None
    return Spy(child)


def short(path: str) -> str:
    for marker in ("site-packages/", "/lib/python3.11/"):
        if marker in path:
            return path.split(marker, 1)[1]
    root = str(REPO) + "/"
    return path[len(root) :] if path.startswith(root) else path


def parse(path: Path) -> list[tuple[list[tuple[str, str, int]], int]]:
    """[(frames root → leaf as (function, short file, line)), samples]"""
    stacks = []
    for raw in path.read_text(errors="replace").splitlines():
        body, _, count = raw.rpartition(" ")
        if not body or not count.isdigit():
            continue
        frames = []
        for frame in body.split(";"):
            match = FRAME.match(frame.strip())
            if match is None:
                frames.append((frame.strip(), "?", 0))
                continue
            frames.append((match["func"], short(match["file"]), int(match["line"] or 0)))
        stacks.append((frames, int(count)))
    return stacks


def layer_of(frames: list[tuple[str, str, int]]) -> str:
    for func, file, _ in reversed(frames):
        where = f"{file}:{func}"
        for name, markers in LAYERS:
            if any(m in where for m in markers):
                return name
    return "other (Python runtime)"


Stack = tuple[list[tuple[str, str, int]], int]

# Leaf frames where a thread waits rather than works: the event loop's epoll, aiosqlite's
# worker waiting for the next call.
IDLE = (
    ("selectors.py", "EpollSelector.select"),
    ("aiosqlite/core.py", "_connection_worker_thread"),
)


def is_idle(frames: list[tuple[str, str, int]]) -> bool:
    func, file, _ = frames[-1]
    return (file, func) in IDLE


def on_worker_thread(frames: list[tuple[str, str, int]]) -> bool:
    return any(func == "Thread._bootstrap" for func, _, _ in frames)


def hotspots(path: Path, top: int = 12) -> str:
    """The samples split by thread (the event loop; aiosqlite's worker), idle samples left out."""
    stacks = [s for s in parse(path) if not is_idle(s[0])]
    total = sum(n for _, n in stacks)
    if not total:
        return f"profile {path}: no busy samples"
    lines = [f"profile of Mulin's window: {total} busy samples ({path}); shares are of the busy"]
    for name, part in (
        ("event-loop thread", [s for s in stacks if not on_worker_thread(s[0])]),
        ("sqlite worker thread (aiosqlite)", [s for s in stacks if on_worker_thread(s[0])]),
    ):
        busy = sum(n for _, n in part)
        if not busy:
            continue
        leaf: Counter[str] = Counter()
        mine: Counter[str] = Counter()
        layers: Counter[str] = Counter()
        for frames, n in part:
            func, file, line = frames[-1]
            leaf[f"{file}:{line} {func}"] += n
            layers[layer_of(frames)] += n
            seen = set()
            for func, file, _ in frames:
                if file.startswith("bot/") and func not in ("main", "<module>"):
                    key = f"{file} {func}"
                    if key not in seen:
                        seen.add(key)
                        mine[key] += n
        lines += ["", f"{name}: {busy / total:.0%} of busy samples"]
        lines += ["  by layer (leaf-most recognised frame)"]
        lines += [f"    {n / busy:6.1%}  {layer}" for layer, n in layers.most_common()]
        lines += [f"  top {top} leaf frames (self time)"]
        lines += [f"    {n / busy:6.1%}  {where}" for where, n in leaf.most_common(top)]
        lines += [f"  top {top} of the bot's functions (inclusive)"]
        lines += [f"    {n / busy:6.1%}  {where}" for where, n in mine.most_common(top)]
    return "\n".join(lines)


if __name__ == "__main__":
    print(hotspots(Path(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 12))
