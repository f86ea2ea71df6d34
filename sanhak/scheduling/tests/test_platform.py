"""A term scheduled end to end: queued, solved by the worker, accepted into sessions and lab bookings."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from itertools import combinations

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from sanhak.common.errors import ConflictError, DomainError
from sanhak.courses.models import Offering, Session
from sanhak.labs.models import Reservation, ReservationStatus
from sanhak.labs.rules import holiday_name
from sanhak.scheduling import jobs, selectors, services
from sanhak.scheduling.models import (
    InstructorAvailability,
    Room,
    RunStatus,
    SchedulingRun,
)
from sanhak.scheduling.problem import Options
from sanhak.scheduling.tests.factories import TERM, instructor_create, offering_create

LIMIT = 5


def _solved(personas, **kw) -> SchedulingRun:  # type: ignore[no-untyped-def]
    run = services.scheduling_run_start(
        term=TERM, institution=personas.lead, created_by=personas.coordinator, time_limit=LIMIT, **kw
    )
    assert run.status == RunStatus.QUEUED  # the request only queues
    assert jobs.run_pending(once=True) == 1
    run.refresh_from_db()
    return run


def _in_window(s: Session, cohort: str) -> bool:
    day = s.date.weekday()
    if cohort == "incumbent":
        evening = day < 5 and s.start_time >= dt.time(19) and s.end_time <= dt.time(22)
        saturday = day == 5 and s.start_time >= dt.time(9) and s.end_time <= dt.time(18)
        return evening or saturday
    return day < 5 and s.start_time >= dt.time(9) and s.end_time <= dt.time(18)


def test_term_is_scheduled_without_overlaps_and_accepted(personas, term) -> None:  # type: ignore[no-untyped-def]
    run = _solved(personas)
    assert run.status == RunStatus.DONE, run.message
    assert run.progress == 100
    figures = run.result["figures"]
    assert (figures["offerings"], figures["classes"], figures["rooms"], figures["hard_violations"]) == (5, 7, 3, 0)
    proposed = run.result["assignments"]
    assert len(proposed) == 7

    sessions = services.scheduling_run_accept(run=run, by=personas.coordinator)
    expected = sum(len(a["dates"]) for a in proposed)
    assert len(sessions) == expected == Session.objects.filter(offering__term=TERM).count()
    run.refresh_from_db()
    assert run.accepted_by == personas.coordinator

    rows = list(Session.objects.filter(offering__term=TERM).select_related("offering__plan"))
    teachers = {o.pk: set(o.instructors.values_list("pk", flat=True)) for o in Offering.objects.filter(term=TERM)}
    labels = {r.label: r for r in Room.objects.all()}
    for s in rows:
        plan = s.offering.plan
        assert _in_window(s, plan.cohort), (s, plan.cohort)
        assert holiday_name(s.date) is None
        assert s.offering.start_date <= s.date <= s.offering.end_date
        room = labels[s.room]
        assert room.capacity >= s.offering.capacity
        assert room.is_lab == plan.needs_lab
    for s, t in combinations(rows, 2):
        if s.date != t.date or not (s.start_time < t.end_time and t.start_time < s.end_time):
            continue
        assert s.room != t.room
        assert not teachers[s.offering_id] & teachers[t.offering_id]
        assert s.offering_id != t.offering_id
        group = s.offering.plan.cohort_group
        assert not group or group != t.offering.plan.cohort_group
    # an instructor never has two sessions the same day on campuses 40 minutes apart without the time
    for s, t in combinations(rows, 2):
        shared = teachers[s.offering_id] & teachers[t.offering_id]
        if s.date == t.date and shared and labels[s.room].campus != labels[t.room].campus:
            first, second = sorted((s, t), key=lambda x: x.start_time)
            gap = dt.datetime.combine(s.date, second.start_time) - dt.datetime.combine(s.date, first.end_time)
            assert gap >= dt.timedelta(minutes=40)
    # each weekly session meets every week of the four, except on public holidays
    for a in proposed:
        day = term.monday + dt.timedelta(days=a["weekday"])
        weeks = [day + dt.timedelta(days=7 * w) for w in range(4)]
        assert a["dates"] == [d.isoformat() for d in weeks if not holiday_name(d)]
    # Kim is available only on Tuesdays, Thursdays and Saturdays
    for s in rows:
        if term.kim.pk in teachers[s.offering_id]:
            assert s.date.weekday() in (1, 3, 5)
    # the lab offering's sessions book both pieces of the lab: the robot cell awaits approval
    lab_sessions = [s for s in rows if s.offering_id == term.offerings.d.pk]
    assert lab_sessions
    bookings = Reservation.objects.filter(session__in=lab_sessions)
    assert bookings.count() == 2 * len(lab_sessions)
    statuses = {(r.equipment.code, r.status) for r in bookings.select_related("equipment")}
    assert statuses == {("EQ-R1", ReservationStatus.PENDING), ("EQ-P1", ReservationStatus.CONFIRMED)}
    offering_a = Offering.objects.get(pk=term.offerings.a.pk)
    assert offering_a.has_evening or offering_a.has_weekend

    with pytest.raises(ConflictError):
        services.scheduling_run_accept(run=run, by=personas.coordinator)
    assert Session.objects.filter(offering__term=TERM).count() == expected


def test_accept_refuses_existing_sessions_unless_replacing(personas, term) -> None:  # type: ignore[no-untyped-def]
    run = _solved(personas)
    old = Session.objects.create(
        offering=term.offerings.a,
        date=term.monday,
        start_time=dt.time(10),
        end_time=dt.time(12),
        room="예전 강의실",
    )
    with pytest.raises(DomainError) as exc:
        services.scheduling_run_accept(run=run, by=personas.coordinator)
    assert exc.value.code == "existing_sessions"
    assert "과목 T-A" in exc.value.message
    run.refresh_from_db()
    assert run.accepted_at is None  # all or nothing
    assert list(Session.objects.filter(offering__term=TERM)) == [old]
    assert not Reservation.objects.exists()

    sessions = services.scheduling_run_accept(run=run, by=personas.coordinator, replace_future=True)
    assert not Session.objects.filter(pk=old.pk).exists()
    assert Session.objects.filter(offering__term=TERM).count() == len(sessions)


def test_lab_failure_rolls_back_everything(personas, term, labs) -> None:  # type: ignore[no-untyped-def]
    run = _solved(personas)
    labs.plc.status = "maintenance"
    labs.plc.status_reason = "점검"
    labs.plc.save()
    labs.robot.status = "maintenance"
    labs.robot.status_reason = "점검"
    labs.robot.save()
    with pytest.raises(DomainError) as exc:
        services.scheduling_run_accept(run=run, by=personas.coordinator)
    assert exc.value.code == "lab"
    assert exc.value.message.startswith("실습실 예약이 실패해 아무것도 확정하지 않았습니다")
    assert not Session.objects.filter(offering__term=TERM).exists()
    run.refresh_from_db()
    assert run.accepted_at is None


def test_precheck_infeasible_is_explained(personas, term) -> None:  # type: ignore[no-untyped-def]
    Offering.objects.filter(pk=term.offerings.c.pk).update(capacity=80)
    run = _solved(personas)
    assert run.status == RunStatus.INFEASIBLE
    assert run.message == "조건을 모두 만족하는 시간표가 없습니다. / No timetable meets every constraint."
    assert selectors.run_message(run) == run.message
    assert selectors.run_explanation(run) == [
        "강좌 '과목 T-C': 정원 80명을 수용할 강의실이 없습니다(가장 큰 곳 30명). "
        "/ Offering '과목 T-C': no room holds its 80 seats (the largest holds 30)."
    ]
    with translation.override("en"):  # saved by the worker in Korean, shown in English
        assert selectors.run_message(run) == "No timetable meets every constraint."
        assert selectors.run_explanation(run) == [
            "Offering '과목 T-C': no room holds its 80 seats (largest Room: 30 seats)."
        ]
    with pytest.raises(DomainError):
        services.scheduling_run_accept(run=run, by=personas.coordinator)


def test_solver_infeasible_names_the_conflicting_rule(personas, term) -> None:  # type: ignore[no-untyped-def]
    """Three instructors, each teaching two of three offerings, and only two evenings: every pair
    of offerings shares an instructor, so no two may meet together — the instructors' rule conflicts."""
    Offering.objects.filter(term=TERM).delete()
    lee = instructor_create("lee@sanhak.test", "이강사", term.lead)
    people = [term.kim, term.choi, lee]
    InstructorAvailability.objects.all().delete()
    for p in people:
        for day in (1, 2):
            InstructorAvailability.objects.create(instructor=p, weekday=day, start=dt.time(19), end=dt.time(22))
    offering_create("X-1", term.lead, term.monday, 10, [people[0], people[1]])
    offering_create("X-2", term.lead, term.monday, 10, [people[1], people[2]])
    offering_create("X-3", term.lead, term.monday, 10, [people[0], people[2]])
    run = _solved(personas)
    assert run.status == RunStatus.INFEASIBLE
    assert run.result["figures"]["solver_status"] == "INFEASIBLE"
    assert selectors.run_explanation(run) == [
        "강사의 수업이 서로 겹치지 않아야 한다는 조건을(를) 빼면 시간표가 나옵니다: 이 조건이 충돌의 원인입니다. "
        "/ Without this rule a timetable exists: it causes the conflict."
    ]
    with translation.override("en"):
        assert selectors.run_explanation(run) == [
            "Without the rule that instructors' sessions must not overlap, a timetable exists: "
            "this rule causes the conflict."
        ]


def test_rerun_with_adjusted_constraints(personas, term) -> None:  # type: ignore[no-untyped-def]
    run = _solved(personas)
    again = services.scheduling_run_rerun(
        run=run, by=personas.coordinator, options=Options(exclude_rooms=(term.rooms.r201.pk,)), time_limit=LIMIT
    )
    assert again.options == {"students_saturday": False, "widen_minutes": 0, "exclude_rooms": [term.rooms.r201.pk]}
    jobs.run_pending(once=True)
    again.refresh_from_db()
    assert again.status == RunStatus.DONE
    assert {a["room"] for a in again.result["assignments"]} <= {term.rooms.r101.pk, term.rooms.lab.pk}


def test_worker_command_and_failures(personas, term) -> None:  # type: ignore[no-untyped-def]
    services.scheduling_run_start(term="없는학기", institution=personas.lead, created_by=personas.coordinator)
    out = StringIO()
    call_command("scheduling_worker", "--once", stdout=out)
    assert out.getvalue().strip() == "1 run(s) solved"
    run = SchedulingRun.objects.get()
    assert run.status == RunStatus.FAILED
    assert run.message == "편성할 오프라인 강좌가 없습니다. / No offline offerings to schedule in this term."
    with translation.override("en"):
        assert selectors.run_message(run) == "No offline offerings to schedule in this term."


def test_a_run_whose_worker_died_fails_and_says_so_in_the_page_language(personas, term) -> None:  # type: ignore[no-untyped-def]
    run = services.scheduling_run_start(term=TERM, institution=personas.lead, created_by=personas.coordinator)
    long_ago = timezone.now() - jobs.STALE_AFTER - dt.timedelta(seconds=run.time_limit + 1)
    SchedulingRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING, started_at=long_ago)
    assert jobs.run_pending(once=True) == 0
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED
    assert run.message == "작업자가 중단되었습니다. 다시 실행하세요. / The worker stopped; run again."
    with translation.override("en"):
        assert selectors.run_message(run) == "The worker stopped; run again."


def test_start_is_scoped(personas, term) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(DomainError) as exc:
        services.scheduling_run_start(term=TERM, institution=personas.polytechnic, created_by=personas.coordinator)
    assert exc.value.status == 403
    with pytest.raises(DomainError):
        services.scheduling_run_start(term=TERM, institution=None, created_by=personas.coordinator)
    assert not SchedulingRun.objects.exists()
    run = services.scheduling_run_start(term=TERM, institution=None, created_by=personas.admin, time_limit=LIMIT)
    assert run.institution is None


# -- pages --------------------------------------------------------------------------------------------


def test_pages_for_the_coordinator(client, personas, term) -> None:  # type: ignore[no-untyped-def]
    client.force_login(personas.coordinator)
    index = reverse("scheduling:index")
    assert client.get(index).status_code == 200
    response = client.post(
        index, {"term": TERM, "institution": personas.lead.pk, "time_limit": LIMIT, "widen_minutes": 0}
    )
    run = SchedulingRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("scheduling:run", args=[run.pk])
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert 'hx-trigger="every 2s"' in page.content.decode()
    jobs.run_pending(once=True)
    poll = client.get(response["Location"], headers={"HX-Request": "true"})
    assert poll["HX-Refresh"] == "true"
    html = client.get(response["Location"]).content.decode()
    for text in ("강의실별", "강사별", "수강 집단별", "과목 T-A", "김강사", "재직자 · A반", "이 시간표로 확정"):
        assert text in html
    accepted = client.post(reverse("scheduling:accept", args=[run.pk]), {})
    assert accepted.status_code == 302
    assert Session.objects.filter(offering__term=TERM).count() == sum(
        len(a["dates"]) for a in SchedulingRun.objects.get().result["assignments"]
    )
    rerun = client.post(reverse("scheduling:rerun", args=[run.pk]), {"time_limit": 3, "students_saturday": "on"})
    assert rerun.status_code == 302
    assert SchedulingRun.objects.count() == 2
    assert SchedulingRun.objects.first().options["students_saturday"] is True  # type: ignore[union-attr]


def test_the_run_page_in_english(client, personas, term) -> None:  # type: ignore[no-untyped-def]
    """The worker saved the run in Korean (the site's language); the English page reads English: the
    run's message, the weekday headers of the grids and their labels."""
    run = _solved(personas)
    assert run.status == RunStatus.DONE
    assert run.message == "시간표를 편성했습니다. / Timetable ready."
    client.force_login(personas.coordinator)
    url = reverse("scheduling:run", args=[run.pk])
    korean = client.get(url).content.decode()
    assert "<th>월</th><th>화</th><th>수</th><th>목</th><th>금</th><th>토</th>" in korean
    assert "시간표를 편성했습니다. / Timetable ready." in korean
    client.cookies["django_language"] = "en"
    html = client.get(url).content.decode()
    assert "<th>Mon</th><th>Tue</th><th>Wed</th><th>Thu</th><th>Fri</th><th>Sat</th>" in html
    assert "<th>월</th>" not in html
    assert "Timetable ready." in html and "시간표를 편성했습니다" not in html
    assert "Incumbent worker · A반" in html
    poll = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "Timetable ready." in poll and "시간표를 편성했습니다" not in poll


def test_grid_names_skipped_holidays_in_the_page_language(db) -> None:  # type: ignore[no-untyped-def]
    stored = {
        "assignments": [
            {
                "title": "과목 X",
                "weekday": 4,
                "start": "19:00",
                "end": "22:00",
                "room_label": "미추홀 공학관 101",
                "instructors": [],
                "cohort": "student",
                "cohort_group": "",
                "skipped": [{"date": "2026-12-25", "holiday": "기독탄신일"}],
            }
        ]
    }
    label, cells = selectors.timetable(stored)["cohort"][0]
    assert (label, cells[4][0]["skipped"]) == ("학생 · (집단 없음)", [{"date": "2026-12-25", "holiday": "기독탄신일"}])
    with translation.override("en"):
        label, cells = selectors.timetable(stored)["cohort"][0]
    assert (label, cells[4][0]["skipped"]) == (
        "Student · (no group)",
        [{"date": "2026-12-25", "holiday": "Christmas Day"}],
    )
    assert stored["assignments"][0]["skipped"][0]["holiday"] == "기독탄신일"  # the stored result is left as it is


def test_pages_denied_change_nothing(client, personas, term) -> None:  # type: ignore[no-untyped-def]
    mine = _solved(personas)
    other = services.scheduling_run_start(
        term=TERM, institution=personas.polytechnic, created_by=personas.admin, time_limit=LIMIT
    )
    index = reverse("scheduling:index")
    assert client.get(index).status_code == 302  # anonymous: to the login page
    assert "/accounts/login" in client.get(index)["Location"]
    for user in (personas.instructor, personas.student, personas.manager):
        client.force_login(user)
        assert client.get(index).status_code == 403
        assert client.post(index, {"term": TERM, "institution": personas.lead.pk, "time_limit": 3}).status_code == 403
        assert client.post(reverse("scheduling:accept", args=[mine.pk])).status_code == 403
    client.force_login(personas.coordinator)
    assert client.get(reverse("scheduling:run", args=[other.pk])).status_code == 404
    assert client.post(reverse("scheduling:accept", args=[other.pk])).status_code == 404
    assert client.post(reverse("scheduling:rerun", args=[other.pk]), {"time_limit": 3}).status_code == 404
    response = client.post(index, {"term": TERM, "institution": personas.polytechnic.pk, "time_limit": 3})
    assert response.status_code == 200  # not a choice for this coordinator
    assert SchedulingRun.objects.count() == 2
    assert not Session.objects.filter(offering__term=TERM).exists()
    mine.refresh_from_db()
    assert mine.accepted_at is None


def test_index_query_count_is_constant(client, personas, term) -> None:  # type: ignore[no-untyped-def]
    client.force_login(personas.admin)
    url = reverse("scheduling:index")
    services.scheduling_run_start(term=TERM, institution=personas.lead, created_by=personas.coordinator)
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    for inst in (personas.lead, personas.partner, personas.polytechnic, None):
        services.scheduling_run_start(term=TERM, institution=inst, created_by=personas.admin)
    with CaptureQueriesContext(connection) as five:
        assert client.get(url).status_code == 200
    assert len(five) == len(one)


def test_rooms_already_taken_are_avoided(personas, term, labs) -> None:  # type: ignore[no-untyped-def]
    """Another term's offering already holds every incumbent window of room 201 and one evening of
    the lab (with its equipment booked): the run keeps out of them."""
    from sanhak.labs.services import lab_book_for_session
    from sanhak.scheduling import selectors

    other = offering_create("O-1", term.lead, term.monday, 10, [], weekly_sessions=1)
    Offering.objects.filter(pk=other.pk).update(term="다른학기")
    r201 = term.rooms.r201.label
    for w in range(4):
        for d in range(6):
            day = term.monday + dt.timedelta(days=7 * w + d)
            start, end = (dt.time(9), dt.time(18)) if d == 5 else (dt.time(19), dt.time(22))
            Session.objects.create(offering=other, date=day, start_time=start, end_time=end, room=r201)
    lab_day = term.monday + dt.timedelta(days=8)  # the second Tuesday
    lab_session = Session.objects.create(
        offering=other, date=lab_day, start_time=dt.time(19), end_time=dt.time(21), room="외부"
    )
    lab_book_for_session(facility=labs.facility, session=lab_session, created_by=personas.admin)

    data = selectors.term_data(term=TERM, institution=term.lead)
    assert len(data.room_busy[term.rooms.r201.pk]) == 24
    assert sorted(set(data.room_busy[term.rooms.lab.pk])) == [
        (lab_day, 19 * 60, 21 * 60),  # the PLC trainer
        (lab_day, 19 * 60, 21 * 60 + 30),  # the robot cell and its 30-minute buffer
    ]
    run = _solved(personas)
    assert run.status == RunStatus.DONE, run.message
    for a in run.result["assignments"]:
        if a["cohort"] == "incumbent":
            assert a["room"] != term.rooms.r201.pk
        if a["room"] == term.rooms.lab.pk and a["weekday"] == 1:
            assert a["start"] >= "22:00" or a["end"] <= "19:00"


def test_run_page_query_count_does_not_grow_with_the_timetable(client, personas, term) -> None:  # type: ignore[no-untyped-def]
    small = _solved(personas)
    client.force_login(personas.coordinator)
    with CaptureQueriesContext(connection) as one:
        assert client.get(reverse("scheduling:run", args=[small.pk])).status_code == 200
    big = SchedulingRun.objects.create(
        term=TERM,
        institution=personas.lead,
        created_by=personas.coordinator,
        status=RunStatus.DONE,
        result={**small.result, "assignments": small.result["assignments"] * 20},
    )
    with CaptureQueriesContext(connection) as many:
        assert client.get(reverse("scheduling:run", args=[big.pk])).status_code == 200
    assert len(many) == len(one)
