"""REST API: the public course catalog (courses and their offerings). Anyone may read it."""

# No `from __future__ import annotations` here: django-ninja reads the endpoint annotations at import time.

import datetime as dt
from typing import Any, Literal

from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, P, PathEx, Query, Router, Schema
from ninja.pagination import paginate

from sanhak.api.schemas import LocalTime, Pagination, PathId, errors
from sanhak.courses.models import Course, CourseCompetency, Mode, Offering
from sanhak.courses.selectors import CatalogFilters, catalog_courses, catalog_offerings, competencies_prefetch

router = Router(tags=["courses"])


# Schemas -----------------------------------------------------------------------------------------


class InstitutionOut(Schema):
    code: str
    name_ko: str
    name_en: str


class TrackOut(Schema):
    code: str
    name_ko: str
    name_en: str


class CourseCompetencyOut(Schema):
    code: str
    name_ko: str
    name_en: str
    target_level: int

    @staticmethod
    def resolve_code(obj: CourseCompetency) -> str:
        return obj.competency.code

    @staticmethod
    def resolve_name_ko(obj: CourseCompetency) -> str:
        return obj.competency.name_ko

    @staticmethod
    def resolve_name_en(obj: CourseCompetency) -> str:
        return obj.competency.name_en


class CourseOut(Schema):
    code: str
    title_ko: str
    title_en: str
    description: str
    institution: InstitutionOut
    track: TrackOut
    mode: str = Field(description="online | offline | blended")
    hours: int
    competencies: list[CourseCompetencyOut]

    @staticmethod
    def resolve_competencies(obj: Course) -> list[CourseCompetency]:
        return list(obj.course_competencies.all())


class CourseRef(Schema):
    code: str
    title_ko: str
    title_en: str


class CourseDetailOut(CourseOut):
    is_active: bool
    prerequisites: list[CourseRef]

    @staticmethod
    def resolve_prerequisites(obj: Course) -> list[Course]:
        return list(obj.prerequisites.all())


class OfferingOut(Schema):
    id: int
    course: CourseOut
    term: str
    start_date: dt.date
    end_date: dt.date
    capacity: int
    approved_count: int
    seats_left: int
    location: str
    has_evening: bool
    has_weekend: bool
    is_open: bool
    instructors: list[str] = Field(description="instructors' names")

    @staticmethod
    def resolve_instructors(obj: Offering) -> list[str]:
        return [u.name for u in obj.instructors.all()]


class SessionOut(Schema):
    date: dt.date
    start_time: LocalTime
    end_time: LocalTime
    room: str


class OfferingDetailOut(OfferingOut):
    sessions: list[SessionOut]

    @staticmethod
    def resolve_sessions(obj: Offering) -> list[Any]:
        return list(obj.sessions.all())


class CourseFilters(Schema):
    q: str = Field("", max_length=200, description="search words (Korean morphemes match word prefixes)")
    track: str = Field("", max_length=20, description="track code: rnd | technical | skilled")
    institution: str = Field("", max_length=40, description="institution code, e.g. inu")
    competency: str = Field("", max_length=20, description="competency code, e.g. SM-AUT-01")
    mode: Mode | None = None

    def to_catalog(self) -> CatalogFilters:
        return CatalogFilters(
            q=self.q, track=self.track, institution=self.institution, competency=self.competency, mode=self.mode or ""
        )


class OfferingFilters(CourseFilters):
    schedule: Literal["evening", "weekend", "evening_or_weekend"] | None = None
    open_seats: bool = Field(False, description="only offerings with a free seat")
    include_past: bool = Field(False, description="also offerings that have ended")

    def to_catalog(self) -> CatalogFilters:
        return CatalogFilters(
            q=self.q,
            track=self.track,
            institution=self.institution,
            competency=self.competency,
            mode=self.mode or "",
            schedule=self.schedule or "",
            open_seats=self.open_seats,
            include_past=self.include_past,
        )


# Reads -------------------------------------------------------------------------------------------


def offering_public(pk: int, *, details: bool = True) -> Offering:
    """An offering by id, like the offering page: offerings are public, so any id may be asked for.

    `details` loads what the offering's JSON shows (course, competencies, instructors, sessions)."""
    qs = Offering.objects.filter(pk=pk)
    if details:
        qs = qs.select_related("course__institution", "course__track").prefetch_related(
            competencies_prefetch("course__course_competencies"), "instructors", "sessions"
        )
    offering = qs.first()
    if offering is None:
        raise Http404(_("강좌를 찾을 수 없습니다. / Offering not found."))
    return offering


# Endpoints ---------------------------------------------------------------------------------------


@router.get("/courses", response={200: list[CourseOut], **errors(422)}, auth=None, summary="List courses (public)")
@paginate(Pagination)
def course_list(request: HttpRequest, filters: Query[CourseFilters]) -> QuerySet[Course]:
    """Active courses of the catalog, by code, with the catalog's search and filters."""
    return catalog_courses(filters.to_catalog())


@router.get(
    "/courses/{code}",
    response={200: CourseDetailOut, **errors(404, 422)},
    auth=None,
    summary="One course (public)",
)
def course_detail(request: HttpRequest, code: PathEx[str, P(max_length=30)]) -> Course:
    """Like the course page, this also answers for a course no longer run (`is_active` false)."""
    course = (
        Course.objects.select_related("institution", "track")
        .prefetch_related(competencies_prefetch("course_competencies"), "prerequisites")
        .filter(code=code)
        .first()
    )
    if course is None:
        raise Http404(_("과목을 찾을 수 없습니다. / Course not found."))
    return course


@router.get(
    "/offerings", response={200: list[OfferingOut], **errors(422)}, auth=None, summary="List offerings (public)"
)
@paginate(Pagination)
def offering_list(request: HttpRequest, filters: Query[OfferingFilters]) -> QuerySet[Offering]:
    """Offerings of the catalog, by start date: current and upcoming unless `include_past`."""
    return catalog_offerings(filters.to_catalog()).prefetch_related("instructors")


@router.get(
    "/offerings/{offering_id}",
    response={200: OfferingDetailOut, **errors(404, 422)},
    auth=None,
    summary="One offering with its sessions (public)",
)
def offering_detail(request: HttpRequest, offering_id: PathId) -> Offering:
    return offering_public(offering_id)
