"""iCalendar (RFC 5545) feeds of bookings: per equipment (public: times only, no names) and per
person (behind a signed link)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Q, QuerySet
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from sanhak.accounts.models import User
from sanhak.labs.models import Equipment, Reservation, ReservationQuerySet, ReservationStatus

FEED_PAST = dt.timedelta(days=30)
FEED_FUTURE = dt.timedelta(days=180)


def _calendar(name: str) -> Calendar:
    cal = Calendar()
    cal.add("prodid", "-//sanhak//labs//KO")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", settings.TIME_ZONE)
    return cal


def _window(qs: ReservationQuerySet) -> QuerySet[Reservation]:
    now = timezone.now()
    return (
        qs.blocking()
        .filter(starts_at__gte=now - FEED_PAST, starts_at__lte=now + FEED_FUTURE)
        .select_related("equipment__facility__institution")
        .order_by("starts_at")
    )


def _event(r: Reservation, summary: str) -> Event:
    ev = Event()
    ev.add("uid", f"reservation-{r.pk}@sanhak")
    ev.add("dtstamp", r.updated_at)
    ev.add("dtstart", r.starts_at)
    ev.add("dtend", r.ends_at)
    ev.add("summary", summary)
    fac = r.equipment.facility
    ev.add("location", f"{fac.institution.name_ko} {fac.building} {fac.room}")
    ev.add("status", "TENTATIVE" if r.status == ReservationStatus.PENDING else "CONFIRMED")
    return ev


def equipment_feed(equipment: Equipment) -> Calendar:
    cal = _calendar(f"{equipment.name} [{equipment.code}]")
    for r in _window(equipment.reservations.all()):
        cal.add_component(_event(r, _("예약됨 · %(name)s") % {"name": equipment.name}))
    return cal


def person_feed(user: User) -> Calendar:
    cal = _calendar(_("%(name)s · 장비 예약") % {"name": user.name})
    for r in _window(Reservation.objects.filter(Q(user=user) | Q(created_by=user))):
        cal.add_component(_event(r, f"{r.equipment.name}" + (f" · {r.purpose}" if r.purpose else "")))
    return cal


def response(cal: Calendar, filename: str) -> HttpResponse:
    resp = HttpResponse(cal.to_ical(), content_type="text/calendar; charset=utf-8")
    resp["Content-Disposition"] = f'inline; filename="{filename}"'
    return resp
