"""Charts as PNG bytes: matplotlib on the Agg backend, with a font that has Chinese glyphs.

Pure of Telegram and of the catalogs: the caller passes every label already translated.
matplotlib is imported on the first chart, not with the bot: it costs most of a second and
tens of megabytes that a bot which is never asked for /stats need not pay.
The CJK font comes from the system (the Makefile installs Debian's fonts-wqy-microhei when no
Chinese font is there); it is found through matplotlib's font manager, by family name first and
then by whether its character map covers Chinese, so any CJK font on the machine will do.
"""

from __future__ import annotations

import functools
import io
import logging
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.axes import Axes

log = logging.getLogger(__name__)

# Families known to cover simplified Chinese, best first; any other font that covers the
# sample below is taken when none of these is installed.
PREFERRED_FAMILIES = (
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "Droid Sans Fallback",
    "AR PL UMing CN",
    "Microsoft YaHei",
    "SimHei",
    "PingFang SC",
)
CJK_SAMPLE = "中文网格路灯照明问题统计报名"
LATIN_FALLBACK = (
    "DejaVu Sans"  # ships with matplotlib: digits and Latin when the CJK font lacks one
)
DPI = 110
WIDTH_INCHES = 8.0

_draw_lock = threading.Lock()  # rcParams are global: one chart at a time


@dataclass(frozen=True)
class CjkFont:
    family: str
    path: Path


@dataclass(frozen=True)
class Series:
    label: str
    values: tuple[float, ...]  # one per row of its panel
    color: str


@dataclass(frozen=True)
class Panel:
    """Horizontal grouped bars: one row per label, one bar per series in each row."""

    title: str
    labels: tuple[str, ...]
    series: tuple[Series, ...]
    empty: str = ""  # said instead of bars when there are no rows


@dataclass(frozen=True)
class BarChart:
    title: str
    panels: tuple[Panel, ...]


def covers(path: str | Path, text: str) -> bool:
    """Whether the font draws every character of `text` with a glyph of its own.

    Not the missing-glyph box (index 0), and not a placeholder shared by a whole block of
    characters, as in a "last resort" font (matplotlib ships one): distinct characters must map
    to distinct glyphs.
    """
    from matplotlib.ft2font import FT2Font

    try:
        font = FT2Font(str(path))
    except (OSError, RuntimeError, ValueError):
        return False
    chars = {ch for ch in text if not ch.isspace()}
    glyphs = {font.get_char_index(ord(ch)) for ch in chars}
    return 0 not in glyphs and len(glyphs) == len(chars)


@functools.cache
def cjk_font() -> CjkFont | None:
    """A font that renders Chinese, or None when the machine has none (logged once)."""
    from matplotlib import font_manager

    entries = font_manager.fontManager.ttflist
    rank = {name: i for i, name in enumerate(PREFERRED_FAMILIES)}
    known = sorted(entries, key=lambda e: rank.get(e.name, len(rank)))
    for entry in known:
        if covers(entry.fname, CJK_SAMPLE):
            return CjkFont(entry.name, Path(entry.fname))
    # matplotlib's font list is cached on disk and may predate a font installed since: look again.
    seen = {e.fname for e in entries}
    for path in font_manager.findSystemFonts():
        if path not in seen and covers(path, CJK_SAMPLE):
            font_manager.fontManager.addfont(path)
            name = font_manager.FontProperties(fname=path).get_name()
            return CjkFont(name, Path(path))
    log.warning("no font with Chinese glyphs found: chart labels in Chinese will not render")
    return None


def _families() -> list[str]:
    font = cjk_font()
    return [font.family, LATIN_FALLBACK] if font else [LATIN_FALLBACK]


def _draw_panel(ax: Axes, panel: Panel) -> None:
    from matplotlib.ticker import MaxNLocator

    ax.set_title(panel.title, loc="left", fontsize=12)
    if not panel.labels:
        ax.text(0.5, 0.5, panel.empty, ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
        return
    rows = len(panel.labels)
    count = max(len(panel.series), 1)
    height = 0.8 / count
    for i, series in enumerate(panel.series):
        offsets = [r - 0.4 + height * (i + 0.5) for r in range(rows)]
        bars = ax.barh(
            offsets, series.values, height=height, color=series.color, label=series.label
        )
        ax.bar_label(
            bars, labels=[f"{v:g}" if v else "" for v in series.values], padding=2, fontsize=8
        )
    ax.set_yticks(range(rows), panel.labels)
    ax.invert_yaxis()
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.margins(x=0.12)
    ax.grid(axis="x", alpha=0.3)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.legend(
        fontsize=8,
        loc="lower right",
        bbox_to_anchor=(1.0, 1.0),
        ncols=min(len(panel.series), 2),
        frameon=False,
    )


def render(chart: BarChart) -> bytes:
    """The chart as a PNG; panels stacked top to bottom, each as tall as its rows need."""
    import matplotlib

    matplotlib.use("Agg")  # no pyplot here, but nothing may ever pick a GUI backend
    from matplotlib import rc_context
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    weights = [max(len(p.labels), 1) * max(len(p.series), 1) * 0.2 + 0.9 for p in chart.panels]
    height = sum(weights) + 0.7
    settings = rc_context(
        {
            "font.family": "sans-serif",
            "font.sans-serif": _families(),
            "axes.unicode_minus": False,
            "text.parse_math": False,  # names are shown as typed: a `$` is not mathtext
        }
    )
    with _draw_lock, settings:
        fig = Figure(figsize=(WIDTH_INCHES, height), dpi=DPI, layout="constrained")
        FigureCanvasAgg(fig)
        fig.suptitle(chart.title, fontsize=14)
        axes = fig.subplots(len(chart.panels), 1, squeeze=False, height_ratios=weights)
        for ax, panel in zip(axes[:, 0], chart.panels, strict=True):
            _draw_panel(ax, panel)
        out = io.BytesIO()
        fig.savefig(out, format="png", dpi=DPI)
    return out.getvalue()
