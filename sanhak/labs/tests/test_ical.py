"""iCalendar feeds: per equipment (public, times only, no names) and per person (signed link)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import signing
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from sanhak.labs.models import Reservation, ReservationStatus
from sanhak.labs.services import calendar_feed
from sanhak.labs.tests.conftest import at, open_day

pytestmark = pytest.mark.django_db


def reserve(equipment, user, start, end, status=ReservationStatus.CONFIRMED, created_by=None, **extra):
    buffer = dt.timedelta(minutes=equipment.effective_rules.buffer_minutes)
    return Reservation.objects.create(
        equipment=equipment,
        user=user,
        created_by=created_by or user,
        starts_at=start,
        ends_at=end,
        blocked_until=end + buffer,
        status=status,
        **extra,
    )


def utc(moment):
    return moment.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ").encode()


def events(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    cal = Calendar.from_ical(response.content)
    return cal, [c for c in cal.walk() if c.name == "VEVENT"]


def event_facts(ev):
    return (
        str(ev["uid"]),
        ev["dtstart"].to_ical(),
        ev["dtend"].to_ical(),
        str(ev["summary"]),
        str(ev["location"]),
        str(ev["status"]),
    )


@pytest.fixture
def bookings(labs, personas):
    day = open_day(labs.plc.effective_rules)
    past = timezone.localdate() - dt.timedelta(days=10)
    old = timezone.localdate() - dt.timedelta(days=40)
    return {
        "day": day,
        "confirmed": reserve(labs.plc, personas.worker, at(day, 19), at(day, 20), purpose="비밀 과제"),
        "pending": reserve(labs.plc, personas.student, at(day, 10), at(day, 11), ReservationStatus.PENDING),
        "completed": reserve(labs.plc, personas.student, at(past, 10), at(past, 12), ReservationStatus.COMPLETED),
        "cancelled": reserve(labs.plc, personas.worker, at(day, 12), at(day, 13), ReservationStatus.CANCELLED),
        "rejected": reserve(labs.plc, personas.worker, at(day, 13), at(day, 14), ReservationStatus.REJECTED),
        "no_show": reserve(labs.plc, personas.worker, at(past, 13), at(past, 14), ReservationStatus.NO_SHOW),
        "too_old": reserve(labs.plc, personas.worker, at(old, 10), at(old, 11), ReservationStatus.COMPLETED),
        "robot": reserve(labs.robot, personas.worker, at(day, 10), at(day, 11)),
        "for_worker": reserve(
            labs.robot, personas.worker, at(day, 14), at(day, 15), created_by=personas.lab_manager, purpose="시연"
        ),
    }


def test_the_equipment_feed(client, labs, bookings):
    response = client.get(reverse("labs:equipment_ics", args=[labs.plc.pk]))
    assert response["Content-Disposition"] == 'inline; filename="equipment-EQ-P1.ics"'
    cal, evs = events(response)
    assert (str(cal["prodid"]), str(cal["version"]), str(cal["x-wr-calname"]), str(cal["x-wr-timezone"])) == (
        "-//sanhak//labs//KO",
        "2.0",
        "PLC 트레이너 [EQ-P1]",
        "Asia/Seoul",
    )
    b = bookings
    where = "인천대학교 공학관 B101"
    assert [event_facts(ev) for ev in evs] == [
        (
            f"reservation-{b['completed'].pk}@sanhak",
            utc(b["completed"].starts_at),
            utc(b["completed"].ends_at),
            "예약됨 · PLC 트레이너",
            where,
            "CONFIRMED",
        ),
        (
            f"reservation-{b['pending'].pk}@sanhak",
            utc(b["pending"].starts_at),
            utc(b["pending"].ends_at),
            "예약됨 · PLC 트레이너",
            where,
            "TENTATIVE",
        ),
        (
            f"reservation-{b['confirmed'].pk}@sanhak",
            utc(b["confirmed"].starts_at),
            utc(b["confirmed"].ends_at),
            "예약됨 · PLC 트레이너",
            where,
            "CONFIRMED",
        ),
    ]
    # DTSTART is the stored UTC instant: 19:00 KST is 10:00Z.
    assert evs[2]["dtstart"].to_ical() == f"{bookings['day']:%Y%m%d}T100000Z".encode()
    assert evs[2].decoded("dtstart") == at(bookings["day"], 19)


def test_the_equipment_feed_names_nobody(client, labs, personas, bookings):
    body = client.get(reverse("labs:equipment_ics", args=[labs.plc.pk])).content.decode()
    for private in ("오재직", "이학생", "worker@sanhak.test", "student@sanhak.test", "비밀 과제", "(주)남동정밀"):
        assert private not in body


def test_an_empty_and_a_missing_equipment_feed(client, labs, bookings):
    labs.robot.reservations.all().delete()
    _cal, evs = events(client.get(reverse("labs:equipment_ics", args=[labs.robot.pk])))
    assert evs == []
    assert client.get(reverse("labs:equipment_ics", args=[999999])).status_code == 404


def feed_url(user):
    return reverse("labs:person_ics", args=[calendar_feed(user).key])


def test_the_person_feed(client, personas, bookings):
    b = bookings
    response = client.get(feed_url(personas.worker))
    assert response["Content-Disposition"] == 'inline; filename="my-lab-bookings.ics"'
    cal, evs = events(response)
    assert str(cal["x-wr-calname"]) == "오재직 · 장비 예약"
    assert [(str(ev["uid"]), ev["dtstart"].to_ical(), str(ev["summary"]), str(ev["status"])) for ev in evs] == [
        (f"reservation-{b['robot'].pk}@sanhak", utc(b["robot"].starts_at), "협동로봇 셀", "CONFIRMED"),
        (f"reservation-{b['for_worker'].pk}@sanhak", utc(b["for_worker"].starts_at), "협동로봇 셀 · 시연", "CONFIRMED"),
        (
            f"reservation-{b['confirmed'].pk}@sanhak",
            utc(b["confirmed"].starts_at),
            "PLC 트레이너 · 비밀 과제",
            "CONFIRMED",
        ),
    ]
    # What one books for someone else is in one's own feed too.
    _cal, evs = events(client.get(feed_url(personas.lab_manager)))
    assert [str(ev["uid"]) for ev in evs] == [f"reservation-{b['for_worker'].pk}@sanhak"]
    _cal, evs = events(client.get(feed_url(personas.student)))
    assert [str(ev["uid"]) for ev in evs] == [
        f"reservation-{b['completed'].pk}@sanhak",
        f"reservation-{b['pending'].pk}@sanhak",
    ]


def test_the_feeds_in_english(client, labs, personas, bookings):
    """Calendar apps send no cookie, but may send Accept-Language; a browser has the cookie."""
    _cal, evs = events(client.get(reverse("labs:equipment_ics", args=[labs.plc.pk]), headers={"Accept-Language": "en"}))
    assert [str(ev["summary"]) for ev in evs] == ["Booked · PLC 트레이너"] * 3
    client.cookies["django_language"] = "en"
    cal, _evs = events(client.get(feed_url(personas.worker)))
    assert str(cal["x-wr-calname"]) == "오재직 · Equipment bookings"


def test_the_mine_page_links_the_persons_feed(client, personas, bookings):
    client.force_login(personas.worker)
    url = client.get(reverse("labs:mine")).context["feed_url"]
    assert url == f"http://testserver{feed_url(personas.worker)}"


def test_a_tampered_or_foreign_token_is_a_404(client, personas, bookings):
    key = calendar_feed(personas.worker).key
    calendar_feed(personas.student)
    tampered = [
        f"{key[:-1]}{'A' if key[-1] != 'A' else 'B'}",
        key[:-1],
        key.upper() if key.upper() != key else key.lower(),
        str(personas.worker.pk),  # the old links' form: an id with a signature
        signing.Signer(salt="sanhak.labs.person-feed").sign(str(personas.worker.pk)),
        "junk",
    ]
    for token in tampered:
        assert client.get(reverse("labs:person_ics", args=[token])).status_code == 404, token


def test_an_inactive_persons_feed_is_gone(client, personas, bookings):
    url = feed_url(personas.worker)
    personas.worker.is_active = False
    personas.worker.save()
    assert client.get(url).status_code == 404


def test_a_renewed_link_ends_the_old_one(client, personas, bookings):
    old = feed_url(personas.worker)
    assert client.get(old).status_code == 200
    client.force_login(personas.worker)
    body = client.post(reverse("labs:feed_renew"), follow=True).content.decode()
    assert "새 iCal 주소를 만들었습니다. 이전 주소는 더 이상 열리지 않습니다." in body
    client.logout()
    new = feed_url(personas.worker)
    assert new != old
    assert (client.get(old).status_code, client.get(new).status_code) == (404, 200)
    assert client.get(reverse("labs:person_ics", args=["x" * 43])).status_code == 404
    assert client.post(reverse("labs:feed_renew")).status_code == 302  # logged out: to the login page
    assert feed_url(personas.worker) == new
