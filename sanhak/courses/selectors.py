"""Reads of the catalog: search and filters, shared by the pages and the API."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from sanhak.courses.models import CourseCompetency, Offering
from sanhak.courses.search import query_terms


@dataclass(frozen=True)
class CatalogFilters:
    q: str = ""
    track: str = ""
    institution: str = ""
    competency: str = ""
    mode: str = ""
    schedule: str = ""  # "evening" | "weekend" | ""
    open_seats: bool = False
    include_past: bool = False


def catalog_offerings(filters: CatalogFilters, *, today: dt.date | None = None) -> QuerySet[Offering]:
    today = today or timezone.localdate()
    qs = Offering.objects.select_related("course__institution", "course__track").prefetch_related(
        Prefetch(
            "course__course_competencies",
            queryset=CourseCompetency.objects.select_related("competency").order_by("competency__code"),
        )
    )
    if not filters.include_past:
        qs = qs.filter(end_date__gte=today)
    qs = qs.filter(course__is_active=True)
    for term in query_terms(filters.q):
        qs = qs.filter(course__search_tokens__contains=term)
    if filters.track:
        qs = qs.filter(course__track_id=filters.track)
    if filters.institution:
        qs = qs.filter(course__institution__code=filters.institution)
    if filters.competency:
        qs = qs.filter(course__course_competencies__competency__code=filters.competency)
    if filters.mode:
        qs = qs.filter(course__mode=filters.mode)
    if filters.schedule == "evening":
        qs = qs.filter(has_evening=True)
    elif filters.schedule == "weekend":
        qs = qs.filter(has_weekend=True)
    elif filters.schedule == "evening_or_weekend":
        qs = qs.filter(Q(has_evening=True) | Q(has_weekend=True))
    if filters.open_seats:
        qs = qs.with_open_seats()
    return qs.order_by("start_date", "id")
