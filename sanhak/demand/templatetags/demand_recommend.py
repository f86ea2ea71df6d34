"""Rows of the recommendation pages, built in Python: a worker sees up to 50 offerings and a manager
several per need, each with links, dates and badges; as template loops these were most of the page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import template
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from sanhak.demand.templatetags.demand_gaps import grouped

register = template.Library()


def _offering(o: Any, *, track: bool) -> str:
    course = o.course
    where = str(conditional_escape(course.institution.name))
    if track:
        where = f"{where} · {conditional_escape(course.track.name)}"
    href = reverse("courses:offering", args=[o.pk])
    return f'<td><a href="{href}">{conditional_escape(course.title)}</a> <small class="muted">{where}</small></td>'


def _period_and_times(o: Any) -> str:
    badges = ""
    if o.has_evening:
        evening = conditional_escape(_("평일 저녁"))
        badges += f'<span class="badge">{evening}</span>'
    if o.has_weekend:
        weekend = conditional_escape(_("주말"))
        badges += f'<span class="badge">{weekend}</span>'
    start, end = date_format(o.start_date, "SHORT_DATE_FORMAT"), date_format(o.end_date, "SHORT_DATE_FORMAT")
    return f"<td>{start} – {end}</td><td>{badges}</td>"


def _seats(row: Any, full: str) -> str:
    if row.has_seats:
        return f'<td class="num"><span class="badge ok">{row.offering.seats_left}</span></td>'
    return f'<td class="num"><span class="badge warn">{conditional_escape(full)}</span></td>'


def _recommendation_rows(result: Any, reason: Callable[[Any], str]) -> SafeString:
    """Recommended offerings: course, the needs it answers (`reason` words each), dates, times, seats."""
    full = _("마감(대기 가능)")
    out = []
    for r in result.offerings:
        needs = "".join(format_html('<span class="badge">{}</span>', reason(n)) for n in r.needs)
        out.append(
            f"<tr>{_offering(r.offering, track=True)}<td>{needs}</td>{_period_and_times(r.offering)}"
            f"{_seats(r, full)}</tr>\n"
        )
    return mark_safe("".join(out))  # noqa: S308 - every value above is escaped, a number or a date


@register.simple_tag
def worker_rows(result: Any) -> SafeString:
    """A worker's recommended offerings, each with the employer's needs it answers."""
    return _recommendation_rows(
        result, lambda n: _("회사 수요: %(comp)s %(n)s명") % {"comp": n.competency.name, "n": n.headcount}
    )


def _complex_need(need: Any) -> str:
    if need.shortfall:
        return _("산업단지 수요: %(comp)s %(n)s명 (부족 %(short)s명)") % {
            "comp": need.competency.name,
            "n": need.headcount,
            "short": need.shortfall,
        }
    return _("산업단지 수요: %(comp)s %(n)s명") % {"comp": need.competency.name, "n": need.headcount}


@register.simple_tag
def student_rows(result: Any) -> SafeString:
    """A student's recommended offerings, each with the complex's needs it answers."""
    return _recommendation_rows(result, _complex_need)


@register.simple_tag
def student_need_rows(result: Any) -> SafeString:
    """The competencies in most demand at a student's track: name (linked), people needed, shortfall."""
    return format_html_join(
        "\n",
        '<tr><td><a href="{}">{}</a> <small class="muted">{}</small></td><td class="num">{}</td><td class="num">{}</td></tr>',
        (
            (
                reverse("competencies:detail", args=[n.competency.code]),
                n.competency.name,
                n.competency.code,
                grouped(n.headcount),
                grouped(n.shortfall) if n.shortfall else "–",
            )
            for n in result.needs
        ),
    )


@register.simple_tag
def covering_rows(coverage: Any) -> SafeString:
    """The offerings that cover one of a company's needs, with the workers to nominate."""
    full = pgettext("seats", "마감")
    fits = conditional_escape(_("시간 맞음"))
    nobody = conditional_escape(_("추천할 직원 없음"))
    nominate = conditional_escape(_("강좌 페이지에서 추천하기"))
    out = []
    for row in coverage.offerings:
        if row.nominees:
            names = "<br>".join(  # one per line: a badge's margin before a comma read as a stray space
                conditional_escape(n.worker.name) + (f' <span class="badge ok">{fits}</span>' if n.fits else "")
                for n in row.nominees
            )
        else:
            names = f'<span class="muted">{nobody}</span>'
        if row.more:
            names += " " + conditional_escape(_("외 %(n)s명") % {"n": row.more})
        if row.nominees:
            href = reverse("courses:offering", args=[row.offering.pk])
            names += f'\n<br><a href="{href}">{nominate}</a>'
        out.append(
            f"<tr>{_offering(row.offering, track=False)}{_period_and_times(row.offering)}{_seats(row, full)}"
            f"<td>{names}</td></tr>"
        )
    return mark_safe("".join(out))  # noqa: S308 - every value above is escaped, a number or a date
