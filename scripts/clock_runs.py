"""`make test-hours`: the time-sensitive tests run with the clock moved to the hours that broke
them before (issue 15): 00:30, 08:05, 09:00 and 23:59 in MULIN_TZ, on a Monday (the weekly
account) and on a 15th (the meeting), all at once.

The clock is moved with libfaketime (Debian's `faketime`) by a relative offset (`+Ns`): every
process of a run — the bots the SIGKILL tests start too — then shares one clock that goes on
ticking (an absolute start would restart the clock in each child process).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
import time
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

TZ = ZoneInfo(os.environ.get("MULIN_TZ", "Asia/Shanghai"))
TESTS = [
    "tests/unit",
    "tests/e2e/test_issues.py",
    "tests/e2e/test_follow_through.py",
    "tests/e2e/test_fixed_and_voices.py",
    "tests/e2e/test_weekly.py",
    "tests/e2e/test_meetings.py",
    "tests/e2e/test_visits.py",
    "tests/e2e/test_convene.py",
    "tests/e2e/test_votes.py",
    "tests/e2e/test_notices.py",
    "tests/e2e/test_activities.py",
    "tests/e2e/test_stats.py",
    "tests/e2e/test_housekeeping.py",
    # the web board: ages, ⏰ overdue, the month of /stats, Open311's date range, initData's 24 h
    "tests/web/test_pages.py",
    "tests/web/test_stats_page.py",
    "tests/web/test_open311.py",
    "tests/web/test_moderator_view.py",
    "tests/web/test_initdata.py",
]


def next_weekday(today: date, weekday: int) -> date:
    return today + timedelta(days=(weekday - today.weekday()) % 7 or 7)


def next_fifteenth(today: date) -> date:
    month = today.replace(day=15)
    if month > today:
        return month
    return (today.replace(day=1) + timedelta(days=32)).replace(day=15)


def moments(now: datetime) -> dict[str, datetime]:
    """The local moments to run at, all in the future (libfaketime moves the clock forward)."""
    today = now.astimezone(TZ).date()
    monday, fifteenth = next_weekday(today, 0), next_fifteenth(today)

    def at(day: date, hour: int, minute: int) -> datetime:
        return datetime(day.year, day.month, day.day, hour, minute, tzinfo=TZ)

    return {
        "Monday 00:30": at(monday, 0, 30),
        "Monday 08:05": at(monday, 8, 5),
        "Monday 09:00": at(monday, 9, 0),
        "Monday 23:59": at(monday, 23, 59),
        "15th 08:05": at(fifteenth, 8, 5),
        "15th 23:59": at(fifteenth, 23, 59),
    }


async def run(name: str, when: datetime, now: datetime) -> tuple[str, int, str]:
    offset = int((when - now).total_seconds())
    proc = await asyncio.create_subprocess_exec(
        "faketime",
        "-f",
        f"+{offset}s",
        sys.executable,
        "-m",
        "pytest",
        "-p",
        "no:cacheprovider",
        *TESTS,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    out, _ = await proc.communicate()
    return name, proc.returncode or 0, out.decode(errors="replace")


async def main() -> int:
    if shutil.which("faketime") is None:
        print("make test-hours needs libfaketime: apt-get install faketime", file=sys.stderr)
        return 2
    now = datetime.now(TZ)
    began = time.perf_counter()
    results = await asyncio.gather(*(run(n, w, now) for n, w in moments(now).items()))
    failed = 0
    for name, code, out in results:
        last = out.strip().splitlines()[-1] if out.strip() else ""
        print(f"{'ok ' if code == 0 else 'FAIL'} {name:14} {last}")
        if code:
            failed += 1
            print(out[-6000:])
    print(f"{len(results)} clocks, {failed} failed, in {time.perf_counter() - began:.0f} s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
