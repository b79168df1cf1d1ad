"""The processes of a load benchmark — the emulator, Mulin, the echo bot — and the emulator's
control API as seen from the benchmark's own process.

Each bot runs as `python -m …` in its own process (the interpreter running the benchmark, so
the venv's), with its output in a log file; its peak RSS is the kernel's VmHWM.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import os
import signal
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

REPO = Path(__file__).resolve().parent.parent
TOKEN = "424242:BENCH"
SUPERADMIN_ID = 900001  # in MULIN_ADMINS
PR_SET_PDEATHSIG = 1


class BenchError(RuntimeError):
    """The benchmark could not run as planned (a process died, a step timed out)."""


def status_kb(pid: int, field_name: str) -> int | None:
    """A memory figure from /proc/<pid>/status (VmHWM: peak RSS; VmRSS: now), in KiB."""
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    for line in text.splitlines():
        if line.startswith(field_name + ":"):
            return int(line.split()[1])
    return None


def cpu_seconds(pid: int, tid: int | None = None) -> float | None:
    """User + system CPU time the process (or one of its threads) has used so far."""
    path = f"/proc/{pid}/task/{tid}/stat" if tid is not None else f"/proc/{pid}/stat"
    try:
        fields = Path(path).read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass
class Child:
    name: str
    proc: asyncio.subprocess.Process
    log_path: Path
    started: float = field(default_factory=time.monotonic)

    @property
    def pid(self) -> int:
        return self.proc.pid

    @property
    def alive(self) -> bool:
        return self.proc.returncode is None

    def peak_rss_kb(self) -> int | None:
        return status_kb(self.pid, "VmHWM")

    def cpu_seconds(self) -> float | None:
        return cpu_seconds(self.pid)

    def main_thread_cpu_seconds(self) -> float | None:
        """The main thread's share: the event loop (the rest is sqlite's thread, mostly)."""
        return cpu_seconds(self.pid, self.pid)

    def log_tail(self, lines: int = 30) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def check(self) -> None:
        if not self.alive:
            raise BenchError(
                f"{self.name} (pid {self.pid}) exited with {self.proc.returncode}; "
                f"the end of {self.log_path}:\n{self.log_tail()}"
            )

    async def stop(self, grace: float = 20.0) -> int:
        """SIGINT (PTB's run_polling and the emulator stop cleanly on it), SIGKILL if stuck."""
        if self.alive:
            with contextlib.suppress(ProcessLookupError):
                self.proc.send_signal(signal.SIGINT)
            try:
                await asyncio.wait_for(self.proc.wait(), grace)
            except TimeoutError:
                self.kill()
                await self.proc.wait()
        return self.proc.returncode if self.proc.returncode is not None else -1

    def kill(self) -> None:
        if self.alive:
            with contextlib.suppress(ProcessLookupError):
                self.proc.send_signal(signal.SIGKILL)


def _die_with_parent() -> None:
    """In the child, before exec: SIGTERM when the benchmark dies, so no bot outlives it."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


async def spawn(
    name: str,
    args: Sequence[str],
    log_path: Path,
    env: dict[str, str] | None = None,
    stdout_pipe: bool = False,
) -> Child:
    log = log_path.open("ab")
    try:
        proc = await asyncio.create_subprocess_exec(
            *args,
            cwd=REPO,
            env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})},
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE if stdout_pipe else log,
            stderr=log,
            preexec_fn=_die_with_parent if sys.platform == "linux" else None,
        )
    finally:
        log.close()
    return Child(name, proc, log_path)


async def start_emulator(workdir: Path, rate_limits: bool = False) -> tuple[Child, str]:
    """The emulator in its own process; its API root once it listens."""
    args = [sys.executable, "-m", "bench.emuhost", "--token", TOKEN]
    if rate_limits:
        args.append("--rate-limits")
    child = await spawn("emulator", args, workdir / "emulator.log", stdout_pipe=True)
    assert child.proc.stdout is not None
    try:
        line = await asyncio.wait_for(child.proc.stdout.readline(), 30)
    except TimeoutError:
        child.kill()
        raise BenchError("the emulator did not start within 30 s") from None
    url = line.decode().strip()
    if not url.startswith("http"):
        child.check()
        raise BenchError(f"the emulator printed {url!r} instead of its URL")
    return child, url


async def start_mulin(
    api_url: str,
    db: Path,
    workdir: Path,
    launcher: Sequence[str] = ("-m", "bot", "run"),
    env: dict[str, str] | None = None,
) -> Child:
    """`python -m bot run` against the emulator, on `db`, with the superadmin in MULIN_ADMINS;
    PTB's rate limits as shipped (30/s overall, 20/min a group) unless `env` says otherwise."""
    env = {
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_URL": api_url,
        "MULIN_DB": str(db),
        "MULIN_ADMINS": str(SUPERADMIN_ID),
        "MULIN_RATE_OVERALL": "30",
        "MULIN_RATE_GROUP": "20",
        **(env or {}),
    }
    return await spawn("mulin", [sys.executable, *launcher], workdir / "mulin.log", env)


HOG = "while True: pass"  # one core's worth of CPU, in Python as any busy neighbour would be


async def start_hogs(workdir: Path, count: int) -> list[Child]:
    """`count` busy-loop processes beside the bot (a CPU hog: the machine is not the bot's
    alone); stop them with Child.stop. Their CPU time (Child.cpu_seconds) shows they ran."""
    return [
        await spawn(f"hog{i + 1}", [sys.executable, "-c", HOG], workdir / f"hog{i + 1}.log")
        for i in range(count)
    ]


async def stop_all(children: Sequence[Child]) -> None:
    """Stop each child (SIGINT, then SIGKILL if it hangs), whatever happened before."""
    for child in children:
        await child.stop()


async def start_echo(
    api_url: str, workdir: Path, extra: Sequence[str] = (), module: str = "bench.echo"
) -> Child:
    """The like-for-like echo bot (bench.echo), or another such as bench.bare_echo."""
    args = [sys.executable, "-m", module, "--api-url", api_url, "--token", TOKEN, *extra]
    name = module.rpartition(".")[2]
    return await spawn(name, args, workdir / f"{name}.log")


@dataclass
class LogEntry:
    """One bot request as the emulator logged it."""

    t: float
    method: str
    chat_id: int | None
    message_id: int | None
    reply_to: int | None
    query_id: str | None
    ok: bool | None
    text: str


class EmuClient:
    """The emulator's control routes (/_emulator/ and the bench's /_bench/), and a local copy
    of its time-stamped request log."""

    def __init__(self, api_url: str) -> None:
        self.api_url = api_url
        self._session: aiohttp.ClientSession | None = None
        self.log: list[LogEntry] = []
        self._next = 0

    async def __aenter__(self) -> EmuClient:
        self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=600))
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._session is not None:
            await self._session.close()

    @property
    def session(self) -> aiohttp.ClientSession:
        assert self._session is not None, "use EmuClient as an async context manager"
        return self._session

    async def get(self, path: str, **query: str) -> Any:
        async with self.session.get(f"{self.api_url}{path}", params=query) as response:
            if response.status >= 400:
                raise BenchError(f"GET {path}: {response.status} {await response.text()}")
            return await response.json()

    async def post(self, path: str, body: dict[str, Any]) -> Any:
        async with self.session.post(f"{self.api_url}{path}", json=body) as response:
            if response.status >= 400:
                raise BenchError(f"POST {path}: {response.status} {await response.text()}")
            return await response.json()

    async def users(self, users: Sequence[tuple[int, str, str | None]]) -> None:
        await self.post("/_bench/users", {"users": [list(u) for u in users]})

    async def groups(self, groups: Sequence[tuple[str, int]], bot: str = "update") -> list[int]:
        body = await self.post("/_bench/groups", {"groups": [list(g) for g in groups], "bot": bot})
        return [int(i) for i in body["ids"]]

    async def enqueue(
        self, actions: Sequence[Sequence[Any]], rate: float | None = None
    ) -> list[tuple[float, int, int | str]]:
        """Queue updates; for each: (queued at, update id, reply key)."""
        body = await self.post(
            "/_bench/enqueue", {"actions": [list(a) for a in actions], "rate": rate}
        )
        return [(float(t), int(u), k) for t, u, k in body["queued"]]

    async def sync(self) -> list[LogEntry]:
        """Fetch the requests logged since the last sync; returns the new ones."""
        body = await self.get("/_bench/log", since=str(self._next))
        new = [LogEntry(*entry) for entry in body["entries"]]
        self._next = int(body["next"])
        self.log.extend(new)
        return new

    async def resync(self) -> None:
        """Fetch the whole log again (fills in `ok` for requests that were in flight)."""
        self.log.clear()
        self._next = 0
        await self.sync()

    async def errors(self) -> list[tuple[str, int, int | None, str]]:
        body = await self.get("/_bench/errors")
        return [(str(m), int(s), c, str(d)) for m, s, c, d in body["errors"]]

    async def bot_messages(self, chat_id: int) -> list[tuple[int, str, list[tuple[str, str]], Any]]:
        body = await self.get("/_bench/bot_messages", chat_id=str(chat_id))
        return [(int(m), str(t), [(b[0], b[1]) for b in buttons], r) for m, t, buttons, r in body]

    async def count(self, contains: str, chat_ids: Sequence[int] | None = None) -> dict[int, int]:
        body = await self.post(
            "/_bench/count",
            {"contains": contains, "chat_ids": list(chat_ids) if chat_ids is not None else None},
        )
        return {int(k): int(v) for k, v in body.items()}

    async def stats(self) -> dict[str, Any]:
        result: dict[str, Any] = await self.get("/_emulator/stats")
        return result

    async def rate_limits(self, enabled: bool) -> None:
        await self.post("/_emulator/rate_limits", {"enabled": enabled})

    async def wait_idle(self, quiet: float = 0.5, within: float = 60.0) -> None:
        async with self.session.post(
            f"{self.api_url}/_emulator/wait_idle", json={"quiet": quiet, "timeout": within}
        ) as response:
            if response.status >= 400:
                raise BenchError(f"the bot did not go idle: {await response.text()}")

    async def mark(self) -> int:
        """The log position now: what a process started after this will request comes later."""
        await self.sync()
        return len(self.log)

    async def wait_polling(self, child: Child, since: int, within: float = 60.0) -> None:
        """Wait until `child`, started after log position `since`, long-polls: it is up."""
        deadline = time.monotonic() + within
        seen = since
        while time.monotonic() < deadline:
            child.check()
            await asyncio.sleep(0.1)
            await self.sync()
            if any(e.method == "getUpdates" for e in self.log[seen:]):
                return
        raise BenchError(f"{child.name} did not start polling within {within} s")
