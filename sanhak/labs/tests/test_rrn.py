"""No resident registration number in a booking's purpose or project, a rejection reason or a training note."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sanhak.courses.models import Course
from sanhak.labs.forms import TrainingRecordForm
from sanhak.labs.models import Reservation, ReservationStatus
from sanhak.labs.tests.conftest import at, open_day, reserve

pytestmark = pytest.mark.django_db

RRN_ERROR = "주민등록번호는 입력할 수 없습니다. / Do not enter a resident registration number."


def bookings():
    return sorted(Reservation.objects.values_list("id", "status", "purpose", "project", "reason"))


@pytest.mark.parametrize(
    ("field", "value"),
    [("purpose", "실습 (학생 900101-1234567)"), ("project", "0001014123456 과제")],
)
def test_booking_with_an_rrn_is_refused_and_books_nothing(client, labs, personas, field, value):
    day = open_day(labs.plc.effective_rules)
    client.force_login(personas.worker)
    data = {"date": day.isoformat(), "start": "19:00", "end": "21:00", "weeks": 1, "purpose": "", "project": ""}
    response = client.post(reverse("labs:book", args=[labs.plc.pk]), {**data, field: value})
    assert response.status_code == 400
    html = response.content.decode()
    assert "입력 내용을 확인하세요. / Check the form." in html
    assert RRN_ERROR in html
    assert not Reservation.objects.exists()


def test_booking_with_a_phone_number_in_the_purpose_is_fine(client, labs, personas):
    day = open_day(labs.plc.effective_rules)
    client.force_login(personas.worker)
    data = {"date": day.isoformat(), "start": "19:00", "end": "21:00", "weeks": 1, "project": "123-45-67890"}
    response = client.post(reverse("labs:book", args=[labs.plc.pk]), {**data, "purpose": "연락 010-1234-5678"})
    assert response.status_code == 302
    assert list(Reservation.objects.values_list("purpose", "project")) == [("연락 010-1234-5678", "123-45-67890")]


def test_reservation_reject_with_an_rrn_changes_nothing(client, labs, personas):
    day = open_day(labs.robot.effective_rules)
    pending = reserve(labs.robot, personas.student, at(day, 10), at(day, 11), ReservationStatus.PENDING)
    before = bookings()
    client.force_login(personas.lab_manager)
    response = client.post(reverse("labs:reject", args=[pending.pk]), {"reason": "900101-2345678 미확인"}, follow=True)
    assert response.status_code == 200
    body = response.content.decode()
    assert (
        "주민등록번호는 입력할 수 없습니다. / Do not enter a resident registration number." in body
    )  # the reason, not "missing"
    assert "반려 사유를 입력하세요" not in body
    assert bookings() == before


def test_training_note_refuses_an_rrn(labs, personas):
    form = TrainingRecordForm(
        {
            "email": personas.student.email,
            "course": str(labs.safety.pk),
            "completed_on": "2026-03-02",
            "note": "900101 1234567",
        },
        courses=Course.objects.filter(pk=labs.safety.pk),
    )
    assert form.errors == {"note": [RRN_ERROR]}
