"""Benchmarks for Mulin: load generators against the local Bot API emulator (`make bench`).

Benchmarks print figures; they are not tests and never gate CI. `python -m bench` runs every
benchmark listed in bench/__main__.py; `python -m bench NAME [options]` runs one. Each benchmark
is a module with DESCRIPTION, add_arguments(parser) and `async def run(args) -> dict[str, float]`
that prints a readable table and returns its figures.
"""
