"""Labs forms given dates outside 2000–2099 answer with a clear refusal and save nothing, never a 500
(what submitting every form on PostgreSQL with extreme values found)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from sanhak.labs.models import EquipmentStatus, Reservation, ReservationSeries, TrainingRecord
from sanhak.labs.tests.conftest import open_day

pytestmark = pytest.mark.django_db

OUT_OF_CALENDAR = "날짜는 2000–2099년 사이여야 합니다. / Dates must be between 2000 and 2099."


def beside(field: str, html: str) -> bool:
    """The field's error is shown next to the field, which names it (aria-describedby)."""
    error = f'<ul class="errorlist" id="id_{field}_error"><li>{OUT_OF_CALENDAR}</li></ul>'
    return (
        re.search(
            f'aria-describedby="[^"]*id_{field}_error[^"]*" id="id_{field}">[^<]*(<small[^>]*>[^<]*</small>)?{re.escape(error)}',
            html,
        )
        is not None
    )


EXTREMES = ["0001-01-01", "1999-12-31", "2100-01-01", "9999-12-31"]


def _book(client, equipment, day: str, weeks: int = 1, **extra):  # type: ignore[no-untyped-def]
    data = {"date": day, "start": "19:00", "end": "21:00", "weeks": weeks, "purpose": "", "project": "", **extra}
    return client.post(reverse("labs:book", args=[equipment.pk]), data)


@pytest.mark.parametrize("weeks", [1, 3])
@pytest.mark.parametrize("day", EXTREMES)
def test_booking_a_date_outside_the_calendar_is_a_form_error(client, labs, personas, day, weeks):
    client.force_login(personas.worker)
    response = _book(client, labs.plc, day, weeks)
    assert response.status_code == 400
    html = response.content.decode()
    assert "입력 내용을 확인하세요. / Check the form." in html and OUT_OF_CALENDAR in html
    assert response.context["form"].has_error("date", "date_range")
    assert not Reservation.objects.exists()


def test_weekly_booking_running_past_2099_shows_the_reason_on_the_page(client, labs, personas):
    client.force_login(personas.worker)
    for confirm in ({}, {"confirm": "1"}):  # the preview, and the booking itself
        response = _book(client, labs.plc, "2099-12-28", 3, **confirm)
        assert response.status_code == 400
        assert OUT_OF_CALENDAR in response.content.decode()
        assert 'value="2099-12-28"' in response.content.decode()  # the form as sent
    assert not Reservation.objects.exists() and not ReservationSeries.objects.exists()


def test_weekly_preview_still_works_inside_the_calendar(client, labs, personas):
    client.force_login(personas.worker)
    day = open_day(labs.plc.effective_rules)
    response = _book(client, labs.plc, day.isoformat(), 2)
    assert response.status_code == 200
    assert len(response.context["occurrences"]) == 2
    assert not Reservation.objects.exists()


@pytest.mark.parametrize("field", ["date_from", "date_to"])
@pytest.mark.parametrize("day", EXTREMES)
def test_finding_free_slots_outside_the_calendar_is_a_form_error(client, labs, field, day):
    params = {
        "type": labs.types["plc-trainer"].pk,
        "date_from": "2099-12-31",
        "date_to": "2099-12-31",
        "window_start": "18:00",
        "window_end": "22:00",
        "duration": "60",
        field: day,
    }
    response = client.get(reverse("labs:find"), params)
    assert response.status_code == 200
    assert response.context["results"] is None
    # beside its field (which names it: aria-describedby), not as a message at the top of the page
    assert beside(field, response.content.decode())
    assert list(response.context["messages"]) == []


def test_finding_on_the_last_day_of_the_calendar_works(client, labs):
    params = {
        "type": labs.types["plc-trainer"].pk,
        "date_from": "2099-12-31",
        "window_start": "18:00",
        "window_end": "22:00",
        "duration": "60",
    }
    response = client.get(reverse("labs:find"), params)
    assert response.status_code == 200
    assert response.context["results"] is not None


@pytest.mark.parametrize("day", EXTREMES)
def test_a_report_outside_the_calendar_is_a_form_error(client, labs, personas, day):
    client.force_login(personas.lab_manager)
    for fmt in ({}, {"format": "xlsx"}):
        response = client.get(reverse("labs:reports"), {"date_from": day, "date_to": day, "group": "equipment", **fmt})
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/html")
        assert response.context["rows"] == []
        html = response.content.decode()
        assert (beside("date_from", html), beside("date_to", html)) == (True, True)
        assert list(response.context["messages"]) == []


def test_a_report_on_the_last_days_of_the_calendar_works(client, labs, personas):
    client.force_login(personas.lab_manager)
    response = client.get(
        reverse("labs:reports"), {"date_from": "2099-12-01", "date_to": "2099-12-31", "group": "equipment"}
    )
    assert response.status_code == 200
    assert len(response.context["rows"]) == 2


@pytest.mark.parametrize("day", EXTREMES)
def test_a_training_record_outside_the_calendar_is_a_form_error(client, labs, personas, day):
    client.force_login(personas.lab_manager)
    data = {"email": "worker@sanhak.test", "course": labs.safety.pk, "completed_on": day, "note": ""}
    response = client.post(reverse("labs:training"), data)
    assert response.status_code == 200
    assert OUT_OF_CALENDAR in response.content.decode()
    assert not TrainingRecord.objects.exists()


@pytest.mark.parametrize("day", EXTREMES)
def test_an_expected_return_outside_the_calendar_changes_nothing(client, labs, personas, day):
    client.force_login(personas.lab_manager)
    response = client.post(
        reverse("labs:equipment_status", args=[labs.plc.pk]),
        {"status": EquipmentStatus.MAINTENANCE, "reason": "점검", "expected_return": day},
    )
    assert response.status_code == 302
    labs.plc.refresh_from_db()
    assert (labs.plc.status, labs.plc.expected_return) == (EquipmentStatus.AVAILABLE, None)
    assert "입력 내용을 확인하세요. / Check the form." in client.get(response["Location"]).content.decode()


def test_an_expected_return_inside_the_calendar_is_saved(client, labs, personas):
    client.force_login(personas.lab_manager)
    client.post(
        reverse("labs:equipment_status", args=[labs.plc.pk]),
        {"status": EquipmentStatus.MAINTENANCE, "reason": "점검", "expected_return": "2099-12-31"},
    )
    labs.plc.refresh_from_db()
    assert (labs.plc.status, labs.plc.expected_return) == (EquipmentStatus.MAINTENANCE, dt.date(2099, 12, 31))
