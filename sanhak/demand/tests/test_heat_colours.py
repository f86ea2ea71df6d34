"""The gap heatmap's colours: every cell's number stays readable (WCAG 2 AA, 4.5:1)."""

from __future__ import annotations

import re

from sanhak.demand.templatetags.demand_gaps import contrast, heat_style


def colours(style: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    bg, fg = re.fullmatch(r"background-color:#(\w{6});color:#(\w{6})", style).groups()  # type: ignore[union-attr]
    return tuple(bytes.fromhex(bg)), tuple(bytes.fromhex(fg))


def test_contrast_ratio_is_wcags():
    assert round(contrast((0, 0, 0), (255, 255, 255)), 2) == 21.0
    assert round(contrast((118, 118, 118), (255, 255, 255)), 2) == 4.54  # the lightest grey AA allows on white


def test_every_cell_is_readable():
    peak = 100
    for gap in range(-peak, peak + 1):
        background, text = colours(heat_style(gap, peak))
        assert contrast(background, text) >= 4.5, (gap, background, text)


def test_strongest_cells_get_white_text_and_balance_is_white():
    assert heat_style(-30, 30) == "background-color:#1c548c;color:#ffffff"
    assert heat_style(30, 30) == "background-color:#b02a1e;color:#ffffff"
    assert heat_style(0, 30) == "background-color:#ffffff;color:#000000"
