"""Charts: a font that has Chinese glyphs is found, Chinese is drawn as glyphs (not the empty
boxes of a missing glyph), and a chart is a PNG of a readable size."""

from __future__ import annotations

import io
import warnings
from pathlib import Path
from zoneinfo import ZoneInfo

import matplotlib
import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.ft2font import FT2Font
from matplotlib.image import imread

from bot.core.i18n import Catalogs
from bot.stats import charts, views
from bot.stats.service import Counts, Month, MonthFigures, MonthPair

LABEL = "路灯照明"
BOXES = "□□□□"


def font_path() -> Path:
    font = charts.cjk_font()
    assert font is not None, "no font with Chinese glyphs: `make` installs fonts-wqy-microhei"
    return font.path


def drawn(text: str, path: Path) -> np.ndarray:  # type: ignore[type-arg]
    """The pixels of `text` drawn alone in the given font file."""
    fig = Figure(figsize=(3, 1), dpi=100)
    canvas = FigureCanvasAgg(fig)
    fig.text(0.5, 0.5, text, fontproperties=FontProperties(fname=path, size=32), ha="center")
    canvas.draw()
    return np.asarray(canvas.buffer_rgba()).copy()


def chart(label: str) -> charts.BarChart:
    panel = charts.Panel(
        "按类别",
        (label, "停车充电"),
        (charts.Series("新增 · 2025年3月", (3, 1), "#3b6fb6"),),
    )
    return charts.BarChart("西安村 · 2025年3月：问题与活动报名", (panel,))


def test_the_font_has_a_glyph_for_every_character() -> None:
    path = font_path()
    font = FT2Font(str(path))
    for ch in LABEL + charts.CJK_SAMPLE:
        assert font.get_char_index(ord(ch)) != 0, ch  # 0 is the missing-glyph box
    assert charts.covers(path, LABEL)
    # matplotlib's "last resort" font maps every character of a block to one placeholder box
    last_resort = Path(matplotlib.get_data_path()) / "fonts/ttf/LastResortHE-Regular.ttf"
    if last_resort.exists():
        assert not charts.covers(last_resort, LABEL)


def test_chinese_is_drawn_as_glyphs_not_boxes() -> None:
    path = font_path()
    label, boxes = drawn(LABEL, path), drawn(BOXES, path)
    assert (label != 255).any()  # something was drawn
    assert not np.array_equal(label, boxes)
    # every missing glyph looks the same; four real characters look different from each other
    singles = [drawn(ch, path) for ch in LABEL]
    for i, one in enumerate(singles):
        for other in singles[i + 1 :]:
            assert not np.array_equal(one, other)
        assert not np.array_equal(one, drawn("□", path))


def test_a_chart_is_a_png_with_no_missing_glyph() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns "Glyph … missing from font(s)"
        png = charts.render(chart(LABEL))
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    pixels = imread(io.BytesIO(png), format="png")
    height, width = pixels.shape[:2]
    assert width == int(charts.WIDTH_INCHES * charts.DPI) and 200 <= height <= 3000
    # the label's rendering differs from the same chart with boxes where the characters are
    assert not np.array_equal(pixels, imread(io.BytesIO(charts.render(chart(BOXES)))))


def test_without_a_chinese_font_the_check_would_fail(monkeypatch: pytest.MonkeyPatch) -> None:
    """The control: with only matplotlib's own Latin font, Chinese is missing, and it is noticed."""
    monkeypatch.setattr(charts, "cjk_font", lambda: None)
    with pytest.warns(UserWarning, match="missing from font"):
        charts.render(chart(LABEL))


def test_empty_panels_and_names_with_dollars() -> None:
    empty = charts.Panel("按网格", (), (), "这两个月没有问题。")
    dollars = charts.Panel(
        "By grid", ("$5 $ lane", "a_b"), (charts.Series("raised", (1, 0), "#3b6fb6"),)
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        png = charts.render(charts.BarChart("Statistics", (empty, dollars)))
    assert png.startswith(b"\x89PNG")


def test_the_chart_of_a_community_with_many_grids_shows_the_busiest() -> None:
    t = Catalogs("zh_CN", ZoneInfo("Asia/Shanghai")).get("zh_CN")
    grids = {g: Counts(raised=g) for g in range(1, 21)}  # grid g raised g issues
    current = MonthFigures(Month(2025, 1), Counts(raised=210), None, 0, 0, {}, grids)
    previous = MonthFigures(Month(2024, 12), Counts(), None, 0, 0, {}, {})
    assert current.month.previous == previous.month and previous.month.next == current.month
    pair = MonthPair(current, previous)
    built = views.chart(t, "西安村", pair, lambda g: f"第{g:02d}网格")
    by_grid = built.panels[2]
    assert by_grid.title == "按网格：问题最多的 15 个"
    assert by_grid.labels == tuple(f"第{g:02d}网格" for g in range(6, 21))
    assert built.panels[0].title == "与2024年12月相比"
    text = views.text(t, "西安村", pair, lambda g: f"第{g:02d}网格")
    assert "第01网格：1（+1） / 0（±0） / 0（±0） / 0（±0）" in text.splitlines()  # all in the text
    assert "⏱ 解决用时中位数：本月无已解决问题" in text.splitlines()
