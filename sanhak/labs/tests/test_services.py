"""Booking services: one slot, weekly series (preview, skip, all or nothing), a whole lab for a course
session, cancel / approve / reject with their notifications, check-in, settling no-shows, training
records, and the database's own no-overlap guarantee (SQLite triggers, PostgreSQL exclusion
constraint)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from sanhak.common.errors import ConflictError, DomainError
from sanhak.common.models import Notification
from sanhak.courses.models import Session
from sanhak.labs import services
from sanhak.labs.models import (
    Equipment,
    EquipmentStatus,
    Reservation,
    ReservationSeries,
    ReservationStatus,
    TrainingRecord,
)
from sanhak.labs.rules import is_open_day, when_text
from sanhak.labs.tests.conftest import at, open_day, reserve

pytestmark = pytest.mark.django_db

MSG_WEEKLY = (
    "다음 일정은 예약할 수 없습니다. 건너뛰거나 시간을 바꾸세요. / "
    "These occurrences cannot be booked; skip them or pick another time."
)


def snapshot():
    """Everything a refused request must leave as it was."""
    return [
        *Reservation.objects.order_by("pk").values_list(
            "pk", "equipment_id", "user_id", "status", "starts_at", "reason"
        ),
        ("series", ReservationSeries.objects.count()),
        ("notifications", Notification.objects.count()),
        ("training", TrainingRecord.objects.count()),
    ]


def notifications():
    return list(Notification.objects.order_by("pk").values_list("user__email", "message", "url"))


def weekly_day(rules, weeks, after_days=2):
    """The first day from `after_days` on whose next `weeks` weekly repeats all open."""
    day = open_day(rules, after_days=after_days)
    while not all(is_open_day(rules, day + dt.timedelta(weeks=i)) for i in range(weeks)):
        day = open_day(rules, after_days=(day - timezone.localdate()).days + 1)
    return day


@pytest.fixture
def trained(labs, personas):
    TrainingRecord.objects.create(
        user=personas.student, course=labs.safety, completed_on=timezone.localdate(), recorded_by=personas.lab_manager
    )
    return personas.student


# --- one slot ------------------------------------------------------------------------------------


def test_a_trainee_books_the_plc_trainer(labs, personas):
    day = open_day(labs.plc.effective_rules)
    r = services.reservation_create(
        equipment=labs.plc, user=personas.worker, starts_at=at(day, 19), ends_at=at(day, 21), purpose="PLC 실습"
    )
    r.refresh_from_db()
    assert (r.equipment, r.user, r.created_by, r.status) == (labs.plc, personas.worker, personas.worker, "confirmed")
    assert (r.starts_at, r.ends_at, r.blocked_until) == (at(day, 19), at(day, 21), at(day, 21))
    assert (r.purpose, r.company, r.series, r.session) == ("PLC 실습", personas.company_a, None, None)
    assert Notification.objects.count() == 0  # nothing to approve


def test_a_robot_booking_waits_for_approval_and_tells_the_lab_manager(labs, personas, trained):
    day = open_day(labs.robot.effective_rules)
    r = services.reservation_create(equipment=labs.robot, user=trained, starts_at=at(day, 10), ends_at=at(day, 12))
    assert (r.status, r.blocked_until, r.company) == ("pending", at(day, 12, 30), None)
    assert notifications() == [
        (
            "labmanager@sanhak.test",
            f"장비 예약 승인 요청: 협동로봇 셀 {when_text(at(day, 10), at(day, 12))} / "
            f"Booking to approve: 협동로봇 셀 {when_text(at(day, 10), at(day, 12))}",
            "/labs/queue/",
        )
    ]


def test_a_lab_manager_booking_is_confirmed_at_once(labs, personas):
    day = open_day(labs.robot.effective_rules)
    r = services.reservation_create(
        equipment=labs.robot, user=personas.lab_manager, starts_at=at(day, 10), ends_at=at(day, 12)
    )
    assert r.status == "confirmed"
    on_behalf = services.reservation_create(
        equipment=labs.robot,
        user=personas.worker,  # no training: the manager books for them
        starts_at=at(day, 13),
        ends_at=at(day, 14),
        created_by=personas.lab_manager,
    )
    assert (on_behalf.status, on_behalf.user, on_behalf.created_by) == (
        "confirmed",
        personas.worker,
        personas.lab_manager,
    )
    assert Notification.objects.count() == 0


def test_a_broken_rule_raises_every_reason_and_writes_nothing(labs, personas):
    sunday = timezone.localdate() + dt.timedelta(days=7 - timezone.localdate().weekday() + 6)
    assert sunday.weekday() == 6
    before = snapshot()
    with pytest.raises(DomainError) as exc:
        services.reservation_create(
            equipment=labs.robot, user=personas.worker, starts_at=at(sunday, 10), ends_at=at(sunday, 10, 10)
        )
    assert (exc.value.code, exc.value.status) == ("duration", 400)
    assert exc.value.message == (
        "이용 시간은 30–240분이어야 합니다(요청: 10분). / A booking must last 30–240 minutes (asked: 10). "
        "일요일에는 운영하지 않습니다. / The equipment is closed on that weekday. "
        "이 장비를 예약하려면 먼저 다음 교육을 이수해야 합니다: 산업용 로봇 안전교육 (LAB-SAFE-ROBOT) / "
        "Complete this training before booking: 산업용 로봇 안전교육 (LAB-SAFE-ROBOT)"
    )
    assert snapshot() == before


def test_training_required_is_a_403(labs, personas):
    day = open_day(labs.robot.effective_rules)
    with pytest.raises(DomainError) as exc:
        services.reservation_create(
            equipment=labs.robot, user=personas.worker, starts_at=at(day, 10), ends_at=at(day, 11)
        )
    assert (exc.value.code, exc.value.status) == ("training_required", 403)
    assert Reservation.objects.count() == 0


def test_a_taken_time_is_a_conflict(labs, personas):
    day = open_day(labs.plc.effective_rules)
    first = services.reservation_create(
        equipment=labs.plc, user=personas.worker, starts_at=at(day, 19), ends_at=at(day, 21)
    )
    before = snapshot()
    with pytest.raises(ConflictError) as exc:
        services.reservation_create(
            equipment=labs.plc, user=personas.student, starts_at=at(day, 20), ends_at=at(day, 22)
        )
    when = when_text(at(day, 19), at(day, 21))
    assert (exc.value.code, exc.value.status) == ("conflict", 409)
    assert (
        exc.value.message
        == f"PLC 트레이너은(는) 이미 예약된 시간입니다: {when} / PLC 트레이너 is already booked then: {when}"
    )
    assert snapshot() == before
    # Back to back is fine.
    second = services.reservation_create(
        equipment=labs.plc, user=personas.student, starts_at=at(day, 21), ends_at=at(day, 22)
    )
    assert list(Reservation.objects.values_list("pk", flat=True)) == [first.pk, second.pk]


def test_the_database_has_the_last_word_when_two_bookings_race(labs, personas, monkeypatch):
    """If the Python check misses a booking made at the same moment, the database refuses the row and
    the loser gets a conflict, with nothing it wrote left behind."""
    day = open_day(labs.plc.effective_rules)
    reserve(labs.plc, personas.worker, at(day, 19), at(day, 21))
    monkeypatch.setattr(services, "conflicts", lambda booking: [])
    before = snapshot()
    with pytest.raises(ConflictError) as exc:
        services.reservation_create(
            equipment=labs.plc, user=personas.student, starts_at=at(day, 20), ends_at=at(day, 21)
        )
    when = when_text(at(day, 20), at(day, 21))
    assert (
        exc.value.message
        == f"PLC 트레이너은(는) 이미 예약된 시간입니다: {when} / PLC 트레이너 is already booked then: {when}"
    )
    assert snapshot() == before


def test_the_trainee_company_is_recorded(labs, personas):
    day = open_day(labs.plc.effective_rules)
    a = services.reservation_create(
        equipment=labs.plc, user=personas.worker_b, starts_at=at(day, 9), ends_at=at(day, 10)
    )
    b = services.reservation_create(
        equipment=labs.plc, user=personas.instructor, starts_at=at(day, 10), ends_at=at(day, 11)
    )
    assert (a.company, b.company) == (personas.company_b, None)


# --- weekly ----------------------------------------------------------------------------------------


@pytest.fixture
def weekly(labs, personas):
    """Three Tuesdays-or-so of the PLC trainer, the second taken by someone else."""
    rules = labs.plc.effective_rules
    day = weekly_day(rules, 3)
    days = [day + dt.timedelta(weeks=i) for i in range(3)]
    taken = reserve(labs.plc, personas.worker2, at(days[1], 19, 30), at(days[1], 20, 30))
    return days, taken


def test_weekly_preview_reports_each_occurrence(labs, personas, weekly):
    days, _taken = weekly
    before = snapshot()
    occurrences = services.weekly_preview(
        equipment=labs.plc,
        user=personas.worker,
        starts_at=at(days[0], 19),
        ends_at=at(days[0], 21),
        weeks=3,
        created_by=personas.worker,
    )
    taken_when = when_text(at(days[1], 19, 30), at(days[1], 20, 30))
    assert [(o.day, o.starts_at, o.ends_at, o.ok, o.problems) for o in occurrences] == [
        (days[0], at(days[0], 19), at(days[0], 21), True, ()),
        (
            days[1],
            at(days[1], 19),
            at(days[1], 21),
            False,
            (
                f"PLC 트레이너은(는) 이미 예약된 시간입니다: {taken_when} / PLC 트레이너 is already booked then: {taken_when}",
            ),
        ),
        (days[2], at(days[2], 19), at(days[2], 21), True, ()),
    ]
    assert occurrences[1].label == when_text(at(days[1], 19), at(days[1], 21))
    assert snapshot() == before


def test_weekly_create_is_all_or_nothing(labs, personas, weekly):
    days, _taken = weekly
    before = snapshot()
    with pytest.raises(ConflictError) as exc:
        services.weekly_create(
            equipment=labs.plc, user=personas.worker, starts_at=at(days[0], 19), ends_at=at(days[0], 21), weeks=3
        )
    taken_when = when_text(at(days[1], 19, 30), at(days[1], 20, 30))
    assert exc.value.message == (
        f"{MSG_WEEKLY} {when_text(at(days[1], 19), at(days[1], 21))}: "
        f"PLC 트레이너은(는) 이미 예약된 시간입니다: {taken_when} / PLC 트레이너 is already booked then: {taken_when}"
    )
    assert exc.value.status == 409
    # Nothing written: not the two free weeks, not the series row.
    assert snapshot() == before
    assert ReservationSeries.objects.count() == 0


def test_weekly_create_skipping_the_taken_week_books_the_rest(labs, personas, weekly):
    days, taken = weekly
    made = services.weekly_create(
        equipment=labs.plc,
        user=personas.worker,
        starts_at=at(days[0], 19),
        ends_at=at(days[0], 21),
        weeks=3,
        skip=[days[1]],
        purpose="PLC 반복",
    )
    series = ReservationSeries.objects.get()
    assert (series.kind, series.created_by, series.facility) == ("weekly", personas.worker, None)
    assert [(r.starts_at, r.ends_at, r.status, r.series_id, r.purpose) for r in made] == [
        (at(days[0], 19), at(days[0], 21), "confirmed", series.pk, "PLC 반복"),
        (at(days[2], 19), at(days[2], 21), "confirmed", series.pk, "PLC 반복"),
    ]
    assert Reservation.objects.exclude(pk=taken.pk).count() == 2


def test_weekly_create_with_a_broken_rule_names_it(labs, personas):
    rules = labs.plc.effective_rules
    day = weekly_day(rules, 2)
    with pytest.raises(DomainError) as exc:
        services.weekly_create(
            equipment=labs.plc, user=personas.worker, starts_at=at(day, 21), ends_at=at(day, 22, 30), weeks=2
        )
    assert (type(exc.value), exc.value.code, exc.value.status) == (DomainError, "occurrences", 400)
    hours = "운영 시간(09:00–22:00) 안에서만 예약할 수 있습니다. / Bookings must fit the opening hours (09:00–22:00)."
    first, second = at(day, 21), at(day + dt.timedelta(weeks=1), 21)
    assert exc.value.message == (
        f"{MSG_WEEKLY} {when_text(first, first + dt.timedelta(minutes=90))}: {hours} · "
        f"{when_text(second, second + dt.timedelta(minutes=90))}: {hours}"
    )
    assert (Reservation.objects.count(), ReservationSeries.objects.count()) == (0, 0)


def test_weekly_create_limits(labs, personas):
    day = weekly_day(labs.plc.effective_rules, 2)
    for weeks in (0, 27):
        with pytest.raises(DomainError) as exc:
            services.weekly_create(
                equipment=labs.plc, user=personas.worker, starts_at=at(day, 19), ends_at=at(day, 20), weeks=weeks
            )
        assert (exc.value.code, exc.value.message) == ("weeks", "반복은 1–26주까지입니다. / Repeat for 1–26 weeks.")
    with pytest.raises(DomainError) as exc:
        services.weekly_create(
            equipment=labs.plc,
            user=personas.worker,
            starts_at=at(day, 19),
            ends_at=at(day, 20),
            weeks=2,
            skip=[day, day + dt.timedelta(weeks=1)],
        )
    assert (exc.value.code, exc.value.message) == ("empty", "예약할 일정이 없습니다. / Nothing left to book.")
    assert (Reservation.objects.count(), ReservationSeries.objects.count()) == (0, 0)


def test_weekly_robot_bookings_notify_the_lab_manager_once(labs, personas, trained):
    day = weekly_day(labs.robot.effective_rules, 2)
    made = services.weekly_create(
        equipment=labs.robot, user=trained, starts_at=at(day, 10), ends_at=at(day, 11), weeks=2
    )
    assert [r.status for r in made] == ["pending", "pending"]
    assert [n[0] for n in notifications()] == ["labmanager@sanhak.test"]


def test_weekly_preview_predicts_what_weekly_create_does(labs, personas):
    day = weekly_day(labs.plc.effective_rules, 6)
    kwargs = {"equipment": labs.plc, "user": personas.worker, "starts_at": at(day, 19), "ends_at": at(day, 20)}
    preview = services.weekly_preview(**kwargs, weeks=6, created_by=personas.worker)
    refused = [o.day for o in preview if not o.ok]
    try:
        services.weekly_create(**kwargs, weeks=6, skip=refused)
    except DomainError as exc:
        pytest.fail(f"the preview said {len(preview) - len(refused)} weeks were bookable, but: {exc.message}")


# --- a whole lab for a course session ---------------------------------------------------------------


@pytest.fixture
def lab_session(catalog):
    return Session.objects.filter(offering=catalog.robot_offering).order_by("date").first()


def test_the_instructor_books_the_whole_lab_for_a_session(labs, personas, catalog, lab_session):
    made = services.lab_book_for_session(facility=labs.facility, session=lab_session, created_by=personas.instructor)
    start, end = at(lab_session.date, 19), at(lab_session.date, 22)
    series = ReservationSeries.objects.get()
    assert (series.kind, series.facility, series.created_by) == ("lab", labs.facility, personas.instructor)
    assert [
        (r.equipment.code, r.user, r.starts_at, r.ends_at, r.status, r.session, r.series, r.purpose) for r in made
    ] == [
        # The robot cell needs approval (an instructor is not its lab manager); no training check for a course.
        ("EQ-P1", personas.instructor, start, end, "confirmed", lab_session, series, "산업용 로봇 운용 (2026-2)"),
        ("EQ-R1", personas.instructor, start, end, "pending", lab_session, series, "산업용 로봇 운용 (2026-2)"),
    ]
    assert [n[0] for n in notifications()] == ["labmanager@sanhak.test"]


def test_equipment_under_maintenance_is_left_out_of_a_lab_booking(labs, personas, lab_session):
    Equipment.objects.filter(pk=labs.robot.pk).update(status=EquipmentStatus.MAINTENANCE, status_reason="수리")
    made = services.lab_book_for_session(facility=labs.facility, session=lab_session, created_by=personas.coordinator)
    assert [r.equipment.code for r in made] == ["EQ-P1"]
    Equipment.objects.filter(pk=labs.plc.pk).update(status=EquipmentStatus.RETIRED, status_reason="폐기")
    with pytest.raises(DomainError) as exc:
        services.lab_book_for_session(facility=labs.facility, session=lab_session, created_by=personas.coordinator)
    assert (exc.value.code, exc.value.message) == (
        "empty",
        "예약할 수 있는 장비가 없는 실습실입니다. / The lab has no bookable equipment.",
    )


def test_only_the_sessions_staff_may_book_the_lab(labs, personas, lab_session):
    before = snapshot()
    for who in ("student", "worker", "manager", "lab_manager"):
        with pytest.raises(DomainError) as exc:
            services.lab_book_for_session(
                facility=labs.facility, session=lab_session, created_by=getattr(personas, who)
            )
        assert (exc.value.code, exc.value.status, exc.value.message) == (
            "forbidden",
            403,
            "이 수업의 강사나 운영담당자만 예약할 수 있습니다. / Only the session's instructor or coordinator can book for it.",
        ), who
    assert snapshot() == before


def test_one_taken_piece_books_nothing(labs, personas, lab_session):
    taken = reserve(labs.plc, personas.worker, at(lab_session.date, 20), at(lab_session.date, 21))
    before = snapshot()
    with pytest.raises(ConflictError) as exc:
        services.lab_book_for_session(facility=labs.facility, session=lab_session, created_by=personas.instructor)
    when = when_text(taken.starts_at, taken.ends_at)
    assert exc.value.message == (
        "실습실 전체를 예약할 수 없습니다. / The whole lab cannot be booked. "
        f"PLC 트레이너: PLC 트레이너은(는) 이미 예약된 시간입니다: {when} / PLC 트레이너 is already booked then: {when}"
    )
    assert snapshot() == before


# --- cancel, approve, reject --------------------------------------------------------------------


@pytest.fixture
def booked(labs, personas, trained):
    """A confirmed PLC booking and a pending robot booking of the student."""
    day = open_day(labs.plc.effective_rules)
    plc = services.reservation_create(equipment=labs.plc, user=trained, starts_at=at(day, 19), ends_at=at(day, 20))
    robot = services.reservation_create(equipment=labs.robot, user=trained, starts_at=at(day, 10), ends_at=at(day, 11))
    Notification.objects.all().delete()
    return plc, robot


def test_the_owner_cancels_without_a_notification(booked, personas):
    plc, _robot = booked
    r = services.reservation_cancel(reservation=plc, by=personas.student, reason="일정 변경")
    r.refresh_from_db()
    assert (r.status, r.reason, r.decided_by) == ("cancelled", "일정 변경", personas.student)
    assert Notification.objects.count() == 0
    with pytest.raises(DomainError) as exc:
        services.reservation_cancel(reservation=r, by=personas.student)
    assert (exc.value.code, exc.value.message) == (
        "state",
        "이미 처리된 예약입니다. / This booking can no longer be cancelled.",
    )


def test_a_lab_manager_cancels_and_the_owner_is_told(booked, personas):
    _plc, robot = booked
    services.reservation_cancel(reservation=robot, by=personas.lab_manager)
    robot.refresh_from_db()
    assert (robot.status, robot.decided_by) == ("cancelled", personas.lab_manager)
    assert notifications() == [
        (
            "student@sanhak.test",
            f"장비 예약이 취소되었습니다: 협동로봇 셀 {when_text(robot.starts_at, robot.ends_at)} / Your booking was cancelled.",
            "/labs/my/",
        )
    ]


def test_others_cannot_cancel(booked, personas):
    plc, _robot = booked
    before = snapshot()
    for who in ("worker", "instructor", "coordinator", "manager"):
        with pytest.raises(DomainError) as exc:
            services.reservation_cancel(reservation=plc, by=getattr(personas, who))
        assert (exc.value.code, exc.value.status, exc.value.message) == (
            "forbidden",
            403,
            "이 예약을 취소할 권한이 없습니다. / You cannot cancel this booking.",
        ), who
    assert snapshot() == before


def test_approve(booked, personas):
    _plc, robot = booked
    r = services.reservation_approve(reservation=robot, by=personas.lab_manager)
    r.refresh_from_db()
    assert (r.status, r.decided_by) == ("confirmed", personas.lab_manager)
    assert r.decided_at is not None
    assert notifications() == [
        (
            "student@sanhak.test",
            f"장비 예약이 승인되었습니다: 협동로봇 셀 {when_text(r.starts_at, r.ends_at)} / Your booking was approved.",
            "/labs/my/",
        )
    ]
    with pytest.raises(DomainError) as exc:
        services.reservation_approve(reservation=r, by=personas.lab_manager)
    assert (exc.value.code, exc.value.message) == (
        "state",
        "승인 대기 중인 예약이 아닙니다. / This booking is not waiting for approval.",
    )
    assert Notification.objects.count() == 1


def test_notifications_are_in_the_site_language_whoever_decides(booked, personas):
    """A lab manager working in English approves: the stored (and e-mailed) notification is written in the
    site's language, its weekday too, not in the manager's."""
    _plc, robot = booked
    with translation.override("en"):
        r = services.reservation_approve(reservation=robot, by=personas.lab_manager)
        english = when_text(r.starts_at, r.ends_at)
    korean = when_text(r.starts_at, r.ends_at)
    assert english != korean and english[11:14] in ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
    assert notifications() == [
        (
            "student@sanhak.test",
            f"장비 예약이 승인되었습니다: 협동로봇 셀 {korean} / Your booking was approved.",
            "/labs/my/",
        )
    ]


def test_reject(booked, personas):
    _plc, robot = booked
    with pytest.raises(DomainError) as exc:
        services.reservation_reject(reservation=robot, by=personas.lab_manager, reason="  ")
    assert (exc.value.code, exc.value.message) == (
        "reason",
        "반려 사유를 입력하세요. / Give a reason for the rejection.",
    )
    assert Notification.objects.count() == 0
    r = services.reservation_reject(reservation=robot, by=personas.admin, reason=" 안전교육 확인 필요 ")
    r.refresh_from_db()
    assert (r.status, r.reason, r.decided_by) == ("rejected", "안전교육 확인 필요", personas.admin)
    assert notifications() == [
        (
            "student@sanhak.test",
            "장비 예약이 반려되었습니다: 협동로봇 셀 — 안전교육 확인 필요 / Your booking was rejected: 안전교육 확인 필요",
            "/labs/my/",
        )
    ]


def test_only_lab_managers_approve_or_reject(booked, personas):
    _plc, robot = booked
    before = snapshot()
    message = "이 장비의 관리자만 처리할 수 있습니다. / Only this equipment's lab managers can do this."
    for who in (personas.student, personas.instructor, personas.coordinator, personas.worker):
        with pytest.raises(DomainError) as exc:
            services.reservation_approve(reservation=robot, by=who)
        assert (exc.value.code, exc.value.status, exc.value.message) == ("forbidden", 403, message)
        with pytest.raises(DomainError) as exc:
            services.reservation_reject(reservation=robot, by=who, reason="x")
        assert (exc.value.code, exc.value.status, exc.value.message) == ("forbidden", 403, message)
    assert snapshot() == before


# --- check-in and settling ------------------------------------------------------------------------


def test_check_in_window(booked, personas):
    plc, robot = booked
    start = plc.starts_at
    message = (
        "체크인은 시작 15분 전부터 시작 후 15분까지 할 수 있습니다. / "
        "Check in from 15 minutes before to 15 minutes after the start."
    )
    for now in (start - dt.timedelta(minutes=16), start + dt.timedelta(minutes=15, seconds=1)):
        with pytest.raises(DomainError) as exc:
            services.reservation_check_in(reservation=plc, by=personas.student, now=now)
        assert (exc.value.code, exc.value.message) == ("check_in_window", message)
    with pytest.raises(DomainError) as exc:
        services.reservation_check_in(reservation=plc, by=personas.worker, now=start)
    assert (exc.value.code, exc.value.status) == ("forbidden", 403)
    with pytest.raises(DomainError) as exc:  # pending: not yet
        services.reservation_check_in(reservation=robot, by=personas.student, now=robot.starts_at)
    assert (exc.value.code, exc.value.message) == (
        "state",
        "체크인할 수 있는 예약이 아닙니다. / This booking cannot be checked in.",
    )
    assert Reservation.objects.get(pk=plc.pk).status == "confirmed"

    r = services.reservation_check_in(reservation=plc, by=personas.student, now=start - dt.timedelta(minutes=15))
    r.refresh_from_db()
    assert (r.status, r.checked_in_at) == ("checked_in", start - dt.timedelta(minutes=15))


def test_check_in_at_the_end_of_the_grace_and_by_the_lab_manager(labs, personas):
    day = open_day(labs.plc.effective_rules)
    a = reserve(labs.plc, personas.student, at(day, 10), at(day, 11))
    b = reserve(labs.plc, personas.student, at(day, 12), at(day, 13))
    services.reservation_check_in(reservation=a, by=personas.student, now=at(day, 10, 15))
    services.reservation_check_in(reservation=b, by=personas.lab_manager, now=at(day, 12))
    assert list(Reservation.objects.values_list("status", flat=True)) == ["checked_in", "checked_in"]


def test_no_shows_release(labs, personas):
    day = open_day(labs.plc.effective_rules)
    confirmed = reserve(labs.plc, personas.student, at(day, 10), at(day, 11))
    checked_in = reserve(labs.robot, personas.worker, at(day, 10), at(day, 12), ReservationStatus.CHECKED_IN)
    pending = reserve(labs.robot, personas.student, at(day, 13), at(day, 14), ReservationStatus.PENDING)
    later = reserve(labs.plc, personas.worker, at(day, 15), at(day, 16))

    assert services.no_shows_release(now=at(day, 10, 15)) == 0  # still inside the grace period
    assert services.no_shows_release(now=at(day, 10, 16)) == 1
    assert services.no_shows_release(now=at(day, 12)) == 0  # a check-in lasts to its end
    assert services.no_shows_release(now=at(day, 13) + dt.timedelta(seconds=1)) == 2  # ended; pending started
    statuses = {r.pk: (r.status, r.reason) for r in Reservation.objects.all()}
    assert statuses == {
        confirmed.pk: ("no_show", ""),
        checked_in.pk: ("completed", ""),
        pending.pk: ("rejected", "시작 전까지 승인되지 않음 / not approved before the start"),
        later.pk: ("confirmed", ""),
    }
    assert services.no_shows_release(now=at(day, 13, 1)) == 0  # settled once


def test_no_shows_release_for_one_piece_only(labs, personas):
    day = open_day(labs.plc.effective_rules)
    plc = reserve(labs.plc, personas.student, at(day, 10), at(day, 11))
    robot = reserve(labs.robot, personas.student, at(day, 10), at(day, 11))
    assert services.no_shows_release(now=at(day, 11), equipment=labs.plc) == 1
    assert dict(Reservation.objects.values_list("pk", "status")) == {plc.pk: "no_show", robot.pk: "confirmed"}


def test_a_no_show_frees_its_time_for_the_next_booking(labs, personas):
    """A confirmed booking that started 20 minutes ago and runs into an open day: booking settles it first."""
    day = open_day(labs.plc.effective_rules)
    stale = reserve(labs.plc, personas.worker, timezone.now() - dt.timedelta(minutes=20), at(day, 11))
    fresh = services.reservation_create(
        equipment=labs.plc, user=personas.lab_manager, starts_at=at(day, 10), ends_at=at(day, 11)
    )
    stale.refresh_from_db()
    assert (stale.status, fresh.status) == ("no_show", "confirmed")


# --- training records ---------------------------------------------------------------------------


def test_training_record_add(labs, personas):
    today = timezone.localdate()
    record = services.training_record_add(
        user=personas.worker, course=labs.safety, completed_on=today, recorded_by=personas.lab_manager, note="외부 교육"
    )
    assert (record.user, record.course, record.completed_on, record.recorded_by, record.note) == (
        personas.worker,
        labs.safety,
        today,
        personas.lab_manager,
        "외부 교육",
    )
    assert services.missing_training(equipment=labs.robot, user=personas.worker) == []
    # Again (by the program admin): the one record is updated.
    services.training_record_add(
        user=personas.worker, course=labs.safety, completed_on=today - dt.timedelta(days=1), recorded_by=personas.admin
    )
    assert list(TrainingRecord.objects.values_list("user__email", "completed_on", "recorded_by__email", "note")) == [
        ("worker@sanhak.test", today - dt.timedelta(days=1), "admin@sanhak.test", "")
    ]


@pytest.mark.parametrize("who", ["instructor", "coordinator", "manager", "student"])
def test_only_lab_managers_record_training(labs, personas, who):
    with pytest.raises(DomainError) as exc:
        services.training_record_add(
            user=personas.worker,
            course=labs.safety,
            completed_on=timezone.localdate(),
            recorded_by=getattr(personas, who),
        )
    assert (exc.value.code, exc.value.status, exc.value.message) == (
        "forbidden",
        403,
        "관리하는 장비의 필수 교육만 기록할 수 있습니다. / You can only record trainings your equipment requires.",
    )
    assert TrainingRecord.objects.count() == 0


def test_a_lab_manager_records_only_trainings_their_equipment_requires(labs, personas, catalog):
    # The PLC course of the catalog gates no equipment of the lead university's lab manager.
    with pytest.raises(DomainError) as exc:
        services.training_record_add(
            user=personas.worker,
            course=catalog.plc,
            completed_on=timezone.localdate(),
            recorded_by=personas.lab_manager,
        )
    assert (exc.value.code, exc.value.status) == ("forbidden", 403)
    assert TrainingRecord.objects.count() == 0


# --- the database guarantee -----------------------------------------------------------------------


def _insert_raw(equipment, user, start, end, status="confirmed"):
    with transaction.atomic():
        return reserve(equipment, user, start, end, status)


def test_the_database_refuses_overlapping_active_reservations(labs, personas):
    day = open_day(labs.robot.effective_rules)
    _insert_raw(labs.robot, personas.worker, at(day, 10), at(day, 12))  # blocked until 12:30
    for start, end, status in [
        (at(day, 11), at(day, 13), "confirmed"),
        (at(day, 9), at(day, 10, 30), "pending"),
        (at(day, 12), at(day, 13), "completed"),  # inside the buffer
        (at(day, 10), at(day, 12), "checked_in"),
    ]:
        with pytest.raises(IntegrityError):
            _insert_raw(labs.robot, personas.student, start, end, status)
    assert Reservation.objects.count() == 1
    # At blocked_until, on other equipment, or not active: accepted.
    _insert_raw(labs.robot, personas.student, at(day, 12, 30), at(day, 13))
    _insert_raw(labs.plc, personas.student, at(day, 10), at(day, 12))
    for status in ("cancelled", "rejected", "no_show"):
        _insert_raw(labs.robot, personas.student, at(day, 10), at(day, 12), status)
    assert Reservation.objects.count() == 6


def test_a_cancelled_reservation_does_not_block_and_cannot_come_back_over_another(labs, personas):
    day = open_day(labs.plc.effective_rules)
    old = _insert_raw(labs.plc, personas.worker, at(day, 10), at(day, 12))
    old.status = ReservationStatus.CANCELLED
    old.save()
    new = _insert_raw(labs.plc, personas.student, at(day, 11), at(day, 12))
    assert new.status == "confirmed"
    old.status = ReservationStatus.CONFIRMED
    with pytest.raises(IntegrityError), transaction.atomic():
        old.save()
    assert Reservation.objects.get(pk=old.pk).status == "cancelled"
