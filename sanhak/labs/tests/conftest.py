"""Labs fixtures: the demo equipment types, one lab at the lead university with a robot cell (needs
the robot safety course, approval required) and a PLC trainer (no training, no approval)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.utils import timezone

from sanhak.courses.models import Course
from sanhak.labs.demo import equipment_types_ensure, safety_courses_ensure
from sanhak.labs.models import BookingRules, Equipment, EquipmentType, Facility, Reservation, ReservationStatus
from sanhak.labs.rules import is_open_day


@dataclass(frozen=True)
class Labs:
    types: dict[str, EquipmentType]
    facility: Facility
    robot: Equipment
    plc: Equipment
    safety: Course


@pytest.fixture
def labs(personas):  # type: ignore[no-untyped-def]
    types = equipment_types_ensure()
    courses = safety_courses_ensure(personas.lead)
    facility = Facility.objects.create(
        institution=personas.lead, name="스마트팩토리 실습실", building="공학관", room="B101"
    )
    robot = Equipment.objects.create(
        code="EQ-R1", name="협동로봇 셀", type=types["robot-cell"], facility=facility, responsible=personas.lab_manager
    )
    robot.required_courses.add(courses["LAB-SAFE-ROBOT"])
    plc = Equipment.objects.create(code="EQ-P1", name="PLC 트레이너", type=types["plc-trainer"], facility=facility)
    return Labs(types=types, facility=facility, robot=robot, plc=plc, safety=courses["LAB-SAFE-ROBOT"])


def open_day(rules: BookingRules, *, after_days: int = 2) -> dt.date:
    """The first day at least `after_days` from today on which `rules` open (no weekend, no holiday)."""
    day = timezone.localdate() + dt.timedelta(days=after_days)
    while not is_open_day(rules, day):
        day += dt.timedelta(days=1)
    return day


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    """An aware datetime in Korean time."""
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=timezone.get_current_timezone())


def reserve(equipment, user, start, end, status=ReservationStatus.CONFIRMED, **extra):  # type: ignore[no-untyped-def]
    """A reservation row as the services would write it (blocked until the end plus the buffer),
    written directly: for setting the scene without the booking rules."""
    buffer = dt.timedelta(minutes=equipment.effective_rules.buffer_minutes)
    return Reservation.objects.create(
        equipment=equipment,
        user=user,
        created_by=user,
        starts_at=start,
        ends_at=end,
        blocked_until=end + buffer,
        status=status,
        **extra,
    )
