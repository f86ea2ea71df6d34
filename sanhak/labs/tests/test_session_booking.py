"""An instructor books one piece of equipment for a course session."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sanhak.courses.models import Session
from sanhak.labs.models import Reservation
from sanhak.labs.services import session_times

pytestmark = pytest.mark.django_db


@pytest.fixture
def lab_session(catalog):  # type: ignore[no-untyped-def]
    return Session.objects.filter(offering=catalog.robot_offering).order_by("date").first()


def test_the_instructor_books_one_piece_for_a_session(client, labs, personas, lab_session):
    client.force_login(personas.instructor)
    url = reverse("labs:equipment_session_book", args=[labs.plc.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"session": lab_session.pk})
    assert response.status_code == 302
    assert response["Location"] == reverse("labs:mine")
    start, end = session_times(lab_session)
    assert list(
        Reservation.objects.values_list("equipment_id", "user_id", "starts_at", "ends_at", "status", "session_id")
    ) == [(labs.plc.pk, personas.instructor.pk, start, end, "confirmed", lab_session.pk)]


def test_the_robot_needs_no_training_of_the_instructor_for_a_course_session(client, labs, personas, lab_session):
    # The booking is the course's: the personal training requirement does not apply (approval still does).
    client.force_login(personas.instructor)
    response = client.post(reverse("labs:equipment_session_book", args=[labs.robot.pk]), {"session": lab_session.pk})
    assert response.status_code == 302
    assert list(Reservation.objects.values_list("equipment_id", "status")) == [(labs.robot.pk, "pending")]


@pytest.mark.parametrize("who", ["student", "worker", "manager"])
def test_others_cannot_book_for_a_session(client, labs, personas, lab_session, who):
    client.force_login(getattr(personas, who))
    url = reverse("labs:equipment_session_book", args=[labs.plc.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"session": lab_session.pk}).status_code == 403
    assert not Reservation.objects.exists()


def test_anonymous_goes_to_login(client, labs, lab_session):
    response = client.post(reverse("labs:equipment_session_book", args=[labs.plc.pk]), {"session": lab_session.pk})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert not Reservation.objects.exists()


def test_course_sessions_are_not_held_to_the_booking_horizon(labs, personas, lab_session):
    """A term is planned months ahead: an individual may book at most 60 days ahead, a course session
    further (its calendar rules still apply)."""
    import datetime as dt

    from sanhak.common.errors import DomainError
    from sanhak.labs import services
    from sanhak.labs.tests.conftest import at, open_day

    far = open_day(labs.plc.effective_rules, after_days=90)
    with pytest.raises(DomainError) as exc:
        services.reservation_create(
            equipment=labs.plc, user=personas.worker, starts_at=at(far, 19), ends_at=at(far, 21)
        )
    assert exc.value.code == "notice_long"
    lab_session.date = far
    lab_session.save()
    made = services.equipment_book_for_session(equipment=labs.plc, session=lab_session, created_by=personas.instructor)
    assert (made.starts_at.date(), made.status) == (far, "confirmed")
    assert made.ends_at - made.starts_at == dt.timedelta(hours=3)
