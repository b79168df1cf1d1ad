"""`python -m bench [NAME [options]]`: run every benchmark, or the one named, and print figures.

A benchmark is a module in bench/ with DESCRIPTION, add_arguments(parser) and
`async def run(args) -> dict[str, float]`; add it to BENCHMARKS to have it run.

The last line printed is machine-readable (figures of benchmarks not run are `nan`):
`bench: throughput_ratio=<x> rss_ratio=<y> broadcast_efficiency=<ideal/actual> oversold=<n>
duplicates=<n> bare_ratio=<x> light_p99_ratio=<y> broadcast_429=<n>
duplicates_not_in_flight=<n>` — throughput_ratio and rss_ratio: the standard mix, unpaced,
Mulin / the like-for-like echo (as in earlier runs); bare_ratio: the lowest over the mixes of
Mulin / the bare echo in updates/s (unpaced); light_p99_ratio: under light load, the worst over
the kinds of Mulin's p99 reply / the like-for-like echo's. broadcast_efficiency: the worst of
the broadcast's runs (5 beside a CPU hog); broadcast_429: the 429 answers over those runs;
duplicates: groups holding the card twice after the SIGKILL, duplicates_not_in_flight those of
them whose first copy was not a send in flight at the kill (a bug; the target is 0).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from . import broadcast, imports, scale, signups, throughput, votes, web


class Benchmark(Protocol):
    DESCRIPTION: str

    def add_arguments(self, parser: argparse.ArgumentParser) -> None: ...

    async def run(self, args: argparse.Namespace) -> dict[str, float]: ...


BENCHMARKS: dict[str, Benchmark] = {
    "signups": signups,
    "votes": votes,
    "throughput": throughput,
    "broadcast": broadcast,
    "scale": scale,
    "imports": imports,
    "web": web,
}


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="python -m bench",
        description="Mulin benchmarks: print figures (never tests, never gate CI). "
        "Without NAME, every benchmark runs with its defaults.",
    )
    top.add_argument("--json", type=Path, help="also write every figure to this JSON file")
    names = top.add_subparsers(dest="name", metavar="NAME")
    for name, bench in BENCHMARKS.items():
        sub = names.add_parser(name, help=bench.DESCRIPTION, description=bench.DESCRIPTION)
        bench.add_arguments(sub)
    return top


def defaults(name: str) -> argparse.Namespace:
    sub = argparse.ArgumentParser()
    BENCHMARKS[name].add_arguments(sub)
    return sub.parse_args([])


async def run_all(
    chosen: Sequence[tuple[str, argparse.Namespace]],
) -> tuple[dict[str, dict[str, float]], list[str]]:
    """Run each benchmark in turn; one that fails is reported and the others still run."""
    results: dict[str, dict[str, float]] = {}
    failed: list[str] = []
    for name, args in chosen:
        print(f"\n== {name} ==", flush=True)
        start = time.perf_counter()
        try:
            results[name] = await BENCHMARKS[name].run(args)
        except Exception as exc:
            logging.getLogger("bench").exception("%s failed", name)
            print(f"({name} FAILED after {time.perf_counter() - start:.1f} s: {exc})", flush=True)
            failed.append(name)
            continue
        print(f"({name} took {time.perf_counter() - start:.1f} s)", flush=True)
    return results, failed


# The machine-readable last line: (key, benchmark, figure, format).
SUMMARY = (
    ("throughput_ratio", "throughput", "throughput_ratio", "{:.3f}"),
    ("rss_ratio", "throughput", "rss_ratio", "{:.3f}"),
    ("broadcast_efficiency", "broadcast", "efficiency", "{:.3f}"),
    ("oversold", "signups", "oversold", "{:.0f}"),
    ("duplicates", "broadcast", "duplicates", "{:.0f}"),
    ("bare_ratio", "throughput", "bare_ratio", "{:.3f}"),
    ("light_p99_ratio", "throughput", "light_p99_ratio", "{:.3f}"),
    ("broadcast_429", "broadcast", "http_429", "{:.0f}"),
    ("duplicates_not_in_flight", "broadcast", "duplicates_not_in_flight", "{:.0f}"),
)


def summary_line(results: dict[str, dict[str, float]]) -> str:
    """`bench: throughput_ratio=<x> rss_ratio=<y> broadcast_efficiency=<ideal/actual>
    oversold=<n> duplicates=<n> bare_ratio=<x> light_p99_ratio=<y> broadcast_429=<n>
    duplicates_not_in_flight=<n>`; a figure whose benchmark did not run (or failed) is nan."""
    parts = []
    for key, bench, figure, fmt in SUMMARY:
        value = results.get(bench, {}).get(figure)
        parts.append(f"{key}={fmt.format(value) if value is not None else 'nan'}")
    return "bench: " + " ".join(parts)


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    if args.name is None:
        chosen = [(name, defaults(name)) for name in BENCHMARKS]
    else:
        chosen = [(args.name, args)]
    start = time.perf_counter()
    results, failed = asyncio.run(run_all(chosen))
    if args.json is not None:
        args.json.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
    print(f"\n(all benchmarks took {time.perf_counter() - start:.0f} s)", flush=True)
    print(summary_line(results), flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
