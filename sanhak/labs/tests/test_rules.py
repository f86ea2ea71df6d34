"""Booking rules, one at a time, with their exact messages and codes; the free-slot search and the
utilization figures on hand-made data.

Dates are fixed (a week in January 2027) and `now` is passed explicitly, so nothing depends on the
day the suite runs: 2027-01-04 is a Monday, 2027-01-01 (신정) and 2027-02-09 (설날 대체 휴일) are
Korean public holidays.
"""

from __future__ import annotations

import datetime as dt

import holidays
import pytest
from django.utils import translation

from sanhak.courses.services import offering_create
from sanhak.enrollment.models import Enrollment
from sanhak.enrollment.models import Status as EnrollmentStatus
from sanhak.labs import selectors
from sanhak.labs.models import (
    Blackout,
    BookingRules,
    Equipment,
    EquipmentStatus,
    Reservation,
    ReservationStatus,
    TrainingRecord,
)
from sanhak.labs.rules import (
    Request,
    calendar_problems,
    holiday_name,
    is_open_day,
    notice_problems,
    week_bounds,
    when_text,
)
from sanhak.labs.selectors import FreeSlot, SlotQuery, free_slots, subtract, utilization
from sanhak.labs.services import Booking, booking_problems, conflict_error, conflicts
from sanhak.labs.tests.conftest import at, reserve

pytestmark = pytest.mark.django_db


def free(start, end, latest):  # type: ignore[no-untyped-def]
    """The FreeSlot of these (aware) times."""
    return FreeSlot(int(start.timestamp()), int(end.timestamp()), int(latest.timestamp()))


MON = dt.date(2027, 1, 4)
TUE = dt.date(2027, 1, 5)
SAT = dt.date(2027, 1, 9)
SUN = dt.date(2027, 1, 10)
NOW = at(MON, 12)  # the day before TUE, midday

MSG_ORDER = "종료 시각이 시작 시각보다 늦어야 합니다. / The end must be after the start."
MSG_SLOT_30 = "예약은 09:00부터 30분 단위로 할 수 있습니다. / Bookings go in 30-minute steps from 09:00."
MSG_HOURS = "운영 시간(09:00–22:00) 안에서만 예약할 수 있습니다. / Bookings must fit the opening hours (09:00–22:00)."
MSG_SUNDAY = "일요일에는 운영하지 않습니다. / The equipment is closed on that weekday."
MSG_NOTICE_SHORT = "시작 60분 전까지 예약해야 합니다. / Bookings must be made at least 60 minutes ahead."
MSG_NOTICE_LONG = "60일 이후의 예약은 아직 열리지 않았습니다. / Bookings open 60 days ahead."
MSG_TRAINING = (
    "이 장비를 예약하려면 먼저 다음 교육을 이수해야 합니다: 산업용 로봇 안전교육 (LAB-SAFE-ROBOT) / "
    "Complete this training before booking: 산업용 로봇 안전교육 (LAB-SAFE-ROBOT)"
)


def codes(problems):
    return [(p.code, p.message) for p in problems]


def problems_of(equipment, user, start, end, *, created_by=None, now=NOW):
    booking = Booking(equipment=equipment, user=user, starts_at=start, ends_at=end, created_by=created_by or user)
    return booking_problems(booking, now=now)


# --- the calendar: duration, slot grid, opening hours, weekdays, holidays --------------------------


def test_the_fixture_rules_are_the_demo_defaults(labs):
    robot, plc = labs.robot.effective_rules, labs.plc.effective_rules
    assert (robot.min_minutes, robot.max_minutes, robot.slot_minutes, robot.buffer_minutes) == (30, 240, 30, 30)
    assert (robot.approval_required, robot.weekly_quota_hours, robot.max_active_per_user) == (True, 8, 4)
    assert (plc.min_minutes, plc.max_minutes, plc.slot_minutes, plc.buffer_minutes) == (30, 180, 30, 0)
    assert (plc.approval_required, plc.weekly_quota_hours, plc.open_weekdays) == (False, 12, "012345")
    assert (plc.opens_at, plc.closes_at, plc.min_notice_minutes, plc.max_notice_days) == (
        dt.time(9),
        dt.time(22),
        60,
        60,
    )


def test_a_booking_inside_every_rule_has_no_problem(labs, personas):
    assert problems_of(labs.plc, personas.student, at(TUE, 19), at(TUE, 22)) == []
    assert problems_of(labs.plc, personas.student, at(TUE, 9), at(TUE, 9, 30)) == []  # opening, shortest
    assert problems_of(labs.plc, personas.student, at(SAT, 10), at(SAT, 11)) == []  # Saturday is open


def test_end_before_start_is_the_only_problem_reported(labs, personas):
    problems = problems_of(labs.plc, personas.student, at(TUE, 11), at(TUE, 10))
    assert codes(problems) == [("order", MSG_ORDER)]
    assert codes(problems_of(labs.plc, personas.student, at(TUE, 11), at(TUE, 11))) == [("order", MSG_ORDER)]


def test_too_short_a_booking(labs):
    problems = calendar_problems(Request(labs.plc.effective_rules, at(TUE, 10), at(TUE, 10, 10)))
    assert codes(problems) == [
        (
            "duration",
            "이용 시간은 30–180분이어야 합니다(요청: 10분). / A booking must last 30–180 minutes (asked: 10).",
        ),
        ("slot", MSG_SLOT_30),
    ]


def test_too_long_a_booking(labs):
    problems = calendar_problems(Request(labs.plc.effective_rules, at(TUE, 10), at(TUE, 13, 30)))
    assert codes(problems) == [
        (
            "duration",
            "이용 시간은 30–180분이어야 합니다(요청: 210분). / A booking must last 30–180 minutes (asked: 210).",
        )
    ]
    # The robot cell allows four hours.
    assert calendar_problems(Request(labs.robot.effective_rules, at(TUE, 10), at(TUE, 14))) == []


def test_off_the_slot_grid(labs):
    for start, end in [((10, 15), (11, 15)), ((10, 0), (10, 45)), ((9, 10), (10, 10))]:  # start, length, both
        problems = calendar_problems(Request(labs.plc.effective_rules, at(TUE, *start), at(TUE, *end)))
        assert codes(problems) == [("slot", MSG_SLOT_30)], (start, end)


def test_the_grid_follows_the_rules_step_and_opening_time(labs):
    rules = BookingRules.objects.create(name="1시간 단위", slot_minutes=60, opens_at=dt.time(8, 30), max_minutes=480)
    assert calendar_problems(Request(rules, at(TUE, 8, 30), at(TUE, 10, 30))) == []
    assert codes(calendar_problems(Request(rules, at(TUE, 9), at(TUE, 10)))) == [
        ("slot", "예약은 08:30부터 60분 단위로 할 수 있습니다. / Bookings go in 60-minute steps from 08:30.")
    ]


def test_outside_opening_hours(labs):
    for start, end in [((8, 30), (9, 30)), ((21, 30), (22, 30)), ((7, 0), (8, 0))]:  # early, late, before
        problems = calendar_problems(Request(labs.plc.effective_rules, at(TUE, *start), at(TUE, *end)))
        assert codes(problems) == [("hours", MSG_HOURS)], (start, end)


def test_a_booking_may_end_at_closing_time(labs):
    assert calendar_problems(Request(labs.plc.effective_rules, at(TUE, 19), at(TUE, 22))) == []


def test_closed_weekday(labs, personas):
    assert codes(calendar_problems(Request(labs.plc.effective_rules, at(SUN, 10), at(SUN, 11)))) == [
        ("closed_day", MSG_SUNDAY)
    ]
    rules = BookingRules.objects.create(name="평일만", open_weekdays="01234")
    assert codes(calendar_problems(Request(rules, at(SAT, 10), at(SAT, 11)))) == [
        ("closed_day", "토요일에는 운영하지 않습니다. / The equipment is closed on that weekday.")
    ]
    assert (is_open_day(rules, SAT), is_open_day(rules, TUE)) == (False, True)


def test_the_holiday_names_come_from_the_holidays_package():
    kr = holidays.country_holidays("KR", years=2027, language="ko")
    assert holiday_name(dt.date(2027, 1, 1)) == kr[dt.date(2027, 1, 1)] == "신정연휴"
    assert [holiday_name(dt.date(2027, 2, d)) for d in (5, 6, 7, 8, 9, 10)] == [
        None,
        "설날 전날",
        "설날",
        "설날 다음날",
        "설날 대체 휴일",
        None,
    ]


def test_public_holiday(labs):
    rules = labs.plc.effective_rules
    new_year = dt.date(2027, 1, 1)  # a Friday
    assert codes(calendar_problems(Request(rules, at(new_year, 10), at(new_year, 11)))) == [
        ("holiday", "2027-01-01은(는) 공휴일(신정연휴)이라 휴무입니다. / 2027-01-01 is a public holiday (신정연휴).")
    ]
    substitute = dt.date(2027, 2, 9)  # a Tuesday: the substitute holiday of Seollal
    assert codes(calendar_problems(Request(rules, at(substitute, 10), at(substitute, 11)))) == [
        (
            "holiday",
            "2027-02-09은(는) 공휴일(설날 대체 휴일)이라 휴무입니다. / 2027-02-09 is a public holiday (설날 대체 휴일).",
        )
    ]
    seollal = dt.date(2027, 2, 7)  # a Sunday as well: the holiday is the reason given
    assert [p.code for p in calendar_problems(Request(rules, at(seollal, 10), at(seollal, 11)))] == ["holiday"]


def test_weekdays_and_holidays_in_the_active_language(labs):
    rules = labs.plc.effective_rules
    new_year = dt.date(2027, 1, 1)
    with translation.override("en"):
        assert when_text(at(TUE, 19), at(TUE, 21)) == "2027-01-05(Tue) 19:00–21:00"
        week = [MON + dt.timedelta(days=d) for d in range(7)]
        assert [when_text(at(day, 9), at(day, 10))[11:14] for day in week] == [
            "Mon",
            "Tue",
            "Wed",
            "Thu",
            "Fri",
            "Sat",
            "Sun",
        ]
        assert holiday_name(new_year) == "New Year's Day"
        assert holiday_name(dt.date(2027, 2, 9)) == "Alternative holiday for Korean New Year"
        assert codes(calendar_problems(Request(rules, at(SUN, 10), at(SUN, 11)))) == [
            ("closed_day", "The equipment is closed on that weekday (Sun).")
        ]
        assert codes(calendar_problems(Request(rules, at(new_year, 10), at(new_year, 11)))) == [
            ("holiday", "2027-01-01 is a public holiday (New Year's Day).")
        ]
    # back in Korean (the names are cached per language)
    assert when_text(at(TUE, 19), at(TUE, 21)) == "2027-01-05(화) 19:00–21:00"
    assert holiday_name(new_year) == "신정연휴"


def test_equipment_open_on_holidays(labs):
    rules = BookingRules.objects.create(name="연중무휴", open_weekdays="0123456", closed_on_holidays=False)
    substitute = dt.date(2027, 2, 9)
    assert calendar_problems(Request(rules, at(substitute, 10), at(substitute, 11))) == []
    assert is_open_day(rules, dt.date(2027, 2, 7))


# --- notice ----------------------------------------------------------------------------------------


def test_min_notice(labs, personas):
    rules = labs.plc.effective_rules
    req = Request(rules, at(TUE, 10), at(TUE, 11))
    assert codes(notice_problems(req, at(TUE, 9, 30))) == [("notice_short", MSG_NOTICE_SHORT)]
    assert notice_problems(req, at(TUE, 9)) == []  # exactly 60 minutes ahead
    assert codes(problems_of(labs.plc, personas.student, at(TUE, 10), at(TUE, 11), now=at(TUE, 9, 1))) == [
        ("notice_short", MSG_NOTICE_SHORT)
    ]


def test_max_notice(labs, personas):
    req = Request(labs.plc.effective_rules, at(TUE, 10), at(TUE, 11))
    assert codes(notice_problems(req, at(TUE, 10) - dt.timedelta(days=60, minutes=1))) == [
        ("notice_long", MSG_NOTICE_LONG)
    ]
    assert notice_problems(req, at(TUE, 10) - dt.timedelta(days=60)) == []


# --- blackouts and equipment status ----------------------------------------------------------------


def test_equipment_blackout(labs, personas):
    Blackout.objects.create(equipment=labs.plc, starts_at=at(TUE, 9), ends_at=at(TUE, 12), reason="정기 점검")
    assert codes(problems_of(labs.plc, personas.student, at(TUE, 11), at(TUE, 12))) == [
        (
            "blackout",
            "예약 불가 기간입니다: 정기 점검 (2027-01-05(화) 09:00–12:00) / The equipment is unavailable then: 정기 점검",
        )
    ]
    assert problems_of(labs.plc, personas.student, at(TUE, 12), at(TUE, 13)) == []  # right after it
    assert problems_of(labs.plc, personas.student, at(dt.date(2027, 1, 6), 10), at(dt.date(2027, 1, 6), 11)) == []


def test_facility_blackout_covers_every_piece_in_the_lab(labs, personas):
    Blackout.objects.create(facility=labs.facility, starts_at=at(TUE, 18), ends_at=at(TUE, 22), reason="실습실 소독")
    TrainingRecord.objects.create(user=personas.student, course=labs.safety, completed_on=MON)
    expected = [
        (
            "blackout",
            "예약 불가 기간입니다: 실습실 소독 (2027-01-05(화) 18:00–22:00) / The equipment is unavailable then: 실습실 소독",
        )
    ]
    assert codes(problems_of(labs.plc, personas.student, at(TUE, 20), at(TUE, 21))) == expected
    assert codes(problems_of(labs.robot, personas.student, at(TUE, 17), at(TUE, 19))) == expected
    # Staff are bound by blackouts too.
    assert codes(problems_of(labs.plc, personas.lab_manager, at(TUE, 20), at(TUE, 21))) == expected


def test_equipment_under_maintenance(labs, personas):
    Equipment.objects.filter(pk=labs.plc.pk).update(
        status=EquipmentStatus.MAINTENANCE, status_reason="서보 모터 교체", expected_return=dt.date(2027, 1, 20)
    )
    plc = Equipment.objects.get(pk=labs.plc.pk)
    assert codes(problems_of(plc, personas.student, at(TUE, 10), at(TUE, 11))) == [
        (
            "equipment_unavailable",
            "PLC 트레이너은(는) 지금 예약할 수 없습니다: 점검 중 — 서보 모터 교체 (복귀 예정 2027-01-20) / "
            "PLC 트레이너 cannot be booked now.",
        )
    ]
    Equipment.objects.filter(pk=plc.pk).update(
        status=EquipmentStatus.RETIRED, status_reason="노후", expected_return=None
    )
    plc = Equipment.objects.get(pk=plc.pk)
    assert codes(problems_of(plc, personas.lab_manager, at(TUE, 10), at(TUE, 11))) == [
        (
            "equipment_unavailable",
            "PLC 트레이너은(는) 지금 예약할 수 없습니다: 사용 중지 — 노후 / PLC 트레이너 cannot be booked now.",
        )
    ]


# --- the booker's own limits -----------------------------------------------------------------------


def test_training_required(labs, personas):
    problems = problems_of(labs.robot, personas.student, at(TUE, 10), at(TUE, 11))
    assert codes(problems) == [("training_required", MSG_TRAINING)]
    assert problems[0].status == 403


def test_a_training_record_satisfies_the_prerequisite(labs, personas):
    TrainingRecord.objects.create(
        user=personas.student, course=labs.safety, completed_on=MON, recorded_by=personas.lab_manager
    )
    assert problems_of(labs.robot, personas.student, at(TUE, 10), at(TUE, 11)) == []
    assert codes(problems_of(labs.robot, personas.worker, at(TUE, 12), at(TUE, 13))) == [
        ("training_required", MSG_TRAINING)
    ]


def test_a_completed_enrollment_in_the_safety_course_satisfies_the_prerequisite(labs, personas):
    offering = offering_create(
        course=labs.safety, term="2026-2", start_date=dt.date(2026, 9, 1), end_date=dt.date(2026, 9, 30), capacity=30
    )
    approved = Enrollment.objects.create(offering=offering, trainee=personas.worker, status=EnrollmentStatus.APPROVED)
    assert [p.code for p in problems_of(labs.robot, personas.worker, at(TUE, 10), at(TUE, 11))] == ["training_required"]
    approved.status = EnrollmentStatus.COMPLETED
    approved.save()
    assert problems_of(labs.robot, personas.worker, at(TUE, 10), at(TUE, 11)) == []


def test_max_active_bookings_per_user(labs, personas):
    for day in (5, 6, 7, 8):
        reserve(labs.plc, personas.student, at(dt.date(2027, 1, day), 10), at(dt.date(2027, 1, day), 11))
    reserve(labs.plc, personas.student, at(MON, 9), at(MON, 10), ReservationStatus.COMPLETED)  # ended before NOW
    reserve(labs.plc, personas.student, at(SAT, 9), at(SAT, 10), ReservationStatus.CANCELLED)
    assert codes(problems_of(labs.plc, personas.student, at(SAT, 10), at(SAT, 11))) == [
        (
            "max_active",
            "이 장비의 예약은 1인당 4건까지 가질 수 있습니다(현재 4건). / You may hold at most 4 active bookings of this equipment.",
        )
    ]
    # Someone else is not affected, nor is another piece of equipment.
    assert problems_of(labs.plc, personas.worker, at(SAT, 10), at(SAT, 11)) == []
    TrainingRecord.objects.create(user=personas.student, course=labs.safety, completed_on=MON)
    assert problems_of(labs.robot, personas.student, at(SAT, 10), at(SAT, 11)) == []


def test_weekly_quota(labs, personas):
    thursday, friday = dt.date(2027, 1, 7), dt.date(2027, 1, 8)
    now = at(thursday, 8)
    for day in (MON, TUE, dt.date(2027, 1, 6)):  # 3 h each, ended: they count for the quota, not as active
        reserve(labs.plc, personas.student, at(day, 10), at(day, 13), ReservationStatus.COMPLETED)
    reserve(labs.plc, personas.student, at(thursday, 10), at(thursday, 12))  # 2 h: 11 h this week
    reserve(labs.plc, personas.student, at(dt.date(2027, 1, 2), 10), at(dt.date(2027, 1, 2), 13))  # last week
    reserve(labs.plc, personas.student, at(friday, 9), at(friday, 10), ReservationStatus.CANCELLED)
    assert codes(problems_of(labs.plc, personas.student, at(friday, 10), at(friday, 12), now=now)) == [
        (
            "weekly_quota",
            "주간 이용 한도 12시간을 넘습니다(이번 주 11시간 예약됨). / This exceeds the weekly quota of 12 hours (11 booked this week).",
        )
    ]
    assert problems_of(labs.plc, personas.student, at(friday, 10), at(friday, 11), now=now) == []  # exactly 12
    next_monday = dt.date(2027, 1, 11)
    assert problems_of(labs.plc, personas.student, at(next_monday, 10), at(next_monday, 13), now=now) == []


def test_week_bounds_are_monday_to_monday_local_time():
    assert week_bounds(at(SUN, 23, 30)) == (at(MON, 0), at(dt.date(2027, 1, 11), 0))
    assert week_bounds(at(MON, 0)) == (at(MON, 0), at(dt.date(2027, 1, 11), 0))


def test_no_quota_when_empty(labs, personas):
    rules = BookingRules.objects.create(name="무제한", max_minutes=780, slot_minutes=60, max_active_per_user=10)
    Equipment.objects.filter(pk=labs.plc.pk).update(rules=rules)
    plc = Equipment.objects.get(pk=labs.plc.pk)
    for day in (MON, TUE, dt.date(2027, 1, 6)):
        reserve(plc, personas.student, at(day, 9), at(day, 22))
    assert problems_of(plc, personas.student, at(SAT, 9), at(SAT, 22), now=at(MON, 8)) == []


# --- staff ---------------------------------------------------------------------------------------


def test_lab_managers_are_exempt_from_notice_training_and_personal_limits(labs, personas):
    manager = personas.lab_manager
    for day in (5, 6, 7, 8):
        reserve(labs.robot, manager, at(dt.date(2027, 1, day), 9), at(dt.date(2027, 1, day), 13))  # 16 h, 4 active
    # No training, 30 minutes' notice, a fifth booking, over the 8-hour quota: all fine for a lab manager.
    assert problems_of(labs.robot, manager, at(SAT, 10), at(SAT, 11), now=at(SAT, 9, 30)) == []
    # Booking for a trainee (created_by the manager) skips the trainee's limits as well.
    assert problems_of(labs.robot, personas.student, at(SAT, 12), at(SAT, 13), created_by=manager) == []
    # A program admin manages every lab.
    assert problems_of(labs.robot, personas.admin, at(SAT, 14), at(SAT, 15), now=at(SAT, 13, 45)) == []
    # The calendar still binds them.
    assert codes(problems_of(labs.robot, manager, at(SUN, 10), at(SUN, 11))) == [("closed_day", MSG_SUNDAY)]


def test_a_lab_manager_of_another_institution_is_not_staff_here(labs, personas):
    from sanhak.accounts.models import Role, RoleAssignment

    RoleAssignment.objects.create(user=personas.instructor, role=Role.LAB_MANAGER, institution=personas.polytechnic)
    instructor = type(personas.instructor).objects.get(pk=personas.instructor.pk)
    assert [p.code for p in problems_of(labs.robot, instructor, at(TUE, 10), at(TUE, 11), now=at(TUE, 9, 30))] == [
        "notice_short",
        "training_required",
    ]


# --- overlaps and the buffer ---------------------------------------------------------------------


def test_buffer_time(labs, personas):
    taken = reserve(labs.robot, personas.worker, at(TUE, 10), at(TUE, 12))  # blocked until 12:30
    assert taken.blocked_until == at(TUE, 12, 30)

    def clash(start, end):
        booking = Booking(
            equipment=labs.robot,
            user=personas.lab_manager,
            starts_at=start,
            ends_at=end,
            created_by=personas.lab_manager,
        )
        return conflicts(booking)

    assert clash(at(TUE, 12), at(TUE, 13)) == [taken]  # inside the buffer
    assert clash(at(TUE, 12, 30), at(TUE, 13)) == []  # at blocked_until
    assert clash(at(TUE, 9), at(TUE, 10)) == [taken]  # its own buffer runs into the next booking
    assert clash(at(TUE, 8, 30), at(TUE, 9, 30)) == []
    # The PLC trainer has no buffer: back to back is fine.
    plc_taken = reserve(labs.plc, personas.worker, at(TUE, 10), at(TUE, 12))
    plc = Booking(
        equipment=labs.plc,
        user=personas.student,
        starts_at=at(TUE, 12),
        ends_at=at(TUE, 13),
        created_by=personas.student,
    )
    assert conflicts(plc) == []
    plc.starts_at = at(TUE, 11, 30)
    assert conflicts(plc) == [plc_taken]


def test_only_active_reservations_conflict(labs, personas):
    for status in (ReservationStatus.CANCELLED, ReservationStatus.REJECTED, ReservationStatus.NO_SHOW):
        reserve(labs.plc, personas.worker, at(TUE, 10), at(TUE, 12), status)
    booking = Booking(
        equipment=labs.plc,
        user=personas.student,
        starts_at=at(TUE, 10),
        ends_at=at(TUE, 11),
        created_by=personas.student,
    )
    assert conflicts(booking) == []
    pending = reserve(labs.plc, personas.worker, at(TUE, 10), at(TUE, 11), ReservationStatus.PENDING)
    assert conflicts(booking) == [pending]


def test_conflict_message_names_the_taken_times(labs, personas):
    first = reserve(labs.robot, personas.worker, at(TUE, 10), at(TUE, 11))
    second = reserve(labs.robot, personas.worker, at(TUE, 11, 30), at(TUE, 12))
    booking = Booking(
        equipment=labs.robot,
        user=personas.student,
        starts_at=at(TUE, 10),
        ends_at=at(TUE, 12),
        created_by=personas.student,
    )
    taken = conflicts(booking)
    assert taken == [first, second]
    error = conflict_error(booking, taken)
    assert (error.code, error.status) == ("conflict", 409)
    assert error.message == (
        "협동로봇 셀은(는) 이미 예약된 시간입니다: 2027-01-05(화) 10:00–11:00, 2027-01-05(화) 11:30–12:00 / "
        "협동로봇 셀 is already booked then: 2027-01-05(화) 10:00–11:00, 2027-01-05(화) 11:30–12:00"
    )


# --- free-slot search ----------------------------------------------------------------------------


def test_subtract():
    w = (at(TUE, 18), at(TUE, 22))
    assert subtract(w, []) == [w]
    assert subtract(w, [(at(TUE, 19), at(TUE, 20))]) == [(at(TUE, 18), at(TUE, 19)), (at(TUE, 20), at(TUE, 22))]
    # Unsorted, overlapping, touching and outside blocks.
    busy = [
        (at(TUE, 21), at(TUE, 23)),
        (at(TUE, 18, 30), at(TUE, 19)),
        (at(TUE, 17), at(TUE, 18)),
        (at(TUE, 18, 45), at(TUE, 19, 30)),
        (at(TUE, 19, 30), at(TUE, 20)),
    ]
    assert subtract(w, busy) == [(at(TUE, 18), at(TUE, 18, 30)), (at(TUE, 20), at(TUE, 21))]
    assert subtract(w, [(at(TUE, 17), at(TUE, 23))]) == []
    assert subtract(w, [(at(TUE, 12), at(TUE, 13)), (at(TUE, 22), at(TUE, 23))]) == [w]


def slots_of(equipment, query, now=NOW):
    [availability] = free_slots(Equipment.objects.filter(pk=equipment.pk), query, now=now)
    assert availability.equipment == equipment
    return availability.slots


def test_free_slots_around_one_booking(labs, personas):
    reserve(labs.plc, personas.worker, at(TUE, 19), at(TUE, 20))
    query = SlotQuery(TUE, TUE, dt.time(18), dt.time(22), 60)
    assert slots_of(labs.plc, query) == [
        free(at(TUE, 18), at(TUE, 19), at(TUE, 18)),
        free(at(TUE, 20), at(TUE, 22), at(TUE, 21)),
    ]


def test_free_slots_leave_room_for_the_buffer(labs, personas):
    reserve(labs.robot, personas.worker, at(TUE, 19), at(TUE, 20))  # blocked until 20:30
    query = SlotQuery(TUE, TUE, dt.time(18), dt.time(22), 60)
    # 18:00–18:30 is too short once the new booking's own 30-minute buffer must end by 19:00.
    assert slots_of(labs.robot, query) == [free(at(TUE, 20, 30), at(TUE, 22), at(TUE, 21))]


def test_free_slots_respect_notice_grid_blackouts_and_days(labs, personas):
    Blackout.objects.create(equipment=labs.plc, starts_at=at(TUE, 20), ends_at=at(TUE, 21), reason="점검")
    query = SlotQuery(TUE, dt.date(2027, 1, 11), dt.time(18), dt.time(22), 90)
    slots = slots_of(labs.plc, query, now=at(TUE, 17, 10))  # earliest start 18:10 → on the grid 18:30
    assert slots == [
        free(at(TUE, 18, 30), at(TUE, 20), at(TUE, 18, 30)),  # 21:00–22:00 is too short for 90 minutes
        free(at(dt.date(2027, 1, 6), 18), at(dt.date(2027, 1, 6), 22), at(dt.date(2027, 1, 6), 20, 30)),
        free(at(dt.date(2027, 1, 7), 18), at(dt.date(2027, 1, 7), 22), at(dt.date(2027, 1, 7), 20, 30)),
        free(at(dt.date(2027, 1, 8), 18), at(dt.date(2027, 1, 8), 22), at(dt.date(2027, 1, 8), 20, 30)),
        free(at(SAT, 18), at(SAT, 22), at(SAT, 20, 30)),
        # Sunday closed; Monday 2027-01-11 open.
        free(at(dt.date(2027, 1, 11), 18), at(dt.date(2027, 1, 11), 22), at(dt.date(2027, 1, 11), 20, 30)),
    ]


def test_free_slots_skip_holidays_and_the_far_future(labs):
    assert slots_of(labs.plc, SlotQuery(dt.date(2027, 1, 1), dt.date(2027, 1, 1), dt.time(9), dt.time(22), 60)) == []
    far = SlotQuery(TUE, TUE, dt.time(9), dt.time(22), 60)
    assert slots_of(labs.plc, far, now=at(TUE, 12) - dt.timedelta(days=60)) == [
        free(at(TUE, 9), at(TUE, 22), at(TUE, 12))  # no start later than 60 days from now
    ]


def test_free_slots_duration_outside_the_rules_gives_nothing(labs):
    assert slots_of(labs.plc, SlotQuery(TUE, TUE, dt.time(9), dt.time(22), 240)) == []  # PLC max is 180


def test_free_slots_list_free_equipment_first_and_drop_unavailable(labs, personas):
    second = Equipment.objects.create(
        code="EQ-P2", name="PLC 트레이너 2", type=labs.types["plc-trainer"], facility=labs.facility
    )
    Equipment.objects.create(
        code="EQ-P3",
        name="PLC 트레이너 3",
        type=labs.types["plc-trainer"],
        facility=labs.facility,
        status=EquipmentStatus.MAINTENANCE,
        status_reason="수리",
    )
    reserve(labs.plc, personas.worker, at(TUE, 18), at(TUE, 21))
    result = free_slots(
        Equipment.objects.filter(type__code="plc-trainer"), SlotQuery(TUE, TUE, dt.time(18), dt.time(22), 120), now=NOW
    )
    assert [(a.equipment.code, a.slots) for a in result] == [
        ("EQ-P2", [free(at(TUE, 18), at(TUE, 22), at(TUE, 20))]),
        ("EQ-P1", []),
    ]
    assert result[0].first == free(at(TUE, 18), at(TUE, 22), at(TUE, 20))
    assert result[1].first is None
    assert second in [a.equipment for a in result]


def test_free_slots_use_six_queries_whatever_the_size(labs, personas, django_assert_num_queries):
    for i in range(6):
        eq = Equipment.objects.create(
            code=f"EQ-X{i}", name=f"PLC {i}", type=labs.types["plc-trainer"], facility=labs.facility
        )
        reserve(eq, personas.worker, at(TUE, 10), at(TUE, 11))
        Blackout.objects.create(equipment=eq, starts_at=at(TUE, 12), ends_at=at(TUE, 13), reason="점검")
    with django_assert_num_queries(6):
        free_slots(Equipment.objects.all(), SlotQuery(TUE, SAT, dt.time(9), dt.time(22), 60), now=NOW)


def test_free_slots_offer_only_what_booking_accepts(labs, personas):
    printer = Equipment.objects.create(
        code="EQ-3D", name="3D 프린터", type=labs.types["3d-printer"], facility=labs.facility
    )
    slots = slots_of(printer, SlotQuery(TUE, TUE, dt.time(9), dt.time(12), 90))
    for slot in slots:
        assert problems_of(printer, personas.student, slot.starts_at, slot.starts_at + dt.timedelta(minutes=90)) == []
    assert slots == []


# --- utilization -------------------------------------------------------------------------------


@pytest.fixture
def usage(labs, personas):
    """A week (Mon 2027-01-04 to Fri 2027-01-08, 13 opening hours a day) of hand-made PLC bookings."""
    plc, wed, fri = labs.plc, dt.date(2027, 1, 6), dt.date(2027, 1, 8)
    Blackout.objects.create(equipment=plc, starts_at=at(TUE, 9), ends_at=at(TUE, 12), reason="점검")
    Blackout.objects.create(facility=labs.facility, starts_at=at(wed, 9), ends_at=at(wed, 10), reason="소독")
    a = personas.company_a
    reserve(plc, personas.worker, at(MON, 10), at(MON, 12), ReservationStatus.COMPLETED, company=a, project="금형 개선")
    reserve(plc, personas.worker, at(MON, 13), at(MON, 14), ReservationStatus.CHECKED_IN, company=a)
    reserve(plc, personas.student, at(MON, 15), at(MON, 16), ReservationStatus.NO_SHOW)
    reserve(plc, personas.student, at(TUE, 16), at(TUE, 18), ReservationStatus.CONFIRMED, project="금형 개선")
    reserve(plc, personas.student, at(TUE, 19), at(TUE, 20), ReservationStatus.PENDING)
    reserve(plc, personas.student, at(TUE, 13), at(TUE, 14), ReservationStatus.CANCELLED)
    reserve(plc, personas.student, at(TUE, 14), at(TUE, 15), ReservationStatus.REJECTED)
    reserve(plc, personas.student, at(fri, 20), at(fri, 22), ReservationStatus.COMPLETED)
    reserve(plc, personas.student, at(dt.date(2027, 1, 11), 10), at(dt.date(2027, 1, 11), 12))  # next week
    return labs


def test_utilization_by_equipment(usage):
    rows = utilization(Equipment.objects.all(), MON, dt.date(2027, 1, 8))
    got = [
        (r.label, r.available_hours, r.booked_hours, r.used_hours, r.no_shows, r.attended, round(r.no_show_rate, 4))
        for r in rows
    ]
    assert got == [
        # 65 opening hours less the 3-hour and 1-hour blackouts; booked 2+1+2+1+2; used 2+1+2.
        ("PLC 트레이너 [EQ-P1]", 61.0, 8.0, 5.0, 1, 3, 0.25),
        ("협동로봇 셀 [EQ-R1]", 64.0, 0.0, 0.0, 0, 0, 0.0),
    ]
    plc = rows[0]
    assert (round(plc.booked_share, 4), round(plc.used_share, 4)) == (0.1311, 0.082)


def test_utilization_by_type_institution_company_and_project(usage):
    fri = dt.date(2027, 1, 8)
    by_type = utilization(Equipment.objects.all(), MON, fri, "type")
    assert [(r.label, r.available_hours, r.booked_hours) for r in by_type] == [
        ("PLC 실습장비", 61.0, 8.0),
        ("로봇 셀", 64.0, 0.0),
    ]
    by_inst = utilization(Equipment.objects.all(), MON, fri, "institution")
    assert [(r.label, r.available_hours, r.booked_hours, r.used_hours) for r in by_inst] == [
        ("인천대학교", 125.0, 8.0, 5.0)
    ]
    by_company = utilization(Equipment.objects.all(), MON, fri, "company")
    assert [(r.label, r.available_hours, r.booked_hours, r.used_hours, r.no_shows) for r in by_company] == [
        ("(없음)", 0.0, 5.0, 2.0, 1),
        ("(주)남동정밀", 0.0, 3.0, 3.0, 0),
    ]
    by_project = utilization(Equipment.objects.all(), MON, fri, "project")
    assert [(r.label, r.booked_hours) for r in by_project] == [("(없음)", 4.0), ("금형 개선", 4.0)]


def test_utilization_clips_reservations_to_the_period(usage, personas):
    [plc] = utilization(Equipment.objects.filter(pk=usage.plc.pk), MON, MON)
    assert (plc.available_hours, plc.booked_hours, plc.used_hours, plc.no_shows, plc.attended) == (13.0, 3.0, 3.0, 1, 2)
    assert round(plc.no_show_rate, 4) == 0.3333
    # A row made by hand across midnight counts only its hour inside the period.
    sunday = dt.date(2027, 1, 3)
    reserve(usage.plc, personas.worker2, at(sunday, 23), at(MON, 1), ReservationStatus.COMPLETED)
    [plc] = utilization(Equipment.objects.filter(pk=usage.plc.pk), MON, MON)
    assert (plc.booked_hours, plc.used_hours, plc.attended, plc.no_show_rate) == (4.0, 4.0, 3, 0.25)


def test_utilization_without_data_is_zero(labs):
    rows = utilization(Equipment.objects.filter(pk=labs.plc.pk), SUN, SUN)
    assert [(r.label, r.available_hours, r.booked_share, r.used_share, r.no_show_rate) for r in rows] == [
        ("PLC 트레이너 [EQ-P1]", 0.0, 0.0, 0.0, 0.0)
    ]
    assert utilization(Equipment.objects.none(), MON, SUN) == []


def test_calendar_week_groups_active_reservations_by_day(usage):
    days = selectors.calendar_week(Reservation.objects.all(), TUE)
    assert [d.day for d in days] == [MON + dt.timedelta(days=i) for i in range(7)]
    assert [(d.day.day, [(r.starts_at, r.status) for r in d.reservations]) for d in days if d.reservations] == [
        (
            4,
            [
                (at(MON, 10), "completed"),
                (at(MON, 13), "checked_in"),
            ],
        ),
        (5, [(at(TUE, 16), "confirmed"), (at(TUE, 19), "pending")]),
        (8, [(at(dt.date(2027, 1, 8), 20), "completed")]),
    ]
    assert [d.holiday for d in selectors.calendar_week(Reservation.objects.all(), dt.date(2027, 2, 8))] == [
        "설날 다음날",
        "설날 대체 휴일",
        None,
        None,
        None,
        None,
        None,
    ]
