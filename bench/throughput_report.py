"""The throughput benchmark's figures: one bot's window (Window) and the tables comparing
the echo bots and Mulin, mix by mix, with the targets: Mulin's throughput at least
THROUGHPUT_TARGET of the like-for-like echo bot's, its peak RSS at most RSS_TARGET of it, and
under light load its p99 reply at most LIGHT_P99_TARGET times the echo's, kind by kind. Beside
the like-for-like echo, where it ran (unpaced), the bare echo (bench/bare_echo.py): Mulin's
throughput, RSS and CPU against it too, with no target (`…_bare_ratio`, `…_bare_rss_ratio`).

"updates answered" counts the updates that get an answer; an album's uncaptioned photos get
none from either bot (matching.py) and are shown beside it as silent. Updates per second and
CPU per update count every update handled, silent ones included; latencies are of the answered.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .matching import Matcher
from .report import percentile, table
from .workload import Cast, updates_of

THROUGHPUT_TARGET = 0.8
RSS_TARGET = 1.3
LIGHT_P99_TARGET = 2.0  # under light load, Mulin's p99 reply ≤ 2× the echo bot's, by kind
NOT_MODIFIED = "message is not modified"


@dataclass
class Window:
    bot: str
    variant: str
    matcher: Matcher
    kinds: list[str]
    wall_s: float
    peak_rss_kb: int
    cpu_s: float
    main_cpu_s: float
    emulator_cpu_s: float
    errors: list[tuple[str, int, int | None, str]]

    @property
    def api_errors(self) -> int:
        """Refusals, less "message is not modified": an artifact of this benchmark, whose bot
        runs one after another edit the same emulator's cards and can land on a text an
        earlier run already left there (Mulin's outbox counts it as sent)."""
        return sum(1 for e in self.errors if NOT_MODIFIED not in e[3])

    @property
    def answered(self) -> int:
        return self.matcher.done

    @property
    def handled(self) -> int:
        """The updates answered, and the silent ones (an album's uncaptioned photos)."""
        return self.matcher.handled

    @property
    def cpu_per_update(self) -> float:
        return self.cpu_s / max(1, self.handled)

    def per_update_ms(self, seconds: float) -> str:
        return f"{seconds / max(1, self.handled) * 1000:.2f} ms"

    def answered_text(self) -> str:
        silent = self.matcher.silent
        return f"{self.answered}/{self.matcher.expected}" + (f" +{silent} silent" if silent else "")

    def headline(self) -> str:
        return (
            f"{self.bot:<5} {self.variant:<8} {self.rate:7.1f} updates/s  wall {self.wall_s:6.1f} s"
            f"  peak RSS {self.peak_rss_kb / 1024:6.1f} MiB  CPU/update "
            f"{self.cpu_per_update * 1000:.2f} ms"
        )

    @property
    def rate(self) -> float:
        return self.handled / self.wall_s if self.wall_s > 0 else 0.0

    def ms(self, kind: str | None = None) -> list[float]:
        return [s * 1000 for s in self.matcher.latencies(self.kinds, kind)]


def ms_text(w: Window, p: float, kind: str | None = None) -> str:
    return f"{percentile(w.ms(kind), p):.0f}"


BOTS = {"echo": "echo", "bare": "bare echo", "mulin": "Mulin"}  # the column headers, in order


def summarize(
    results: list[Window],
    variants: list[str],
    counts: dict[str, int],
    cast: Cast,
    mix: str = "standard",
    prefix: str = "",
) -> dict[str, float]:
    """The tables of one mix; its figures keyed `{prefix}{variant}_…` (the standard mix's
    prefix is empty, so its keys are those of earlier runs)."""
    by = {(r.bot, r.variant): r for r in results}
    figures: dict[str, float] = {f"{prefix}updates": float(updates_of(counts))}
    print(f"\nthe {mix} mix: {mix_text(counts)}; {cast.groups_a + cast.groups_b} groups"
          + (f" in {cast.grids} grids" if cast.grids else "")
          + f", {cast.private} private chats")  # fmt: skip
    for variant in variants:
        shown = [by[(bot, variant)] for bot in BOTS if (bot, variant) in by]
        echo, mulin = by[("echo", variant)], by[("mulin", variant)]
        print()
        print(main_table(shown, f"{mix}, {variant}"))
        per_kind = [
            (kind, *(f"{ms_text(w, 50, kind)} / {ms_text(w, 99, kind)}" for w in shown))
            for kind, n in counts.items() if n
        ]  # fmt: skip
        print(columns("latency p50 / p99 by kind (ms), queued → answered", shown, per_kind))
        for w in shown:
            for line in _error_lines(w):
                print(f"  ! {BOTS[w.bot]}: {line}")
        figures.update(ratios(echo, mulin, by.get(("bare", variant)), f"{mix}, {variant}",
                              prefix + variant))  # fmt: skip
        for w in shown:
            figures.update(window_figures(w, counts, f"{prefix}{variant}_{w.bot}"))
    # The headline is the bots' own cost (unpaced); paced, both mostly wait on Telegram's limit.
    headline = "unpaced" if "unpaced" in variants else variants[0]
    figures[f"{prefix}throughput_ratio"] = figures[f"{prefix}{headline}_throughput_ratio"]
    figures[f"{prefix}rss_ratio"] = figures[f"{prefix}{headline}_rss_ratio"]
    return figures


def window_figures(w: Window, counts: dict[str, int], key: str) -> dict[str, float]:
    figures = {
        f"{key}_updates_per_s": w.rate,
        f"{key}_p50_ms": percentile(w.ms(), 50),
        f"{key}_p99_ms": percentile(w.ms(), 99),
        f"{key}_peak_rss_mib": w.peak_rss_kb / 1024,
        f"{key}_cpu_ms_per_update": w.cpu_per_update * 1000,
        f"{key}_answered": float(w.answered),
        f"{key}_api_errors": float(w.api_errors),
        f"{key}_extra_requests": float(sum(w.matcher.extra.values())),
    }
    for kind, n in counts.items():
        if n:
            figures[f"{key}_{kind}_p50_ms"] = percentile(w.ms(kind), 50)
            figures[f"{key}_{kind}_p99_ms"] = percentile(w.ms(kind), 99)
    return figures


def mix_text(counts: dict[str, int]) -> str:
    """ "report 90, report_photos 60 (180 updates), …" """
    parts = []
    for kind, n in counts.items():
        if n:
            updates = updates_of({kind: n})
            parts.append(f"{kind} {n}" + (f" ({updates} updates)" if updates != n else ""))
    return ", ".join(parts)


def main_table(shown: Sequence[Window], what: str) -> str:
    columns_: list[tuple[str, Callable[[Window], str]]] = [
        ("updates answered", Window.answered_text),
        ("updates per second", lambda w: f"{w.rate:.1f}"),
        ("wall time", lambda w: f"{w.wall_s:.1f} s"),
        ("latency p50", lambda w: f"{ms_text(w, 50)} ms"),
        ("latency p99", lambda w: f"{ms_text(w, 99)} ms"),
        ("peak RSS (VmHWM)", lambda w: f"{w.peak_rss_kb / 1024:.1f} MiB"),
        ("CPU time", lambda w: f"{w.cpu_s:.1f} s"),
        ("CPU per update", lambda w: w.per_update_ms(w.cpu_s)),
        ("  main thread", lambda w: w.per_update_ms(w.main_cpu_s)),
        ("  other threads", lambda w: w.per_update_ms(w.cpu_s - w.main_cpu_s)),
        ("emulator CPU / update", lambda w: w.per_update_ms(w.emulator_cpu_s)),
        ("other bot requests", lambda w: _extra(w.matcher)),
        ("API errors (4xx)", lambda w: f"{w.api_errors}"),
    ]
    rows = [(label, *(value(w) for w in shown)) for label, value in columns_]
    title = f"throughput ({what}): {len(shown[0].kinds)} updates, all queued at once"
    return columns(title, shown, rows)


def _ratio(a: float, b: float) -> float:
    return a / b if b else float("nan")


def ratios(
    echo: Window, mulin: Window, bare: Window | None, what: str, key: str
) -> dict[str, float]:
    """Mulin against the like-for-like echo (the targets) and against the bare echo."""
    ratio = _ratio(mulin.rate, echo.rate)
    rss_ratio = _ratio(mulin.peak_rss_kb, echo.peak_rss_kb)
    cpu_ratio = _ratio(echo.cpu_per_update, mulin.cpu_per_update)
    met = "met" if ratio >= THROUGHPUT_TARGET else "MISSED"
    rss_met = "met" if rss_ratio <= RSS_TARGET else "MISSED"
    rows = [
        ("throughput ratio", f"{ratio:.3f}", f"target ≥ {THROUGHPUT_TARGET}: {met}"),
        ("peak RSS ratio", f"{rss_ratio:.3f}", f"target ≤ {RSS_TARGET}: {rss_met}"),
        (
            "CPU-cost ratio",
            f"{cpu_ratio:.3f}",
            "echo's CPU per update / Mulin's (less sensitive to a busy machine)",
        ),
    ]
    figures = {f"{key}_throughput_ratio": ratio, f"{key}_rss_ratio": rss_ratio,
               f"{key}_cpu_ratio": cpu_ratio}  # fmt: skip
    if bare is not None:
        figures[f"{key}_bare_ratio"] = _ratio(mulin.rate, bare.rate)
        figures[f"{key}_bare_rss_ratio"] = _ratio(mulin.peak_rss_kb, bare.peak_rss_kb)
        figures[f"{key}_bare_cpu_ratio"] = _ratio(bare.cpu_per_update, mulin.cpu_per_update)
        rows += [
            ("throughput ratio, bare", f"{figures[f'{key}_bare_ratio']:.3f}",
             "Mulin / the bare echo (no limiter, no job queue: a newcomer's bot)"),
            ("peak RSS ratio, bare", f"{figures[f'{key}_bare_rss_ratio']:.3f}",
             "Mulin / the bare echo"),
            ("CPU-cost ratio, bare", f"{figures[f'{key}_bare_cpu_ratio']:.3f}",
             "the bare echo's CPU per update / Mulin's"),
        ]  # fmt: skip
    print(table(f"Mulin / echo ({what})", rows))
    return figures


def summarize_light(light: list[Window], rate: float) -> dict[str, float]:
    """The light-load tables; `light_p99_ratio` is the first variant's worst, over the kinds,
    of Mulin's p99 / the like-for-like echo's p99 (the target: ≤ LIGHT_P99_TARGET)."""
    figures: dict[str, float] = {}
    by = {(w.bot, w.variant): w for w in light}
    for variant in dict.fromkeys(w.variant for w in light):
        echo, mulin = by[("echo", variant)], by[("mulin", variant)]
        kinds = list(dict.fromkeys(echo.kinds))
        rows = [
            ("latency p50", f"{ms_text(echo, 50)} ms", f"{ms_text(mulin, 50)} ms"),
            ("latency p99", f"{ms_text(echo, 99)} ms", f"{ms_text(mulin, 99)} ms"),
            ("latency max", f"{ms_text(echo, 100)} ms", f"{ms_text(mulin, 100)} ms"),
        ]
        rows += [
            (f"  {kind} p50 / p99",
             f"{ms_text(echo, 50, kind)} / {ms_text(echo, 99, kind)}",
             f"{ms_text(mulin, 50, kind)} / {ms_text(mulin, 99, kind)}")
            for kind in kinds
        ]  # fmt: skip
        print()
        title = (
            f"latency under light load ({variant}): the first {len(echo.kinds)} updates of "
            f"the mix at {rate:g}/s"
        )
        print(columns(title, (echo, mulin), rows))
        for w in (echo, mulin):
            for line in _error_lines(w):
                print(f"  ! {w.bot}: {line}")
            figures[f"light_{variant}_{w.bot}_p50_ms"] = percentile(w.ms(), 50)
            figures[f"light_{variant}_{w.bot}_p99_ms"] = percentile(w.ms(), 99)
            for kind in kinds:
                figures[f"light_{variant}_{w.bot}_{kind}_p99_ms"] = percentile(w.ms(kind), 99)
        figures.update(light_ratios(echo, mulin, kinds, variant))
        figures.setdefault("light_p99_ratio", figures[f"light_{variant}_p99_ratio"])
    return figures


def light_ratios(echo: Window, mulin: Window, kinds: list[str], variant: str) -> dict[str, float]:
    """Mulin's p99 / the echo's, kind by kind, and the worst of them."""
    figures: dict[str, float] = {}
    rows = []
    for kind in kinds:
        mine, theirs = percentile(mulin.ms(kind), 99), percentile(echo.ms(kind), 99)
        figures[f"light_{variant}_{kind}_p99_ratio"] = ratio = _ratio(mine, theirs)
        rows.append((kind, f"{ratio:.2f}", f"{mine:.1f} / {theirs:.1f} ms"))
    worst = max((figures[f"light_{variant}_{kind}_p99_ratio"] for kind in kinds), default=math.nan)
    met = "met" if worst <= LIGHT_P99_TARGET else "MISSED"
    rows.append(("worst kind", f"{worst:.2f}", f"target ≤ {LIGHT_P99_TARGET:g}: {met}"))
    print(table(f"p99 by kind under light load ({variant}): Mulin / echo", rows))
    figures[f"light_{variant}_p99_ratio"] = worst
    return figures


def mixes_table(figures: dict[str, float], mixes: Sequence[tuple[str, str]]) -> str:
    """The unpaced figures of every mix side by side: (mix name, its figures' prefix)."""
    rows: list[tuple[str, ...]] = []
    for label, figure, fmt in MIX_ROWS:
        values = [figures.get(f"{prefix}unpaced_{figure}", math.nan) for _, prefix in mixes]
        rows.append((label, *(fmt.format(v) for v in values)))
    headers = [name for name, _ in mixes]
    return grid("the mixes, unpaced: the bots' own cost", headers, rows)


MIX_ROWS = (  # (label, figure after `{prefix}unpaced_`, format)
    ("echo updates/s", "echo_updates_per_s", "{:.1f}"),
    ("bare echo updates/s", "bare_updates_per_s", "{:.1f}"),
    ("Mulin updates/s", "mulin_updates_per_s", "{:.1f}"),
    ("Mulin / echo", "throughput_ratio", "{:.3f}"),
    ("Mulin / bare echo", "bare_ratio", "{:.3f}"),
    ("peak RSS echo", "echo_peak_rss_mib", "{:.1f} MiB"),
    ("peak RSS bare echo", "bare_peak_rss_mib", "{:.1f} MiB"),
    ("peak RSS Mulin", "mulin_peak_rss_mib", "{:.1f} MiB"),
    ("RSS Mulin / echo", "rss_ratio", "{:.3f}"),
    ("RSS Mulin / bare echo", "bare_rss_ratio", "{:.3f}"),
    ("CPU/update echo", "echo_cpu_ms_per_update", "{:.2f} ms"),
    ("CPU/update bare echo", "bare_cpu_ms_per_update", "{:.2f} ms"),
    ("CPU/update Mulin", "mulin_cpu_ms_per_update", "{:.2f} ms"),
)


def _error_lines(w: Window) -> list[str]:
    counted = Counter(
        (method, status, text) for method, status, _, text in w.errors if NOT_MODIFIED not in text
    )
    return [
        f"{n} × {method} {status}: {text}" for (method, status, text), n in counted.most_common(5)
    ]


def _extra(matcher: Matcher) -> str:
    shown = {k: v for k, v in matcher.extra.items() if v}
    return ", ".join(f"{k} {v}" for k, v in sorted(shown.items())) or "-"


def columns(title: str, shown: Sequence[Window], rows: Sequence[tuple[str, ...]]) -> str:
    """A table with a column for each bot shown (echo, bare echo, Mulin)."""
    return grid(title, [BOTS[w.bot] for w in shown], rows)


def grid(title: str, headers: Sequence[str], rows: Sequence[tuple[str, ...]]) -> str:
    """A label column, then one right-aligned column for each header."""
    heads = ("", *headers)
    widths = [max([len(r[i]) for r in rows] + [len(h)]) for i, h in enumerate(heads)]
    lines = [title, "-" * max(len(title), sum(widths) + 2 * len(headers))]
    for row in (heads, *rows):
        cells = [f"{row[0]:<{widths[0]}}"] + [
            f"{cell:>{width}}" for cell, width in zip(row[1:], widths[1:], strict=True)
        ]
        lines.append("  ".join(cells))
    return "\n".join(lines)
