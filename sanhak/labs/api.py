"""REST API: equipment, free-slot search, and reservations (list, create, cancel, approve, reject).

Same permissions as the pages: objects come through sanhak.common.access, writes through
sanhak.labs.services. A taken time is HTTP 409 with code `conflict`.
"""

# No `from __future__ import annotations` here: django-ninja reads the endpoint annotations at import time.

import datetime as dt
from typing import Annotated

from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import AfterValidator, WithJsonSchema, model_validator

from sanhak.accounts.models import User
from sanhak.api.auth import caller
from sanhak.api.pagination import AuditedPagination
from sanhak.api.schemas import DbId, Pagination, PathId, PersonalText, ReasonIn, errors
from sanhak.common import access
from sanhak.common.audit import personal_data_viewed
from sanhak.common.validators import within_calendar
from sanhak.labs import selectors, services
from sanhak.labs.models import Equipment, EquipmentStatus, Reservation, ReservationStatus

router = Router(tags=["labs"])


def _in_calendar(value: dt.date) -> dt.date:
    if not within_calendar(value if not isinstance(value, dt.datetime) else value.date()):
        raise ValueError("dates must be between 2000-01-01 and 2099-12-31")
    return value


def _wall_clock(value: dt.time) -> dt.time:
    if value.tzinfo is not None:  # "18:00Z" or "18:00+09:00": a daily window is Korean wall-clock time
        raise ValueError("a time of day without a time zone, e.g. 18:00 (Korean time)")
    return value


CalendarDate = Annotated[dt.date, AfterValidator(_in_calendar)]
CalendarDateTime = Annotated[dt.datetime, AfterValidator(_in_calendar)]
WallClockTime = Annotated[
    dt.time,
    AfterValidator(_wall_clock),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$",
            "description": "time of day in Korea without a time zone, HH:MM",
            "examples": ["18:00"],
        }
    ),
]


class EquipmentOut(Schema):
    id: int
    code: str
    name: str
    type: str = Field(description="equipment type code, e.g. robot-cell")
    institution: str
    location: str
    status: str = Field(description="available | maintenance | retired")

    @staticmethod
    def resolve_type(obj: Equipment) -> str:
        return obj.type.code

    @staticmethod
    def resolve_institution(obj: Equipment) -> str:
        return obj.facility.institution.name_ko

    @staticmethod
    def resolve_location(obj: Equipment) -> str:
        return f"{obj.facility.building} {obj.facility.room}"


class SlotOut(Schema):
    starts_at: dt.datetime = Field(description="earliest start of the free stretch")
    ends_at: dt.datetime = Field(description="end of the free stretch")
    latest_start: dt.datetime = Field(description="latest start that still fits the asked duration")


class AvailabilityOut(Schema):
    equipment: EquipmentOut
    slots: list[SlotOut]


class SlotSearch(Schema):
    type: Annotated[str, Field(max_length=40, description="equipment type code, e.g. robot-cell")]
    institution: DbId | None = Field(None, description="institution id")
    date_from: CalendarDate
    date_to: CalendarDate | None = Field(None, description="inclusive; default: date_from; at most 14 days")
    window_start: WallClockTime = Field(dt.time(9, 0), description="daily window start, e.g. 18:00 (Korean time)")
    window_end: WallClockTime = Field(dt.time(22, 0), description="daily window end (Korean time)")
    duration_minutes: int = Field(120, ge=10, le=24 * 60)

    @model_validator(mode="after")
    def _span(self) -> "SlotSearch":
        end = self.date_to or self.date_from
        if end < self.date_from or (end - self.date_from).days > 13:
            raise ValueError("date_to must be within 0–13 days after date_from")
        if self.window_end <= self.window_start:
            raise ValueError("window_end must be after window_start")
        return self


class PersonOut(Schema):
    id: int
    name: str


class ReservationOut(Schema):
    id: int
    equipment: EquipmentOut
    user: PersonOut
    starts_at: dt.datetime
    ends_at: dt.datetime
    blocked_until: dt.datetime = Field(description="end plus the equipment's buffer time")
    status: str = Field(description="pending | confirmed | checked_in | completed | cancelled | rejected | no_show")
    purpose: str
    project: str
    reason: str
    created_at: dt.datetime

    # Times in Korean time (+09:00), like the free-slot search.
    @staticmethod
    def resolve_starts_at(obj: Reservation) -> dt.datetime:
        return timezone.localtime(obj.starts_at)

    @staticmethod
    def resolve_ends_at(obj: Reservation) -> dt.datetime:
        return timezone.localtime(obj.ends_at)

    @staticmethod
    def resolve_blocked_until(obj: Reservation) -> dt.datetime:
        return timezone.localtime(obj.blocked_until)

    @staticmethod
    def resolve_created_at(obj: Reservation) -> dt.datetime:
        return timezone.localtime(obj.created_at)


class ReservationIn(Schema):
    equipment_id: DbId
    starts_at: CalendarDateTime = Field(description="ISO 8601 with an offset, e.g. 2026-12-01T19:00:00+09:00")
    ends_at: CalendarDateTime
    purpose: Annotated[PersonalText, Field(max_length=200)] = ""
    project: Annotated[PersonalText, Field(max_length=150)] = ""
    weeks: int = Field(1, ge=1, le=26, description="repeat weekly this many times (all or nothing)")
    skip: list[CalendarDate] = Field(default_factory=list, description="dates of occurrences to leave out")


class ReservationFilters(Schema):
    equipment: DbId | None = None
    status: ReservationStatus | None = None
    date_from: CalendarDate | None = None
    date_to: CalendarDate | None = None


def _aware(value: dt.datetime) -> dt.datetime:
    return value if timezone.is_aware(value) else timezone.make_aware(value)


def _for_output(qs: QuerySet[Reservation]) -> QuerySet[Reservation]:
    return qs.select_related("equipment__type", "equipment__facility__institution", "user")


def _reloaded(reservation: Reservation) -> Reservation:
    return _for_output(Reservation.objects.filter(pk=reservation.pk)).get()


@router.get(
    "/labs/equipment",
    response={200: list[EquipmentOut], **errors(422)},
    auth=None,
    summary="List shared equipment (public)",
)
@paginate(Pagination)
def equipment_list(request: HttpRequest, type: str = "") -> QuerySet[Equipment]:
    qs = selectors.equipment_listed().exclude(status=EquipmentStatus.RETIRED)
    if type:
        qs = qs.filter(type__code=type)
    return qs.order_by("code")


@router.get(
    "/labs/free-slots",
    response={200: list[AvailabilityOut], **errors(422)},
    auth=None,
    summary="Find free equipment: a type, days, a daily time window and a duration (public)",
)
def free_slots(request: HttpRequest, search: Query[SlotSearch]) -> list[selectors.Availability]:
    """Each available piece of that type with the free stretches that fit, earliest first."""
    qs = Equipment.objects.filter(type__code=search.type)
    if search.institution:
        qs = qs.filter(facility__institution_id=search.institution)
    query = selectors.SlotQuery(
        search.date_from,
        search.date_to or search.date_from,
        search.window_start,
        search.window_end,
        search.duration_minutes,
    )
    return selectors.free_slots(qs, query)


@router.get(
    "/labs/reservations",
    response={200: list[ReservationOut], **errors(401, 422)},
    summary="List the reservations you may see",
)
@paginate(AuditedPagination, purpose="api_lab_reservations", subject=lambda r: r.user_id)
def reservation_list(request: HttpRequest, filters: Query[ReservationFilters]) -> QuerySet[Reservation]:
    """Your own (booked by or for you); your equipment's (lab managers); all (program admins)."""
    user = caller(request)
    qs = access.reservations_visible(user)
    if filters.equipment is not None:
        qs = qs.filter(equipment_id=filters.equipment)
    if filters.status is not None:
        qs = qs.filter(status=filters.status)
    tz = timezone.get_current_timezone()
    if filters.date_from is not None:
        qs = qs.filter(ends_at__gt=dt.datetime.combine(filters.date_from, dt.time(0), tzinfo=tz))
    if filters.date_to is not None:
        qs = qs.filter(starts_at__lt=dt.datetime.combine(filters.date_to + dt.timedelta(days=1), dt.time(0), tzinfo=tz))
    return _for_output(qs).order_by("starts_at", "id")


@router.post(
    "/labs/reservations",
    response={201: list[ReservationOut], **errors(400, 401, 403, 404, 409, 422)},
    summary="Book equipment (once, or weekly)",
)
def reservation_create(request: HttpRequest, payload: ReservationIn) -> Status[list[Reservation]]:
    """All the booking rules apply; 403 `training_required` names the training to take; 409
    `conflict` when the time (or, weekly, any occurrence) is taken. Nothing is written on an error."""
    user = caller(request)
    equipment = selectors.equipment_listed().filter(pk=payload.equipment_id).first()
    if equipment is None:
        raise Http404(_("장비를 찾을 수 없습니다. / Equipment not found."))
    made = services.reservations_book(
        equipment=equipment,
        user=user,
        starts_at=_aware(payload.starts_at),
        ends_at=_aware(payload.ends_at),
        weeks=payload.weeks,
        skip=payload.skip,
        purpose=payload.purpose,
        project=payload.project,
    )
    pks = [r.pk for r in made]
    return Status(201, list(_for_output(Reservation.objects.filter(pk__in=pks)).order_by("starts_at")))


def _answered(request: HttpRequest, user: User, verb: str, reservation: Reservation) -> Reservation:
    """A decision's answer names the booker (PIPA); the caller's own booking is not logged."""
    purpose = f"api_lab_reservation_{verb}"
    personal_data_viewed(request=request, viewer=user, purpose=purpose, subject_ids=[reservation.user_id])
    return reservation


@router.post(
    "/labs/reservations/{reservation_id}/cancel",
    response={200: ReservationOut, **errors(400, 401, 403, 404, 409, 422)},
    summary="Cancel a reservation (your own, or one on equipment you manage)",
)
def reservation_cancel(request: HttpRequest, reservation_id: PathId) -> Reservation:
    user = caller(request)
    reservation = access.reservation_visible(user, reservation_id)
    return _answered(request, user, "cancel", _reloaded(services.reservation_cancel(reservation=reservation, by=user)))


@router.post(
    "/labs/reservations/{reservation_id}/approve",
    response={200: ReservationOut, **errors(400, 401, 403, 404, 409, 422)},
    summary="Approve a pending reservation (lab managers)",
)
def reservation_approve(request: HttpRequest, reservation_id: PathId) -> Reservation:
    user = caller(request)
    reservation = access.reservation_visible(user, reservation_id)
    return _answered(
        request, user, "approve", _reloaded(services.reservation_approve(reservation=reservation, by=user))
    )


@router.post(
    "/labs/reservations/{reservation_id}/reject",
    response={200: ReservationOut, **errors(400, 401, 403, 404, 409, 422)},
    summary="Reject a pending reservation with a reason (lab managers)",
)
def reservation_reject(request: HttpRequest, reservation_id: PathId, payload: ReasonIn) -> Reservation:
    user = caller(request)
    reservation = access.reservation_visible(user, reservation_id)
    return _answered(
        request,
        user,
        "reject",
        _reloaded(services.reservation_reject(reservation=reservation, by=user, reason=payload.reason)),
    )
