"""Formatting for the learning pages: percentages, scores, durations, dictionary lookups."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def get(mapping: Any, key: Any) -> Any:
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def percent(value: float | None) -> str:
    return "–" if value is None else f"{value:.0f}%"


@register.filter
def share(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.0f}%"


@register.filter
def score(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}".removesuffix(".0")


@register.filter
def duration(seconds: int | None) -> str:
    """3725 -> "1:02:05", 125 -> "2:05"."""
    if not seconds:
        return "0:00"
    hours, rest = divmod(int(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
