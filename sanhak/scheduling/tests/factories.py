"""Scheduling test data: instructors and planned offerings of a test term."""

from __future__ import annotations

import datetime as dt

from sanhak.accounts.models import Role, RoleAssignment, User
from sanhak.competencies.models import Track
from sanhak.courses.models import Course, Offering
from sanhak.scheduling.models import OfferingPlan

TERM = "2027-T"


def instructor_create(email: str, name: str, institution) -> User:  # type: ignore[no-untyped-def]
    user = User.objects.create_user(email, "pw", name=name)
    RoleAssignment.objects.create(user=user, role=Role.INSTRUCTOR, institution=institution)
    return user


def offering_create(code: str, institution, monday: dt.date, capacity: int, instructors, **plan) -> Offering:  # type: ignore[no-untyped-def]
    course = Course.objects.create(
        code=code,
        title_ko=f"과목 {code}",
        institution=institution,
        track=Track.objects.get(code="technical"),
        mode="offline",
        hours=30,
    )
    offering = Offering.objects.create(
        course=course,
        term=TERM,
        start_date=monday,
        end_date=monday + dt.timedelta(days=27),
        capacity=capacity,
    )
    offering.instructors.set(instructors)
    OfferingPlan.objects.create(offering=offering, **plan)
    return offering
