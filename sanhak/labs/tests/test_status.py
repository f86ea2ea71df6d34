"""Equipment status changes by lab managers, and the lab manager's home panel."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from sanhak.common.errors import DomainError
from sanhak.common.models import Notification
from sanhak.labs import services
from sanhak.labs.models import Equipment, Reservation, ReservationStatus
from sanhak.labs.tests.conftest import at, open_day

pytestmark = pytest.mark.django_db


def _book_plc(labs, personas):  # type: ignore[no-untyped-def]
    day = open_day(labs.plc.effective_rules)
    return services.reservation_create(
        equipment=labs.plc, user=personas.student, starts_at=at(day, 19), ends_at=at(day, 21)
    )


def test_lab_manager_puts_equipment_under_maintenance_and_bookers_are_told(client, labs, personas):
    booking = _book_plc(labs, personas)
    client.force_login(personas.lab_manager)
    url = reverse("labs:equipment_status", args=[labs.plc.pk])
    back = (dt.date.today() + dt.timedelta(days=10)).isoformat()
    response = client.post(url, {"status": "maintenance", "reason": "서보 드라이브 교체", "expected_return": back})
    assert response.status_code == 302
    plc = Equipment.objects.get(pk=labs.plc.pk)
    assert (plc.status, plc.status_reason, plc.expected_return.isoformat()) == (
        "maintenance",
        "서보 드라이브 교체",
        back,
    )
    notes = list(Notification.objects.filter(user=personas.student))
    assert len(notes) == 1
    assert "서보 드라이브 교체" in notes[0].message
    # The booking stays (the manager decides); new bookings are refused with the reason.
    assert Reservation.objects.get(pk=booking.pk).status == ReservationStatus.CONFIRMED
    day = open_day(plc.effective_rules, after_days=3)
    with pytest.raises(DomainError) as exc:
        services.reservation_create(equipment=plc, user=personas.worker, starts_at=at(day, 10), ends_at=at(day, 11))
    assert exc.value.code == "equipment_unavailable"
    assert "서보 드라이브 교체" in exc.value.message
    assert back in exc.value.message


def test_maintenance_needs_a_reason(client, labs, personas):
    client.force_login(personas.lab_manager)
    response = client.post(reverse("labs:equipment_status", args=[labs.plc.pk]), {"status": "maintenance"})
    assert response.status_code == 302
    assert Equipment.objects.get(pk=labs.plc.pk).status == "available"


@pytest.mark.parametrize("who", ["student", "instructor", "coordinator"])
def test_others_cannot_change_the_status(client, labs, personas, who):
    client.force_login(getattr(personas, who))
    response = client.post(
        reverse("labs:equipment_status", args=[labs.plc.pk]), {"status": "retired", "reason": "폐기"}
    )
    assert response.status_code == 403
    plc = Equipment.objects.get(pk=labs.plc.pk)
    assert (plc.status, plc.status_reason) == ("available", "")


def test_anonymous_status_change_goes_to_login(client, labs):
    response = client.post(reverse("labs:equipment_status", args=[labs.plc.pk]), {"status": "retired", "reason": "x"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert Equipment.objects.get(pk=labs.plc.pk).status == "available"


def test_lab_manager_home_panel_counts_pending_bookings(client, labs, personas):
    day = open_day(labs.robot.effective_rules)
    services.training_record_add(
        user=personas.student, course=labs.safety, completed_on=dt.date.today(), recorded_by=personas.lab_manager
    )
    services.reservation_create(equipment=labs.robot, user=personas.student, starts_at=at(day, 10), ends_at=at(day, 12))
    client.force_login(personas.lab_manager)
    body = client.get(reverse("home")).content.decode()
    assert "승인 대기 예약 1건" in body
    client.force_login(personas.student)
    assert "승인 대기 예약" not in client.get(reverse("home")).content.decode()


def test_who_sees_other_peoples_bookings_is_logged(client, labs, personas):
    from sanhak.common.models import PersonalDataAccess

    booking = _book_plc(labs, personas)
    monday = booking.starts_at.date() - dt.timedelta(days=booking.starts_at.date().weekday())
    detail = reverse("labs:equipment_detail", args=[labs.plc.pk]) + f"?week={monday:%Y-%m-%d}"
    client.force_login(personas.worker)  # sees only that the time is taken
    assert personas.student.name not in client.get(detail).content.decode()
    assert not PersonalDataAccess.objects.exists()
    client.force_login(personas.lab_manager)  # sees who booked: logged
    assert personas.student.name in client.get(detail).content.decode()
    assert list(PersonalDataAccess.objects.values_list("viewer_id", "purpose", "subject_ids")) == [
        (personas.lab_manager.pk, "lab_calendar", [personas.student.pk])
    ]
