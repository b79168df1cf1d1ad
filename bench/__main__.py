"""`python -m bench [NAME [options]]`: run every benchmark, or the one named, and print figures.

A benchmark is a module in bench/ with DESCRIPTION, add_arguments(parser) and
`async def run(args) -> dict[str, float]`; add it to BENCHMARKS to have it run.
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

from . import signups, throughput


class Benchmark(Protocol):
    DESCRIPTION: str

    def add_arguments(self, parser: argparse.ArgumentParser) -> None: ...

    async def run(self, args: argparse.Namespace) -> dict[str, float]: ...


BENCHMARKS: dict[str, Benchmark] = {
    "signups": signups,
    "throughput": throughput,
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


async def run_all(chosen: Sequence[tuple[str, argparse.Namespace]]) -> dict[str, dict[str, float]]:
    results: dict[str, dict[str, float]] = {}
    for name, args in chosen:
        print(f"\n== {name} ==", flush=True)
        start = time.perf_counter()
        results[name] = await BENCHMARKS[name].run(args)
        print(f"({name} took {time.perf_counter() - start:.1f} s)", flush=True)
    return results


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    if args.name is None:
        chosen = [(name, defaults(name)) for name in BENCHMARKS]
    else:
        chosen = [(args.name, args)]
    results = asyncio.run(run_all(chosen))
    if args.json is not None:
        args.json.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
