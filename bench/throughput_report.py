"""The throughput benchmark's figures: one bot's window (Window) and the tables comparing
the echo bot and Mulin, with the targets: Mulin's throughput at least THROUGHPUT_TARGET of
the echo bot's, its peak RSS at most RSS_TARGET of it.

"updates answered" counts the updates that get an answer; an album's uncaptioned photos get
none from either bot (matching.py) and are shown beside it as silent. Updates per second and
CPU per update count every update handled, silent ones included; latencies are of the answered.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .matching import Matcher
from .report import percentile, table
from .workload import Cast, updates_of

THROUGHPUT_TARGET = 0.8
RSS_TARGET = 1.3
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


def summarize(
    results: list[Window], variants: list[str], counts: dict[str, int], cast: Cast
) -> dict[str, float]:
    by = {(r.bot, r.variant): r for r in results}
    figures: dict[str, float] = {"updates": float(updates_of(counts))}
    print(f"\nthe mix: {mix_text(counts)}; {cast.groups_a + cast.groups_b} groups, "
          f"{cast.private} private chats")  # fmt: skip
    for variant in variants:
        echo, mulin = by[("echo", variant)], by[("mulin", variant)]
        print()
        print(main_table(echo, mulin, variant))
        per_kind = [
            (kind, f"{ms_text(echo, 50, kind)} / {ms_text(echo, 99, kind)}",
             f"{ms_text(mulin, 50, kind)} / {ms_text(mulin, 99, kind)}")
            for kind, n in counts.items() if n
        ]  # fmt: skip
        print(three_columns("latency p50 / p99 by kind (ms), queued → answered", per_kind))
        for w in (echo, mulin):
            for line in _error_lines(w):
                print(f"  ! {w.bot}: {line}")
        figures.update(ratios(echo, mulin, variant))
        for bot, w in (("echo", echo), ("mulin", mulin)):
            figures[f"{variant}_{bot}_updates_per_s"] = w.rate
            figures[f"{variant}_{bot}_p50_ms"] = percentile(w.ms(), 50)
            figures[f"{variant}_{bot}_p99_ms"] = percentile(w.ms(), 99)
            figures[f"{variant}_{bot}_peak_rss_mib"] = w.peak_rss_kb / 1024
            figures[f"{variant}_{bot}_cpu_ms_per_update"] = w.cpu_per_update * 1000
            figures[f"{variant}_{bot}_answered"] = float(w.answered)
            figures[f"{variant}_{bot}_api_errors"] = float(w.api_errors)
            figures[f"{variant}_{bot}_extra_requests"] = float(sum(w.matcher.extra.values()))
            for kind, n in counts.items():
                if n:
                    figures[f"{variant}_{bot}_{kind}_p50_ms"] = percentile(w.ms(kind), 50)
                    figures[f"{variant}_{bot}_{kind}_p99_ms"] = percentile(w.ms(kind), 99)
    # The headline is the bots' own cost (unpaced); paced, both mostly wait on Telegram's limit.
    headline = "unpaced" if "unpaced" in variants else variants[0]
    figures["throughput_ratio"] = figures[f"{headline}_throughput_ratio"]
    figures["rss_ratio"] = figures[f"{headline}_rss_ratio"]
    return figures


def mix_text(counts: dict[str, int]) -> str:
    """ "report 90, report_photos 60 (180 updates), …" """
    parts = []
    for kind, n in counts.items():
        if n:
            updates = updates_of({kind: n})
            parts.append(f"{kind} {n}" + (f" ({updates} updates)" if updates != n else ""))
    return ", ".join(parts)


def main_table(echo: Window, mulin: Window, variant: str) -> str:
    columns: list[tuple[str, Callable[[Window], str]]] = [
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
    rows = [(label, value(echo), value(mulin)) for label, value in columns]
    title = f"throughput ({variant}): {len(echo.kinds)} updates, all queued at once"
    return three_columns(title, rows)


def ratios(echo: Window, mulin: Window, variant: str) -> dict[str, float]:
    """Mulin against echo, printed with the targets."""
    ratio = mulin.rate / echo.rate if echo.rate else float("nan")
    rss_ratio = mulin.peak_rss_kb / echo.peak_rss_kb if echo.peak_rss_kb else float("nan")
    cpu_ratio = echo.cpu_per_update / mulin.cpu_per_update if mulin.cpu_per_update else 0.0
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
    print(table(f"Mulin / echo ({variant})", rows))
    return {
        f"{variant}_throughput_ratio": ratio,
        f"{variant}_rss_ratio": rss_ratio,
        f"{variant}_cpu_ratio": cpu_ratio,
    }


def summarize_light(light: list[Window], rate: float) -> dict[str, float]:
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
        print(
            three_columns(
                f"latency under light load ({variant}): the first {len(echo.kinds)} updates of "
                f"the mix at {rate:g}/s",
                rows,
            )
        )
        for w in (echo, mulin):
            for line in _error_lines(w):
                print(f"  ! {w.bot}: {line}")
            figures[f"light_{variant}_{w.bot}_p50_ms"] = percentile(w.ms(), 50)
            figures[f"light_{variant}_{w.bot}_p99_ms"] = percentile(w.ms(), 99)
    return figures


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


def three_columns(title: str, rows: Sequence[tuple[str, str, str]]) -> str:
    widths = [
        max([len(r[i]) for r in rows] + [len(h)]) for i, h in enumerate(("", "echo", "Mulin"))
    ]
    lines = [title, "-" * max(len(title), sum(widths) + 4)]
    lines.append(f"{'':<{widths[0]}}  {'echo':>{widths[1]}}  {'Mulin':>{widths[2]}}")
    for label, a, b in rows:
        lines.append(f"{label:<{widths[0]}}  {a:>{widths[1]}}  {b:>{widths[2]}}")
    return "\n".join(lines)
