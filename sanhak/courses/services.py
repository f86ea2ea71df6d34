"""Writes to the course catalog."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from django.db import transaction

from sanhak.courses.models import Course, CourseCompetency, Offering, Session
from sanhak.courses.search import index_text

if TYPE_CHECKING:
    from sanhak.accounts.models import Institution, User
    from sanhak.competencies.models import Competency, Track


def course_search_text(course: Course, competency_names: Iterable[str]) -> str:
    return index_text(course.code, course.title_ko, course.title_en, course.description, *competency_names)


def course_reindex(*, course: Course) -> Course:
    names = [cc.competency.name_ko for cc in course.course_competencies.select_related("competency")]
    course.search_tokens = course_search_text(course, names)
    course.save(update_fields=["search_tokens", "updated_at"])
    return course


@transaction.atomic
def course_create(
    *,
    code: str,
    title_ko: str,
    institution: Institution,
    track: Track,
    mode: str,
    hours: int,
    title_en: str = "",
    description: str = "",
    competencies: Sequence[tuple[Competency, int]] = (),
    prerequisites: Sequence[Course] = (),
) -> Course:
    course = Course(
        code=code,
        title_ko=title_ko,
        title_en=title_en,
        description=description,
        institution=institution,
        track=track,
        mode=mode,
        hours=hours,
    )
    course.full_clean()
    course.search_tokens = course_search_text(course, [c.name_ko for c, _ in competencies])
    course.save()
    CourseCompetency.objects.bulk_create(
        CourseCompetency(course=course, competency=c, target_level=level) for c, level in competencies
    )
    if prerequisites:
        course.prerequisites.set(prerequisites)
    return course


def offering_refresh_schedule(*, offering: Offering) -> Offering:
    sessions = list(offering.sessions.all())
    offering.has_evening = any(s.is_evening for s in sessions)
    offering.has_weekend = any(s.is_weekend for s in sessions)
    offering.save(update_fields=["has_evening", "has_weekend", "updated_at"])
    return offering


@transaction.atomic
def offering_create(
    *,
    course: Course,
    term: str,
    start_date: dt.date,
    end_date: dt.date,
    capacity: int,
    location: str = "",
    instructors: Sequence[User] = (),
    sessions: Sequence[tuple[dt.date, dt.time, dt.time, str]] = (),
) -> Offering:
    offering = Offering(
        course=course, term=term, start_date=start_date, end_date=end_date, capacity=capacity, location=location
    )
    offering.full_clean()
    offering.save()
    if instructors:
        offering.instructors.set(instructors)
    Session.objects.bulk_create(
        Session(offering=offering, date=d, start_time=s, end_time=e, room=room) for d, s, e, room in sessions
    )
    return offering_refresh_schedule(offering=offering)
