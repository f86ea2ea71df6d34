"""Template helpers of the gap analysis: the heatmap's colours, signed gaps and time-slot labels."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template
from django.utils.formats import number_format
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

register = template.Library()

WHITE = (255, 255, 255)
SHORTAGE = (176, 42, 30)  # demand above supply: red
SURPLUS = (28, 84, 140)  # supply above demand: blue
TEXTS = {"#000000": (0, 0, 0), "#ffffff": (255, 255, 255)}  # black or white: one of them always reaches 4.5:1

RGB = tuple[int, int, int]


def _mix(a: RGB, b: RGB, t: float) -> RGB:
    r, g, bl = (round(x + (y - x) * t) for x, y in zip(a, b, strict=True))
    return r, g, bl


def _luminance(rgb: RGB) -> float:
    """WCAG 2 relative luminance."""

    def linear(c: int) -> float:
        v = c / 255
        return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: RGB, b: RGB) -> float:
    """WCAG 2 contrast ratio (1–21)."""
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


@register.simple_tag
def heat_style(gap: int, peak: int) -> str:
    """Inline background for a gap, scaled to the largest gap in absolute value (red for a shortage,
    blue for a surplus, white when balanced), and the text colour that contrasts with it most."""
    t = min(abs(gap) / peak, 1.0) if peak else 0.0
    t = 0.15 + 0.85 * t if gap else 0.0
    background = _mix(WHITE, SHORTAGE if gap > 0 else SURPLUS, t)
    text = max(TEXTS, key=lambda name: contrast(TEXTS[name], background))
    r, g, b = background
    return f"background-color:#{r:02x}{g:02x}{b:02x};color:{text}"


@register.filter
def signed(value: int) -> str:
    """+12, −3,045, 0 (a true minus sign, thousands grouped)."""
    if value > 0:
        return f"+{grouped(value)}"
    if value < 0:
        return f"\u2212{grouped(-value)}"
    return "0"


def grouped(value: int) -> str:
    """2,196: an integer with the page language's thousands separator."""
    return number_format(value, force_grouping=True)


@register.filter
def gap_word(value: int) -> str:
    """The gap in words, so that the heatmap does not rely on colour alone."""
    if value > 0:
        return _("▲ 부족")
    if value < 0:
        return _("▼ 여유")
    return _("균형")


TIME_LABELS = {
    "weekday_day": gettext_noop("평일 주간"),
    "weekday_evening": gettext_noop("평일 저녁"),
    "weekend": gettext_noop("주말"),
}


@register.filter
def time_labels(slots: Iterable[str]) -> str:
    labels = [_(TIME_LABELS[s]) for s in slots if s in TIME_LABELS]
    return ", ".join(labels) if labels else _("시간 무관")


@register.simple_tag
def legend_style(sign: int, share: float) -> str:
    """The legend's swatches: the colour of a gap at `share` of the scale."""
    peak = 100
    return heat_style(round(sign * share * peak), peak)


# The gap table and the heatmap have a cell per competency × track (a hundred or more): their rows are
# built here rather than by template loops, which cost most of the page's time at national scale.


def _row_head(competency: Any) -> str:
    return (
        f'<tr><th scope="row">{conditional_escape(competency.code)} '
        f'<span class="muted">{conditional_escape(competency.name)}</span></th>'
    )


def _figure(value: int, extra: int, href: str) -> str:
    if not value:
        return '<td class="num">0</td>'
    return (
        f'<td class="num"><a href="{conditional_escape(href)}">{grouped(value)}</a>'
        f' <small class="muted">({grouped(extra)})</small></td>'
    )


@register.simple_tag
def gap_rows(table: Any, base: str, query: str) -> SafeString:
    """The gap table's body rows: demand (companies) and supply (offerings) linking to their drill-downs, and the gap."""
    out = []
    for row in table.rows:
        parts = [_row_head(row.competency)]
        for c in row.cells:
            cell = f"{c.competency.code}/{c.track.code}/?{query}"
            parts.append(_figure(c.demand, c.companies, f"{base}demand/{cell}"))
            parts.append(_figure(c.supply, c.offerings, f"{base}supply/{cell}"))
            parts.append(f'<td class="num"><strong>{signed(c.gap)}</strong></td>')
        parts.append("</tr>\n")
        out.append("".join(parts))
    return mark_safe("".join(out))  # noqa: S308 - every value above is escaped or a number


@register.simple_tag
def heat_rows(table: Any) -> SafeString:
    """The heatmap's body rows: each gap coloured, signed and in words."""
    peak = table.peak
    words = {1: gap_word(1), -1: gap_word(-1), 0: gap_word(0)}
    out = []
    for row in table.rows:
        parts = [_row_head(row.competency)]
        for c in row.cells:
            word = conditional_escape(words[(c.gap > 0) - (c.gap < 0)])
            parts.append(
                f'<td class="num" style="{heat_style(c.gap, peak)}"><strong>{signed(c.gap)}</strong> <small>{word}</small></td>'
            )
        parts.append("</tr>")
        out.append("".join(parts))
    return mark_safe("".join(out))  # noqa: S308 - every value above is escaped or a number


@register.simple_tag
def suggestion_rows(table: Any) -> SafeString:
    """The ranked new offerings: rank, competency, track, gap, companies, mode, times, offerings needed."""
    out = []
    for rank, s in enumerate(table.suggestions, start=1):
        c = s.cell
        cells = (
            rank,
            f"{conditional_escape(c.competency.code)} {conditional_escape(c.competency.name)}",
            conditional_escape(c.track.name),
            signed(c.gap),
            grouped(c.companies),
            conditional_escape(s.mode_label),
            conditional_escape(time_labels(s.times)),
            grouped(s.offerings_needed),
        )
        classes = ("num", "", "", "num", "num", "", "", "num")
        out.append(
            "<tr>"
            + "".join(
                f'<td class="{k}">{v}</td>' if k else f"<td>{v}</td>" for k, v in zip(classes, cells, strict=True)
            )
            + "</tr>\n"
        )
    return mark_safe("".join(out))  # noqa: S308 - every value above is escaped or a number
