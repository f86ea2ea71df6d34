"""Building the ITC 2019 problem from plain term data: windows, holidays, capacities, availability,
and the pre-solve explanations of infeasible terms (no database)."""

from __future__ import annotations

import datetime as dt

from django.utils import translation

from sanhak.scheduling.itc2019.model import TimeOption
from sanhak.scheduling.itc2019.solver import solve
from sanhak.scheduling.itc2019.validator import validate
from sanhak.scheduling.messages import Message, text
from sanhak.scheduling.problem import (
    SLOT_MINUTES,
    OfferingData,
    Options,
    RoomData,
    TermData,
    assignments,
    build,
)

# 2026-09-21 (Mon) … 2026-10-11 (Sun): Chuseok 09-24 (Thu) – 09-26 (Sat), National Foundation Day
# 10-03 (Sat) with its substitute 10-05 (Mon), Hangul Day 10-09 (Fri).
START, END = dt.date(2026, 9, 21), dt.date(2026, 10, 11)


def offering(pk: int, **kw: object) -> OfferingData:
    base: dict[str, object] = {
        "id": pk,
        "title": f"과목{pk}",
        "institution_id": 1,
        "start_date": START,
        "end_date": END,
        "capacity": 20,
        "instructor_ids": (100,),
        "weekly_sessions": 1,
        "session_minutes": 180,
        "cohort": "incumbent",
    }
    base.update(kw)
    return OfferingData(**base)  # type: ignore[arg-type]


ROOMS = [
    RoomData(1, 1, "미추홀", "미추홀 공학관 101", 30, False),
    RoomData(2, 1, "송도", "송도 7호관 201", 20, False),
    RoomData(3, 1, "미추홀", "미추홀 공학관 B101", 20, True, 9),
    RoomData(4, 2, "다른기관", "다른 기관 강의실", 100, False),
]


def data(*offerings: OfferingData, **kw: object) -> TermData:
    return TermData("2026-2", list(offerings), ROOMS, {100: "최교수", 101: "김강사"}, **kw)  # type: ignore[arg-type]


def starts(times: object) -> set[tuple[int, str]]:
    out = set()
    for t in times:  # type: ignore[attr-defined]
        minutes = t.start * SLOT_MINUTES
        out.add(((t.days & -t.days).bit_length() - 1, f"{minutes // 60:02d}:{minutes % 60:02d}"))
    return out


def test_incumbent_windows_holidays_and_rooms() -> None:
    built = build(data(offering(1)))
    assert built.issues == []
    assert built.monday == START
    assert built.problem.nr_weeks == 3
    spec = next(built.problem.iter_classes())
    # 180 minutes in 19:00–22:00 on weekdays, on the hour within 09:00–18:00 on Saturday
    assert starts(spec.times) == {(d, "19:00") for d in range(5)} | {(5, f"{h:02d}:00") for h in range(9, 16)}
    weeks = {(t.days.bit_length() - 1): t.weeks for t in spec.times}
    assert weeks[0] == 0b011  # Monday 10-05 (third week) is the substitute holiday
    assert weeks[3] == 0b110  # Thursday 09-24 (Chuseok eve)
    assert weeks[4] == 0b010  # Friday 09-25 (Chuseok) and 10-09 (Hangul Day)
    assert weeks[5] == 0b100  # Saturday 09-26 (Chuseok) and 10-03 (Foundation Day)
    # only its own institution's non-lab rooms of at least 20 seats, the closer fit first and free
    assert [(r.room, r.penalty) for r in spec.rooms] == [(2, 0), (1, 1)]


def test_students_weekdays_and_adjustments() -> None:
    o = offering(1, cohort="student", session_minutes=120)
    spec = next(build(data(o)).problem.iter_classes())
    assert {d for d, _ in starts(spec.times)} == {0, 1, 2, 3, 4}
    assert min(s for _, s in starts(spec.times)) == "09:00"
    assert max(s for _, s in starts(spec.times)) == "16:00"
    widened = next(build(data(o), Options(students_saturday=True, widen_minutes=60)).problem.iter_classes())
    assert {d for d, _ in starts(widened.times)} == {0, 1, 2, 3, 4, 5}
    assert min(s for _, s in starts(widened.times)) == "08:00"
    assert max(s for _, s in starts(widened.times)) == "17:00"
    excluded = next(build(data(o), Options(exclude_rooms=(2,))).problem.iter_classes())
    assert [r.room for r in excluded.rooms] == [1]


def test_lab_and_capacity() -> None:
    lab = next(build(data(offering(1, needs_lab=True))).problem.iter_classes())
    assert [r.room for r in lab.rooms] == [3]
    big = next(build(data(offering(1, capacity=25))).problem.iter_classes())
    assert [r.room for r in big.rooms] == [1]


def test_instructor_availability_and_other_sessions() -> None:
    availability = {100: [(1, 19 * 60, 22 * 60), (5, 9 * 60, 13 * 60)]}  # Tuesday evening, Saturday morning
    spec = next(build(data(offering(1), availability=availability)).problem.iter_classes())
    assert starts(spec.times) == {(1, "19:00"), (5, "09:00"), (5, "10:00")}
    busy = {100: [(dt.date(2026, 9, 29), 20 * 60, 21 * 60)]}  # teaches elsewhere one Tuesday evening
    spec = next(build(data(offering(1), availability=availability, busy=busy)).problem.iter_classes())
    assert starts(spec.times) == {(5, "09:00"), (5, "10:00")}


def test_distributions_and_travel() -> None:
    built = build(
        data(
            offering(1, weekly_sessions=2, cohort_group="A반"),
            offering(2, instructor_ids=(101,), cohort_group="A반"),
            offering(3, instructor_ids=(100, 101)),
            travel={("미추홀", "송도"): 40},
        )
    )
    kinds = sorted((d.kind, d.required, d.class_ids) for d in built.problem.distributions)
    assert kinds == [
        ("DifferentDays", False, (1, 2)),
        ("SameAttendees", True, (1, 2)),  # one offering's two weekly sessions
        ("SameAttendees", True, (1, 2, 3)),  # cohort group A반
        ("SameAttendees", True, (1, 2, 4)),  # instructor 100
        ("SameAttendees", True, (3, 4)),  # instructor 101
    ]
    travel = {r.id: r.travel for r in built.problem.rooms}
    assert travel[1] == ((2, 8), (4, 6))  # 40 minutes = 8 slots; no row to 다른기관: 30 minutes
    assert travel[2] == ((3, 8), (4, 6))
    assert travel[3] == ((4, 6),)
    assert travel[4] == ()


def test_solved_assignments_skip_holidays() -> None:
    built = build(data(offering(1, cohort="student", session_minutes=120), offering(2, cohort="student")))
    result = solve(built.problem, time_limit=5, workers=1)
    assert validate(built.problem, result.solution).hard_violations == ()
    rows = assignments(built, result.solution)
    assert len(rows) == 2
    for row in rows:
        day = START + dt.timedelta(days=row["weekday"])
        expected = [day + dt.timedelta(days=7 * w) for w in range(3)]
        from sanhak.labs.rules import holiday_name

        assert row["dates"] == [d.isoformat() for d in expected if not holiday_name(d)]
        assert row["skipped"] == [
            {"date": d.isoformat(), "holiday": holiday_name(d)} for d in expected if holiday_name(d)
        ]
    # the same instructor: never at the same time on the same day
    a, b = rows
    if a["weekday"] == b["weekday"]:
        assert a["end"] <= b["start"] or b["end"] <= a["start"]


def _infeasible() -> list[Message]:
    return build(
        data(
            offering(1, capacity=40),  # no room that big (the largest holds 30)
            offering(2, session_minutes=600),  # longer than any window
            offering(3, instructor_ids=(101,), weekly_sessions=6, session_minutes=180, cohort_group="B반"),
            offering(4, instructor_ids=(101,), weekly_sessions=6, session_minutes=180),
            availability={101: [(5, 9 * 60, 18 * 60), (2, 19 * 60, 22 * 60)]},
        )
    ).issues


def test_precheck_explains_in_korean_and_english() -> None:
    issues = [text(i) for i in _infeasible()]
    assert issues[0] == (
        "강좌 '과목1': 정원 40명을 수용할 강의실이 없습니다(가장 큰 곳 30명). "
        "/ Offering '과목1': no room holds its 40 seats (the largest holds 30)."
    )
    assert issues[1].startswith("강좌 '과목2': 수업 600분이 가장 긴 운영 시간대보다 깁니다.")
    assert issues[3] == (
        "강사 김강사: 주당 36시간을 가르쳐야 하지만 가능 시간과 운영 시간대가 겹치는 시간은 주당 12시간뿐입니다. "
        "/ Instructor 김강사 must teach 36 hours a week but is available for only 12 hours within the windows."
    )
    assert len(issues) == 5
    assert issues[4] == (
        "강의실 2곳에 주당 36시간의 수업이 필요하지만 운영 시간대에 쓸 수 있는 시간은 24시간뿐입니다. "
        "/ 2 rooms must hold 36 hours a week but offer only 24 hours within the windows."
    )
    assert issues[2].startswith(
        "수강 집단 'B반': 주당 18시간의 수업이 서로 겹치지 않아야 하지만 운영 시간대는 주당 12시간뿐입니다."
    )


def test_precheck_explanations_are_translated_when_shown() -> None:
    """They are kept as msgid and parameters (the worker's language is not the page's): on an English
    page every one of them, and the kind of room inside them, reads English."""
    stored = _infeasible()
    with translation.override("en"):
        assert [text(i) for i in stored] == [
            "Offering '과목1': no room holds its 40 seats (largest Room: 30 seats).",
            "Offering '과목2': a 600-minute session is longer than the longest window.",
            "Cohort group 'B반' needs 18 non-overlapping hours a week but its windows hold only 12 hours.",
            "Instructor 김강사 must teach 36 hours a week but is available for only 12 hours within the windows.",
            "Room: 2 rooms must hold 36 hours a week but offer only 24 hours within the windows.",
        ]
    assert text(stored[0]).startswith("강좌 '과목1': 정원 40명을 수용할 강의실이 없습니다")


def test_rooms_taken_at_every_allowed_time_are_explained() -> None:
    evenings = [(START + dt.timedelta(days=7 * w + d), 18 * 60, 22 * 60) for w in range(3) for d in range(5)]
    saturdays = [(START + dt.timedelta(days=7 * w + 5), 8 * 60, 18 * 60) for w in range(3)]
    built = build(data(offering(1, needs_lab=True), room_busy={3: evenings + saturdays}))
    lab = next(r for r in built.problem.rooms if r.id == 3)
    assert len(lab.unavailable) == 18
    assert lab.unavailable[0] == TimeOption(1, 18 * 60 // SLOT_MINUTES, 4 * 60 // SLOT_MINUTES, 1)
    assert [text(i) for i in built.issues] == [
        "강좌 '과목1': 허용된 모든 시간에 맞는 강의실이 이미 다른 수업이나 장비 예약으로 차 있습니다. "
        "/ Offering '과목1': every suitable room is already taken (other sessions or lab bookings) at every allowed time."
    ]
    # freeing the first Saturday does not help: Saturdays meet only in the third week (Chuseok and
    # Foundation Day fall on the first two), which is still taken
    built = build(data(offering(1, needs_lab=True), room_busy={3: evenings + saturdays[1:]}))
    assert built.issues != []
    assert build(data(offering(1, needs_lab=True), room_busy={3: evenings})).issues == []
