"""Formatting for the learning pages: percentages, scores, durations, dictionary lookups."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext

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


@register.simple_tag
def progress_rows(rows: list[Any]) -> str:
    """The progress table's body, built in Python: 200 trainees × 7 cells through the template engine
    cost more than everything else on the page."""
    if not rows:
        return format_html('<tr><td colspan="7" class="muted">{}</td></tr>', gettext("수강생이 없습니다."))
    return format_html_join(
        "\n",
        '<tr><td>{}</td><td>{}</td><td class="num">{} / {}{}</td><td class="num">{}</td>'
        '<td class="num">{}</td><td class="num">{}</td><td>{}</td></tr>',
        (
            (
                f.enrollment.trainee.name,
                _employer(f.enrollment.trainee),
                f.lessons_done,
                f.lessons_required,
                format_html(' <span class="muted">({})</span>', percent(f.lessons_percent))
                if f.lessons_percent is not None
                else "",
                duration(f.time_spent_seconds),
                percent(f.attendance_percent),
                score(f.quiz_average),
                date_format(timezone.localtime(f.last_seen_at), "SHORT_DATETIME_FORMAT") if f.last_seen_at else "–",
            )
            for f in rows
        ),
    )


def _employer(user: Any) -> str:
    profile = getattr(user, "trainee_profile", None)
    employer = getattr(profile, "employer", None) if profile is not None else None
    return employer.name if employer is not None else ""
