"""Template helpers of the gap analysis: the heatmap's colours, signed gaps and time-slot labels."""

from __future__ import annotations

from collections.abc import Iterable

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

register = template.Library()

WHITE = (255, 255, 255)
SHORTAGE = (176, 42, 30)  # demand above supply: red
SURPLUS = (28, 84, 140)  # supply above demand: blue
DARK_TEXT, LIGHT_TEXT = "#1b1f24", "#ffffff"


def _mix(a: tuple[int, int, int], b: tuple[int, int, int], t: float) -> str:
    r, g, bl = (round(x + (y - x) * t) for x, y in zip(a, b, strict=True))
    return f"#{r:02x}{g:02x}{bl:02x}"


@register.simple_tag
def heat_style(gap: int, peak: int) -> str:
    """Inline background (and a text colour that keeps the number readable) for a gap, scaled to the
    largest gap in absolute value: red for a shortage, blue for a surplus, white when balanced."""
    t = min(abs(gap) / peak, 1.0) if peak else 0.0
    t = 0.15 + 0.85 * t if gap else 0.0
    end = SHORTAGE if gap > 0 else SURPLUS
    text = LIGHT_TEXT if t > 0.55 else DARK_TEXT
    return f"background-color:{_mix(WHITE, end, t)};color:{text}"


@register.filter
def signed(value: int) -> str:
    """+12, −3, 0 (a true minus sign)."""
    if value > 0:
        return f"+{value}"
    if value < 0:
        return f"\u2212{-value}"
    return "0"


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
