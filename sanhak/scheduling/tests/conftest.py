import datetime as dt
from types import SimpleNamespace

import pytest
from django.utils import timezone

from sanhak.labs.tests.conftest import labs
from sanhak.scheduling.models import CampusTravel, InstructorAvailability, Room
from sanhak.scheduling.tests.factories import instructor_create, offering_create

__all__ = ["labs"]


@pytest.fixture
def term(personas, labs):  # type: ignore[no-untyped-def]
    """Four weeks from the first Monday two weeks ahead, at the lead university: two classrooms on two
    campuses 40 minutes apart and the robot lab; five offerings sharing two instructors."""
    lead = personas.lead
    monday = timezone.localdate() + dt.timedelta(days=14)
    while monday.weekday() != 0:
        monday += dt.timedelta(days=1)
    rooms = SimpleNamespace(
        r101=Room.objects.create(institution=lead, campus="미추홀", building="공학관", name="101", capacity=30),
        r201=Room.objects.create(institution=lead, campus="송도", building="7호관", name="201", capacity=20),
        lab=Room.objects.create(
            institution=lead,
            campus="미추홀",
            building="공학관",
            name="B101",
            capacity=20,
            is_lab=True,
            facility=labs.facility,
        ),
    )
    CampusTravel.objects.create(campus_a="미추홀", campus_b="송도", minutes=40)
    kim = instructor_create("kim@sanhak.test", "김강사", lead)
    InstructorAvailability.objects.create(instructor=kim, weekday=1, start=dt.time(9), end=dt.time(22))
    InstructorAvailability.objects.create(instructor=kim, weekday=3, start=dt.time(9), end=dt.time(22))
    InstructorAvailability.objects.create(instructor=kim, weekday=5, start=dt.time(9), end=dt.time(18))
    choi = personas.instructor
    o = SimpleNamespace(
        a=offering_create("T-A", lead, monday, 20, [choi], weekly_sessions=2, session_minutes=180, cohort_group="A반"),
        b=offering_create("T-B", lead, monday, 15, [kim], session_minutes=180, cohort_group="A반"),
        c=offering_create("T-C", lead, monday, 25, [choi], cohort="student", weekly_sessions=2, session_minutes=120),
        d=offering_create("T-D", lead, monday, 10, [kim], session_minutes=120, needs_lab=True),
        e=offering_create("T-E", lead, monday, 18, [kim, choi], cohort="student", session_minutes=180),
    )
    return SimpleNamespace(monday=monday, rooms=rooms, kim=kim, choi=choi, offerings=o, lead=lead)
