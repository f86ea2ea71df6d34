"""Labs pages: each for its allowed user and for denied ones (which change nothing); booking through
the page (success, a broken rule, a conflict, the weekly preview); the report and its XLSX; and
constant query counts on the list pages."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from sanhak.common.models import Notification
from sanhak.courses.models import Session
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

LOGIN = reverse("accounts:login")
MSG_HOURS = "운영 시간(09:00–22:00) 안에서만 예약할 수 있습니다. / Bookings must fit the opening hours (09:00–22:00)."


def snapshot():
    return [
        *Reservation.objects.order_by("pk").values_list(
            "pk", "equipment_id", "user_id", "status", "starts_at", "reason"
        ),
        ("series", ReservationSeries.objects.count()),
        ("notifications", Notification.objects.count()),
        ("training", sorted(TrainingRecord.objects.values_list("user_id", "course_id", "completed_on"))),
    ]


def page(response):
    return response.content.decode()


def redirects_to_login(response):
    return response.status_code == 302 and response["Location"].startswith(LOGIN)


@pytest.fixture
def trained(labs, personas):
    TrainingRecord.objects.create(user=personas.student, course=labs.safety, completed_on=timezone.localdate())
    return personas.student


# --- equipment list and detail (public) ------------------------------------------------------------


def test_equipment_list_is_public(client, labs):
    Equipment.objects.create(
        code="EQ-V1",
        name="비전 검사 키트",
        type=labs.types["vision-kit"],
        facility=labs.facility,
        status=EquipmentStatus.MAINTENANCE,
        status_reason="렌즈 교체",
        expected_return=dt.date(2027, 1, 20),
    )
    Equipment.objects.create(
        code="EQ-OLD",
        name="폐기 장비",
        type=labs.types["plc-trainer"],
        facility=labs.facility,
        status=EquipmentStatus.RETIRED,
        status_reason="노후",
    )
    response = client.get(reverse("labs:equipment_list"))
    assert response.status_code == 200
    html = page(response)
    assert '공동 실습 장비 <small class="muted">3</small>' in html
    for text in (
        "협동로봇 셀",
        "EQ-R1",
        "PLC 트레이너",
        "EQ-P1",
        "인천대학교 · 공학관 B101",
        "렌즈 교체 (복귀 예정 1/20)",
    ):
        assert text in html
    assert "폐기 장비" not in html
    assert [e.code for e in response.context["equipment"]] == [
        "EQ-P1",
        "EQ-R1",
        "EQ-V1",
    ]  # by type name (PLC, 로봇, 비전), then code
    filtered = client.get(reverse("labs:equipment_list"), {"type": "robot-cell"})
    assert [e.code for e in filtered.context["equipment"]] == ["EQ-R1"]
    other = client.get(reverse("labs:equipment_list"), {"institution": str(labs.facility.institution_id + 100)})
    assert list(other.context["equipment"]) == []
    assert "등록된 장비가 없습니다." in page(other)


def test_equipment_detail_for_an_anonymous_visitor(client, labs, personas):
    day = open_day(labs.robot.effective_rules)
    reserve(labs.robot, personas.worker, at(day, 10), at(day, 12))
    response = client.get(reverse("labs:equipment_detail", args=[labs.robot.pk]), {"week": day.isoformat()})
    assert response.status_code == 200
    html = page(response)
    for text in (
        "협동로봇 셀",
        "이용 30–240분, 30분 단위",
        "운영 09:00–22:00 · 공휴일 휴무",
        "이용 후 정비 30분",
        "시작 60분 전까지, 최대 60일 앞까지 예약",
        "1인 활성 예약 4건까지 · 주 8시간까지",
        "관리자 승인 후 확정",
        "산업용 로봇 안전교육",
        "로그인하고 예약하기",
        "강장비",  # the person responsible
        "10:00–12:00",
        "예약됨",
    ):
        assert text in html, text
    assert "오재직" not in html  # who booked is not public
    assert client.get(reverse("labs:equipment_detail", args=[999999])).status_code == 404


def test_equipment_detail_tells_a_trainee_which_training_is_missing(client, labs, personas):
    client.force_login(personas.worker)
    html = page(client.get(reverse("labs:equipment_detail", args=[labs.robot.pk])))
    assert 'id="training-required"' in html
    assert "산업용 로봇 안전교육 (LAB-SAFE-ROBOT)" in html
    assert reverse("labs:book", args=[labs.robot.pk]) not in html
    # The PLC trainer needs nothing: the form is there.
    html = page(client.get(reverse("labs:equipment_detail", args=[labs.plc.pk])))
    assert reverse("labs:book", args=[labs.plc.pk]) in html
    assert 'id="training-required"' not in html


def test_equipment_detail_for_the_lab_manager_shows_the_form_and_names(client, labs, personas):
    day = open_day(labs.robot.effective_rules)
    reserve(labs.robot, personas.worker, at(day, 10), at(day, 12))
    client.force_login(personas.lab_manager)
    html = page(client.get(reverse("labs:equipment_detail", args=[labs.robot.pk]), {"week": day.isoformat()}))
    assert reverse("labs:book", args=[labs.robot.pk]) in html
    assert 'id="training-required"' not in html
    assert "오재직" in html


# --- booking through the page ----------------------------------------------------------------------


def book(client, equipment, day, start, end, **extra):
    data = {"date": day.isoformat(), "start": start, "end": end, "weeks": 1, "purpose": "", "project": "", **extra}
    return client.post(reverse("labs:book", args=[equipment.pk]), data)


def test_booking_redirects_to_my_bookings(client, labs, personas):
    day = open_day(labs.plc.effective_rules)
    client.force_login(personas.worker)
    response = book(client, labs.plc, day, "19:00", "21:00", purpose="PLC 실습", project="라인 개선")
    assert response.status_code == 302
    assert response["Location"] == reverse("labs:mine")
    r = Reservation.objects.get()
    assert (r.user, r.equipment, r.starts_at, r.ends_at, r.status, r.purpose, r.project) == (
        personas.worker,
        labs.plc,
        at(day, 19),
        at(day, 21),
        "confirmed",
        "PLC 실습",
        "라인 개선",
    )
    assert "예약했습니다. / Booked." in page(client.get(response["Location"]))


def test_anonymous_booking_goes_to_login_and_changes_nothing(client, labs):
    day = open_day(labs.plc.effective_rules)
    response = book(client, labs.plc, day, "19:00", "21:00")
    assert redirects_to_login(response)
    assert Reservation.objects.count() == 0
    assert client.get(reverse("labs:book", args=[labs.plc.pk])).status_code == 302


def test_booking_page_only_takes_posts(client, labs, personas):
    client.force_login(personas.worker)
    assert client.get(reverse("labs:book", args=[labs.plc.pk])).status_code == 405


def test_a_broken_rule_rerenders_with_400_and_the_reason(client, labs, personas):
    day = open_day(labs.plc.effective_rules)
    client.force_login(personas.worker)
    response = book(client, labs.plc, day, "21:00", "22:30")
    assert response.status_code == 400
    assert MSG_HOURS in page(response)
    assert 'value="21:00"' in page(response)  # the form as sent
    assert Reservation.objects.count() == 0


def test_an_invalid_form_is_a_400(client, labs, personas):
    day = open_day(labs.plc.effective_rules)
    client.force_login(personas.worker)
    response = book(client, labs.plc, day, "21:00", "20:00")
    assert response.status_code == 400
    assert "입력 내용을 확인하세요. / Check the form." in page(response)
    assert "종료 시각이 시작 시각보다 늦어야 합니다." in page(response)
    assert Reservation.objects.count() == 0


def test_a_taken_time_is_a_409(client, labs, personas):
    day = open_day(labs.plc.effective_rules)
    taken = reserve(labs.plc, personas.worker2, at(day, 20), at(day, 21))
    client.force_login(personas.worker)
    before = snapshot()
    response = book(client, labs.plc, day, "19:00", "21:00")
    assert response.status_code == 409
    when = when_text(taken.starts_at, taken.ends_at)
    assert f"PLC 트레이너은(는) 이미 예약된 시간입니다: {when}" in page(response)
    assert snapshot() == before


def test_missing_training_is_a_403_with_the_course(client, labs, personas):
    day = open_day(labs.robot.effective_rules)
    client.force_login(personas.worker)
    response = book(client, labs.robot, day, "10:00", "11:00")
    assert response.status_code == 403
    assert "이 장비를 예약하려면 먼저 다음 교육을 이수해야 합니다: 산업용 로봇 안전교육 (LAB-SAFE-ROBOT)" in page(
        response
    )
    assert Reservation.objects.count() == 0


def test_a_lab_managers_failed_booking_shows_the_form_again(client, labs, personas):
    day = open_day(labs.robot.effective_rules)
    client.force_login(personas.lab_manager)
    response = book(client, labs.robot, day, "21:00", "22:30")
    assert response.status_code == 400
    assert 'id="training-required"' not in page(response)
    assert reverse("labs:book", args=[labs.robot.pk]) in page(response)


def weekly_day(rules, weeks):
    day = open_day(rules)
    while not all(is_open_day(rules, day + dt.timedelta(weeks=i)) for i in range(weeks)):
        day = open_day(rules, after_days=(day - timezone.localdate()).days + 1)
    return day


def test_weekly_booking_shows_a_preview_first(client, labs, personas):
    day = weekly_day(labs.plc.effective_rules, 3)
    second = day + dt.timedelta(weeks=1)
    taken = reserve(labs.plc, personas.worker2, at(second, 19), at(second, 20))
    client.force_login(personas.worker)
    before = snapshot()
    response = book(client, labs.plc, day, "19:00", "21:00", weeks=3)
    assert response.status_code == 200
    html = page(response)
    labels = [when_text(at(day + dt.timedelta(weeks=i), 19), at(day + dt.timedelta(weeks=i), 21)) for i in range(3)]
    occurrences = response.context["occurrences"]
    assert [(o.label, o.ok) for o in occurrences] == [(labels[0], True), (labels[1], False), (labels[2], True)]
    for label in labels:
        assert label in html
    assert html.count("예약 가능") == 2
    assert f"이미 예약된 시간입니다: {when_text(taken.starts_at, taken.ends_at)}" in html
    assert f'name="skip" value="{second.isoformat()}" aria-label="건너뛰기 {labels[1]}" checked' in html
    assert '<input type="hidden" name="confirm" value="1">' in html
    assert snapshot() == before


def test_weekly_confirm_with_skip_books_the_rest(client, labs, personas):
    day = weekly_day(labs.plc.effective_rules, 3)
    second = day + dt.timedelta(weeks=1)
    taken = reserve(labs.plc, personas.worker2, at(second, 19), at(second, 20))
    client.force_login(personas.worker)
    before = snapshot()
    refused = book(client, labs.plc, day, "19:00", "21:00", weeks=3, confirm="1")  # nothing skipped
    assert refused.status_code == 409
    assert "다음 일정은 예약할 수 없습니다." in page(refused)
    assert snapshot() == before

    response = book(client, labs.plc, day, "19:00", "21:00", weeks=3, confirm="1", skip=[second.isoformat(), "junk"])
    assert response.status_code == 302
    assert response["Location"] == reverse("labs:mine")
    mine = Reservation.objects.exclude(pk=taken.pk)
    assert list(mine.values_list("starts_at", "status")) == [
        (at(day, 19), "confirmed"),
        (at(day + dt.timedelta(weeks=2), 19), "confirmed"),
    ]
    assert mine.values("series").distinct().count() == 1


# --- find (public) -------------------------------------------------------------------------------


def test_find_durations_in_both_languages(client, labs):
    korean = client.get(reverse("labs:find"))
    assert [str(label) for _m, label in korean.context["form"].fields["duration"].choices] == [
        "30분",
        "1시간",
        "1시간 30분",
        "2시간",
        "3시간",
        "4시간",
    ]
    assert '<option value="90">1시간 30분</option>' in korean.content.decode()
    client.cookies["django_language"] = "en"
    english = client.get(reverse("labs:find"))
    assert [str(label) for _m, label in english.context["form"].fields["duration"].choices] == [
        "30 min",
        "1 hour",
        "1 h 30 min",
        "2 hours",
        "3 hours",
        "4 hours",
    ]
    assert '<option value="90">1 h 30 min</option>' in english.content.decode()


def test_find_free_equipment(client, labs, personas):
    day = open_day(labs.plc.effective_rules)
    reserve(labs.plc, personas.worker, at(day, 19), at(day, 20))
    response = client.get(reverse("labs:find"))
    assert response.status_code == 200
    assert response.context["results"] is None
    params = {
        "type": labs.types["plc-trainer"].pk,
        "date_from": day.isoformat(),
        "window_start": "18:00",
        "window_end": "22:00",
        "duration": "60",
    }
    response = client.get(reverse("labs:find"), params)
    assert response.status_code == 200
    [availability] = response.context["results"]
    assert availability.equipment == labs.plc
    assert [(s.starts_at, s.ends_at, s.latest_start) for s in availability.slots] == [
        (at(day, 18), at(day, 19), at(day, 18)),
        (at(day, 20), at(day, 22), at(day, 21)),
    ]
    html = page(response)
    assert "18:00–19:00" in html and "20:00–22:00" in html
    assert "협동로봇 셀" not in html


def test_find_refuses_bad_searches(client, labs):
    day = open_day(labs.plc.effective_rules)
    base = {
        "type": labs.types["plc-trainer"].pk,
        "date_from": day.isoformat(),
        "window_start": "18:00",
        "window_end": "22:00",
        "duration": "60",
    }
    cases = [
        (
            {"date_to": (day - dt.timedelta(days=1)).isoformat()},
            "종료일이 시작일보다 빠릅니다. / The end date is before the start date.",
        ),
        (
            {"date_to": (day + dt.timedelta(days=14)).isoformat()},
            "한 번에 14일까지 찾을 수 있습니다. / Search at most 14 days at a time.",
        ),
        ({"window_end": "17:00"}, "시간대의 끝이 시작보다 늦어야 합니다. / The window must end after it starts."),
    ]
    for change, message in cases:
        response = client.get(reverse("labs:find"), {**base, **change})
        assert response.status_code == 200
        assert response.context["results"] is None
        assert message in page(response)
    # Thirteen days after the start is still one search.
    response = client.get(reverse("labs:find"), {**base, "date_to": (day + dt.timedelta(days=13)).isoformat()})
    assert response.context["results"] is not None


# --- my bookings ---------------------------------------------------------------------------------


def test_my_bookings(client, labs, personas):
    day = open_day(labs.plc.effective_rules)
    mine = reserve(labs.plc, personas.student, at(day, 19), at(day, 20), purpose="졸업 과제")
    reserve(labs.plc, personas.worker, at(day, 20), at(day, 21), purpose="남의 예약")
    reserve(labs.plc, personas.student, at(day, 9), at(day, 10), ReservationStatus.CANCELLED, purpose="취소한 예약")
    past_day = timezone.localdate() - dt.timedelta(days=3)
    reserve(labs.plc, personas.student, at(past_day, 10), at(past_day, 11), ReservationStatus.COMPLETED)
    client.force_login(personas.student)
    response = client.get(reverse("labs:mine"), {"week": day.isoformat()})
    assert response.status_code == 200
    assert list(response.context["upcoming"]) == [mine]
    assert [r.status for r in response.context["past"]] == ["completed"]
    html = page(response)
    assert "졸업 과제" in html
    assert "남의 예약" not in html and "취소한 예약" not in html
    assert reverse("labs:cancel", args=[mine.pk]) in html and reverse("labs:check_in", args=[mine.pk]) in html
    feed = response.context["feed_url"]
    assert feed.startswith("http://testserver/labs/feeds/") and feed.endswith(".ics")
    assert client.get(feed).status_code == 200


def test_my_bookings_needs_login(client, labs):
    assert redirects_to_login(client.get(reverse("labs:mine")))


# --- acting on a reservation -----------------------------------------------------------------------


@pytest.fixture
def pending(labs, personas, trained):
    day = open_day(labs.robot.effective_rules)
    return reserve(labs.robot, trained, at(day, 10), at(day, 11), ReservationStatus.PENDING)


def test_the_owner_cancels(client, labs, personas):
    day = open_day(labs.plc.effective_rules)
    r = reserve(labs.plc, personas.student, at(day, 19), at(day, 20))
    client.force_login(personas.student)
    response = client.post(reverse("labs:cancel", args=[r.pk]))
    assert (response.status_code, response["Location"]) == (302, reverse("labs:mine"))
    r.refresh_from_db()
    assert r.status == "cancelled"
    # Again: an error message, nothing changes.
    response = client.post(reverse("labs:cancel", args=[r.pk]), follow=True)
    assert "이미 처리된 예약입니다." in page(response)


def test_someone_elses_reservation_is_a_404(client, labs, personas, pending):
    before = snapshot()
    for action in ("cancel", "check_in", "approve", "reject"):
        url = reverse(f"labs:{action}", args=[pending.pk])
        for who in (personas.worker, personas.instructor):
            client.force_login(who)
            assert client.post(url, {"reason": "x"}).status_code == 404, (action, who)
        client.logout()
        assert redirects_to_login(client.post(url, {"reason": "x"}))
        client.force_login(personas.lab_manager)
        assert client.post(reverse(f"labs:{action}", args=[999999]), {"reason": "x"}).status_code == 404
    assert snapshot() == before


def test_the_owner_cannot_approve_their_own(client, personas, pending):
    before = snapshot()
    client.force_login(personas.student)
    for action in ("approve", "reject"):
        assert client.post(reverse(f"labs:{action}", args=[pending.pk]), {"reason": "x"}).status_code == 403
    assert snapshot() == before


def test_the_lab_manager_approves(client, personas, pending):
    client.force_login(personas.lab_manager)
    response = client.post(reverse("labs:approve", args=[pending.pk]))
    assert (response.status_code, response["Location"]) == (302, reverse("labs:queue"))
    pending.refresh_from_db()
    assert (pending.status, pending.decided_by) == ("confirmed", personas.lab_manager)
    assert Notification.objects.filter(user=personas.student).count() == 1


def test_the_lab_manager_rejects_with_a_reason(client, personas, pending):
    client.force_login(personas.lab_manager)
    before = snapshot()
    response = client.post(reverse("labs:reject", args=[pending.pk]), {"reason": ""}, follow=True)
    assert "반려 사유를 입력하세요. / Give a reason for the rejection." in page(response)
    assert snapshot() == before
    response = client.post(reverse("labs:reject", args=[pending.pk]), {"reason": "교육 이수 확인 불가"})
    assert response["Location"] == reverse("labs:queue")
    pending.refresh_from_db()
    assert (pending.status, pending.reason) == ("rejected", "교육 이수 확인 불가")


def test_check_in_through_the_page(client, labs, personas):
    now = timezone.now()
    soon = reserve(labs.plc, personas.student, now + dt.timedelta(minutes=5), now + dt.timedelta(minutes=65))
    day = open_day(labs.plc.effective_rules, after_days=3)
    later = reserve(labs.plc, personas.student, at(day, 10), at(day, 11))
    client.force_login(personas.student)
    response = client.post(reverse("labs:check_in", args=[soon.pk]), follow=True)
    assert "체크인했습니다. / Checked in." in page(response)
    response = client.post(reverse("labs:check_in", args=[later.pk]), follow=True)
    assert "체크인은 시작 15분 전부터 시작 후 15분까지 할 수 있습니다." in page(response)
    assert dict(Reservation.objects.values_list("pk", "status")) == {soon.pk: "checked_in", later.pk: "confirmed"}


# --- the approval queue, training records, lab booking ----------------------------------------------


def test_queue_for_the_lab_manager(client, labs, personas, pending):
    pending.company = personas.company_a
    pending.purpose = "로봇 티칭"
    pending.save()
    client.force_login(personas.lab_manager)
    response = client.get(reverse("labs:queue"))
    assert response.status_code == 200
    assert list(response.context["pending"]) == [pending]
    html = page(response)
    for text in (
        "장비 예약 승인",
        "이학생",
        "(주)남동정밀",
        "협동로봇 셀",
        "로봇 티칭",
        reverse("labs:approve", args=[pending.pk]),
    ):
        assert text in html
    client.force_login(personas.admin)
    assert list(client.get(reverse("labs:queue")).context["pending"]) == [pending]


@pytest.mark.parametrize("name", ["queue", "training", "reports"])
def test_manager_pages_are_403_for_others(client, personas, labs, name):
    for who in ("student", "worker", "instructor", "coordinator", "manager"):
        client.force_login(getattr(personas, who))
        assert client.get(reverse(f"labs:{name}")).status_code == 403, who


@pytest.mark.parametrize("name", ["queue", "training", "reports"])
def test_manager_pages_need_login(client, labs, name):
    assert redirects_to_login(client.get(reverse(f"labs:{name}")))


def test_the_lab_manager_records_a_training(client, labs, personas):
    client.force_login(personas.lab_manager)
    response = client.get(reverse("labs:training"))
    assert response.status_code == 200
    assert list(response.context["form"].fields["course"].queryset) == [labs.safety]
    data = {"email": "WORKER@sanhak.test", "course": labs.safety.pk, "completed_on": "2026-10-01", "note": "외부 교육"}
    response = client.post(reverse("labs:training"), data)
    assert (response.status_code, response["Location"]) == (302, reverse("labs:training"))
    assert list(
        TrainingRecord.objects.values_list("user__email", "course__code", "completed_on", "recorded_by__email", "note")
    ) == [("worker@sanhak.test", "LAB-SAFE-ROBOT", dt.date(2026, 10, 1), "labmanager@sanhak.test", "외부 교육")]
    html = page(client.get(reverse("labs:training")))
    assert "오재직" in html and "산업용 로봇 안전교육" in html and "2026. 10. 1." in html
    response = client.post(reverse("labs:training"), {**data, "email": "nobody@sanhak.test"})
    assert response.status_code == 200
    assert "그 이메일의 사용자가 없습니다. / No user has that e-mail." in page(response)
    assert TrainingRecord.objects.count() == 1


def test_the_training_records_shown_are_logged(client, labs, personas):
    from sanhak.common.models import PersonalDataAccess

    client.force_login(personas.lab_manager)
    client.get(reverse("labs:training"))  # no records yet: nothing logged
    for person in (personas.worker, personas.student, personas.lab_manager):
        TrainingRecord.objects.create(
            user=person, course=labs.safety, completed_on=dt.date(2026, 10, 1), recorded_by=personas.lab_manager
        )
    client.get(reverse("labs:training"))
    logged = PersonalDataAccess.objects.values_list("viewer_id", "purpose", "subject_ids")
    assert list(logged) == [
        (personas.lab_manager.pk, "lab_training_records", sorted([personas.worker.pk, personas.student.pk]))
    ]


def test_a_trainee_cannot_record_training(client, labs, personas):
    client.force_login(personas.student)
    data = {"email": "student@sanhak.test", "course": labs.safety.pk, "completed_on": "2026-10-01", "note": ""}
    before = snapshot()
    assert client.post(reverse("labs:training"), data).status_code == 403
    client.force_login(personas.instructor)
    assert client.post(reverse("labs:training"), data).status_code == 403
    assert snapshot() == before


@pytest.fixture
def lab_session(catalog):
    return Session.objects.filter(offering=catalog.robot_offering).order_by("date").first()


def test_the_lab_booking_page_lists_the_instructors_sessions(client, labs, personas, lab_session):
    client.force_login(personas.instructor)
    response = client.get(reverse("labs:lab_book", args=[labs.facility.pk]))
    assert response.status_code == 200
    html = page(response)
    assert "수업용 예약" in html and "스마트팩토리 실습실 (공학관 B101)" in html
    assert f"산업용 로봇 운용 · {lab_session.date:%Y-%m-%d} 19:00–22:00" in html
    assert [s.pk for s in response.context["form"].fields["session"].queryset] == list(
        Session.objects.filter(offering__course__code="INU-ROB-201").order_by("date").values_list("pk", flat=True)
    )


def test_the_instructor_books_the_lab_for_a_session(client, labs, personas, lab_session):
    client.force_login(personas.instructor)
    response = client.post(reverse("labs:lab_book", args=[labs.facility.pk]), {"session": lab_session.pk})
    assert (response.status_code, response.get("Location")) == (302, reverse("labs:mine"))
    assert sorted(Reservation.objects.values_list("equipment__code", "status", "session_id")) == [
        ("EQ-P1", "confirmed", lab_session.pk),
        ("EQ-R1", "pending", lab_session.pk),
    ]
    assert "장비 2대를 수업용으로 예약했습니다. / Booked 2 pieces of equipment." in page(
        client.get(reverse("labs:mine"))
    )


def test_a_lab_booking_with_a_taken_piece_is_a_409(client, labs, personas, lab_session):
    reserve(labs.robot, personas.lab_manager, at(lab_session.date, 18), at(lab_session.date, 19, 30))
    client.force_login(personas.instructor)
    before = snapshot()
    response = client.post(reverse("labs:lab_book", args=[labs.facility.pk]), {"session": lab_session.pk})
    assert snapshot() == before
    assert response.status_code == 409
    assert "실습실 전체를 예약할 수 없습니다. / The whole lab cannot be booked." in page(response)


def test_others_cannot_book_a_lab(client, labs, personas, lab_session):
    url = reverse("labs:lab_book", args=[labs.facility.pk])
    before = snapshot()
    for who in ("student", "worker", "manager", "lab_manager"):
        client.force_login(getattr(personas, who))
        assert client.get(url).status_code == 403, who
        assert client.post(url, {"session": lab_session.pk}).status_code == 403, who
    assert snapshot() == before


def test_lab_booking_needs_login_and_only_offers_ones_own_sessions(client, labs, personas, lab_session, catalog):
    url = reverse("labs:lab_book", args=[labs.facility.pk])
    assert redirects_to_login(client.post(url, {"session": lab_session.pk}))
    assert Reservation.objects.count() == 0
    # The coordinator of the lead university sees the robot course; not the polytechnic's molding course.
    client.force_login(personas.coordinator)
    sessions = list(client.get(url).context["form"].fields["session"].queryset)
    assert {s.offering.course.code for s in sessions} == {"INU-ROB-201"}
    molding = Session.objects.filter(offering=catalog.molding_offering).first()
    response = client.post(url, {"session": molding.pk})
    assert response.status_code == 200  # not a choice: the form again
    assert Reservation.objects.count() == 0


# --- the report and its XLSX ----------------------------------------------------------------------

MON, FRI = dt.date(2027, 1, 4), dt.date(2027, 1, 8)


@pytest.fixture
def usage(labs, personas):
    reserve(labs.plc, personas.worker, at(MON, 10), at(MON, 12), ReservationStatus.COMPLETED)
    reserve(labs.plc, personas.worker, at(MON, 15), at(MON, 16), ReservationStatus.NO_SHOW)
    reserve(labs.plc, personas.student, at(FRI, 16), at(FRI, 18), ReservationStatus.CONFIRMED)
    reserve(labs.plc, personas.student, at(FRI, 9), at(FRI, 10), ReservationStatus.CANCELLED)
    return labs


REPORT = {"date_from": MON.isoformat(), "date_to": FRI.isoformat(), "group": "equipment"}


def test_the_report_page(client, personas, usage):
    client.force_login(personas.lab_manager)
    response = client.get(reverse("labs:reports"), REPORT)
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [(r.label, r.available_hours, r.booked_hours, r.used_hours, r.no_shows, r.no_show_rate) for r in rows] == [
        ("PLC 트레이너 [EQ-P1]", 65.0, 4.0, 2.0, 1, 0.5),
        ("협동로봇 셀 [EQ-R1]", 65.0, 0.0, 0.0, 0, 0.0),
    ]
    html = page(response)
    assert "<th>장비</th><th>가용(시간)</th>" in html
    assert "<td>PLC 트레이너 [EQ-P1]</td><td>65.0</td><td>4.0</td><td>2.0</td><td>6%</td><td>3%</td>" in html
    assert '50% <small class="muted">(1)</small>' in html
    assert [(b.label, b.available, b.booked, b.used) for b in response.context["chart"]["bars"]] == [
        ("PLC 트레이너 [EQ-P1]", 400, 25, 12),
        ("협동로봇 셀 [EQ-R1]", 400, 0, 0),
    ]


def test_the_report_defaults_to_this_month(client, personas, labs):
    client.force_login(personas.admin)
    response = client.get(reverse("labs:reports"))
    assert response.status_code == 200
    today = timezone.localdate()
    assert response.context["form"].cleaned_data["date_from"] == today.replace(day=1)
    assert response.context["form"].cleaned_data["date_to"] == today


def test_the_report_refuses_a_reversed_period(client, personas, labs):
    client.force_login(personas.lab_manager)
    response = client.get(reverse("labs:reports"), {**REPORT, "date_from": FRI.isoformat(), "date_to": MON.isoformat()})
    assert response.status_code == 200
    assert response.context["rows"] == []
    assert "종료일이 시작일보다 빠릅니다. / The end date is before the start date." in page(response)


def test_the_report_xlsx(client, personas, usage):
    client.force_login(personas.lab_manager)
    response = client.get(reverse("labs:reports"), {**REPORT, "format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    wb = load_workbook(io.BytesIO(response.content))
    ws = wb.active
    assert ws.title == "장비 활용"
    assert [list(row) for row in ws.iter_rows(values_only=True)] == [
        ["장비", "가용 시간", "예약 시간", "이용 시간", "예약률", "이용률", "노쇼", "노쇼율"],
        ["PLC 트레이너 [EQ-P1]", 65, 4, 2, 0.0615, 0.0308, 1, 0.5],
        ["협동로봇 셀 [EQ-R1]", 65, 0, 0, 0, 0, 0, 0],
    ]
    # By company: the first column is headed by the grouping; no company is "(없음)".
    response = client.get(reverse("labs:reports"), {**REPORT, "group": "company", "format": "xlsx"})
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert [list(row) for row in rows] == [
        ["기업", "가용 시간", "예약 시간", "이용 시간", "예약률", "이용률", "노쇼", "노쇼율"],
        ["(없음)", 0, 4, 2, 0, 0, 1, 0.5],
    ]


def test_the_report_xlsx_filename(client, personas, usage):
    client.force_login(personas.lab_manager)
    response = client.get(reverse("labs:reports"), {**REPORT, "format": "xlsx"})
    assert response["Content-Disposition"] == 'attachment; filename="utilization-20270104-20270108.xlsx"'


def test_far_dates_in_the_query_string_are_not_a_server_error(client, personas, labs):
    client.raise_request_exception = False
    assert client.get(reverse("labs:equipment_detail", args=[labs.plc.pk]), {"week": "9999-12-31"}).status_code == 200
    client.force_login(personas.lab_manager)
    assert client.get(reverse("labs:reports"), {**REPORT, "date_to": "9999-12-31"}).status_code != 500


# --- query counts ---------------------------------------------------------------------------------


def queries(client, url, params=None):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(ctx.captured_queries)


def add_equipment(labs, personas, n, start, day):
    """`n` more pieces (alternating types) each with a confirmed, a pending and a past reservation."""
    users = [personas.student, personas.worker, personas.worker2]
    for i in range(start, start + n):
        kind = "plc-trainer" if i % 2 else "vision-kit"
        eq = Equipment.objects.create(
            code=f"EQ-N{i:03d}",
            name=f"장비 {i}",
            type=labs.types[kind],
            facility=labs.facility,
            responsible=personas.lab_manager,
        )
        eq.required_courses.add(labs.safety)
        user = users[i % 3]
        reserve(eq, user, at(day, 10), at(day, 11), company=personas.company_a, purpose="실습")
        reserve(eq, personas.student, at(day, 12), at(day, 13), ReservationStatus.PENDING)
        past = timezone.localdate() - dt.timedelta(days=2)
        reserve(eq, personas.student, at(past, 10), at(past, 12), ReservationStatus.COMPLETED)


def test_list_pages_use_a_constant_number_of_queries(client, labs, personas):
    day = open_day(labs.plc.effective_rules)
    find = {
        "type": labs.types["plc-trainer"].pk,
        "date_from": day.isoformat(),
        "date_to": (day + dt.timedelta(days=6)).isoformat(),
        "duration": "60",
        "window_start": "09:00",
        "window_end": "22:00",
    }
    report = {
        "date_from": (timezone.localdate() - dt.timedelta(days=7)).isoformat(),
        "date_to": (day + dt.timedelta(days=7)).isoformat(),
        "group": "equipment",
    }
    pages = [
        (personas.student, reverse("labs:equipment_list"), {}),
        (personas.student, reverse("labs:find"), find),
        (personas.student, reverse("labs:mine"), {"week": day.isoformat()}),
        (personas.lab_manager, reverse("labs:queue"), {}),
        (personas.lab_manager, reverse("labs:reports"), report),
        (personas.lab_manager, reverse("labs:reports"), {**report, "group": "company"}),
    ]

    def measure():
        out = []
        for user, url, params in pages:
            client.force_login(user)
            queries(client, url, params)  # warm up (session, caches)
            out.append(queries(client, url, params))
        return out

    add_equipment(labs, personas, 3, 0, day)
    small = measure()
    add_equipment(labs, personas, 6, 3, day)
    assert Equipment.objects.count() == 11 and Reservation.objects.count() == 27
    assert measure() == small
