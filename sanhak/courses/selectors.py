"""Reads of the catalog: search and filters, shared by the pages and the API."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db.models import Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from sanhak.common.prepared import Prepared
from sanhak.courses.models import Course, CourseCompetency, Offering
from sanhak.courses.search import query_terms

QS = TypeVar("QS", bound=QuerySet[Any])


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


def competencies_prefetch(lookup: str) -> Prefetch[Any]:
    """A course's competencies with their names, in code order (one query for any number of courses)."""
    return Prefetch(lookup, queryset=CourseCompetency.objects.select_related("competency").order_by("competency__code"))


def _filter_courses(qs: QS, filters: CatalogFilters, prefix: str = "") -> QS:
    """The course-level search and filters, on courses (prefix "") or on offerings ("course__")."""
    qs = qs.filter(**{f"{prefix}is_active": True})
    for term in query_terms(filters.q):
        qs = qs.filter(**{f"{prefix}search_tokens__contains": term})
    if filters.track:
        qs = qs.filter(**{f"{prefix}track_id": filters.track})
    if filters.institution:
        qs = qs.filter(**{f"{prefix}institution__code": filters.institution})
    if filters.competency:
        qs = qs.filter(**{f"{prefix}course_competencies__competency__code": filters.competency})
    if filters.mode:
        qs = qs.filter(**{f"{prefix}mode": filters.mode})
    return qs


# the newest change of a course and of an offering, in one query of two index scans (every catalog page
# view reads them). Courses outside: there is no offering without a course.
_LATEST_CHANGES = Prepared(
    lambda: (
        Course.objects.order_by("-updated_at")
        .annotate(offering_changed=Subquery(Offering.objects.order_by("-updated_at").values("updated_at")[:1]))
        .values_list("offering_changed", "updated_at")[:1]
    )
)


def catalog_version() -> str:
    """Changes whenever anything the catalog shows changes (every write to a course or an offering,
    seat counts included, moves its updated_at); two index look-ups."""
    latest = rows[0] if (rows := _LATEST_CHANGES()) else (None, None)
    return "-".join(f"{t.timestamp():.6f}" if t else "0" for t in latest)


def catalog_courses(filters: CatalogFilters) -> QuerySet[Course]:
    """Active courses, searched and filtered like the catalog's offerings, by code."""
    qs = Course.objects.select_related("institution", "track").prefetch_related(
        competencies_prefetch("course_competencies")
    )
    return _filter_courses(qs, filters).order_by("code")


def catalog_offerings(filters: CatalogFilters, *, today: dt.date | None = None) -> QuerySet[Offering]:
    today = today or timezone.localdate()
    qs = Offering.objects.select_related("course__institution", "course__track").prefetch_related(
        competencies_prefetch("course__course_competencies")
    )
    if not filters.include_past:
        qs = qs.filter(end_date__gte=today)
    qs = _filter_courses(qs, filters, "course__")
    if filters.schedule == "evening":
        qs = qs.filter(has_evening=True)
    elif filters.schedule == "weekend":
        qs = qs.filter(has_weekend=True)
    elif filters.schedule == "evening_or_weekend":
        qs = qs.filter(Q(has_evening=True) | Q(has_weekend=True))
    if filters.open_seats:
        qs = qs.with_open_seats()
    return qs.order_by("start_date", "id")
