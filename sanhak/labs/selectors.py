"""Reading the labs: free-slot search, calendars and utilization. A fixed number of queries each,
whatever the number of equipment or bookings."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.db.models import BigIntegerField, Func, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from sanhak.labs.models import (
    BLOCKING_STATUSES,
    Blackout,
    BookingRules,
    Equipment,
    EquipmentStatus,
    EquipmentType,
    Facility,
    Reservation,
    ReservationQuerySet,
    ReservationStatus,
)
from sanhak.labs.rules import holiday_name, opening_hours

Interval = tuple[dt.datetime, dt.datetime]


def equipment_listed() -> QuerySet[Equipment]:
    return Equipment.objects.select_related("type__rules", "rules", "facility__institution", "responsible")


T = TypeVar("T", int, dt.datetime)


def subtract(window: tuple[T, T], busy: Iterable[tuple[T, T]], *, presorted: bool = False) -> list[tuple[T, T]]:
    """The parts of `window` not covered by any of `busy` (which need not be disjoint, nor sorted
    unless `presorted` says so)."""
    free: list[tuple[T, T]] = []
    cursor, end = window
    for b_start, b_end in busy if presorted else sorted(busy):
        if b_end <= cursor:
            continue
        if b_start >= end:
            break
        if b_start > cursor:
            free.append((cursor, b_start))
        cursor = max(cursor, b_end)
        if cursor >= end:
            break
    if cursor < end:
        free.append((cursor, end))
    return free


def _align_up(moment: int, origin: int, step: int) -> int:
    """The first point of the grid origin + k·step at or after `moment` (all in seconds)."""
    if moment <= origin:
        return origin
    return origin - (origin - moment) // step * step


@dataclass(frozen=True)
class FreeSlot:
    """A stretch of free time long enough for the asked duration; any aligned start up to
    `latest_start` fits. Kept as seconds since 1970 (the search works on integers); the datetimes
    are made, in Korean time, when asked for."""

    start_s: int
    end_s: int
    latest_s: int

    @staticmethod
    def _local(seconds: int) -> dt.datetime:
        return dt.datetime.fromtimestamp(seconds, dt.UTC).astimezone(timezone.get_current_timezone())

    @property
    def starts_at(self) -> dt.datetime:
        return self._local(self.start_s)

    @property
    def ends_at(self) -> dt.datetime:
        return self._local(self.end_s)

    @property
    def latest_start(self) -> dt.datetime:
        return self._local(self.latest_s)

    @property
    def day(self) -> dt.date:
        return self.starts_at.date()


@dataclass
class Availability:
    equipment: Equipment
    slots: list[FreeSlot] = field(default_factory=list)

    @property
    def first(self) -> FreeSlot | None:
        return self.slots[0] if self.slots else None


@dataclass(frozen=True)
class SlotQuery:
    """ "A robot cell on Tuesday evening for 2 hours": days, a daily time window and a duration."""

    date_from: dt.date
    date_to: dt.date
    window_start: dt.time
    window_end: dt.time
    duration_minutes: int

    def days(self) -> list[dt.date]:
        n = (self.date_to - self.date_from).days + 1
        return [self.date_from + dt.timedelta(days=i) for i in range(max(n, 0))]


# The equipment is selected by a subquery, not a list of ids: hundreds of ids cost more to bind than
# the database takes to re-run the selection.


class EpochSeconds(Func):
    """Seconds since 1970 (UTC) of a datetime column, as an integer: decoding thousands of datetimes
    costs more than the whole free-slot search."""

    output_field = BigIntegerField()
    template = "CAST(EXTRACT(EPOCH FROM %(expressions)s) AS BIGINT)"

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        # %% survives this formatting as %, and the SQLite backend turns %% into % again.
        return self.as_sql(
            compiler, connection, template="CAST(strftime('%%%%s', %(expressions)s) AS INTEGER)", **extra
        )


def _busy_by_equipment(
    equipment: QuerySet[Equipment], start: dt.datetime, end: dt.datetime
) -> dict[int, list[tuple[int, int]]]:
    """Each piece's blocked times in [start, end), in seconds since 1970."""
    busy: dict[int, list[tuple[int, int]]] = defaultdict(list)
    rows = (
        Reservation.objects.filter(equipment_id__in=equipment.values("pk"), status__in=BLOCKING_STATUSES)
        .overlapping(start, end)
        .values_list("equipment_id", EpochSeconds("starts_at"), EpochSeconds("blocked_until"))
    )
    for eq_id, s, e in rows:
        busy[eq_id].append((s, e))
    return busy


def _blackouts_by_equipment(
    equipment: QuerySet[Equipment], items: Sequence[Equipment], start: dt.datetime, end: dt.datetime
) -> dict[int, list[Interval]]:
    """Blackouts of each of `items` (the rows of `equipment`), its lab's included."""
    out: dict[int, list[Interval]] = defaultdict(list)
    facility_ids = {e.facility_id for e in items}
    by_facility: dict[int, list[Interval]] = defaultdict(list)
    rows = Blackout.objects.filter(
        Q(equipment_id__in=equipment.values("pk")) | Q(facility_id__in=facility_ids),
        starts_at__lt=end,
        ends_at__gt=start,
    ).values_list("equipment_id", "facility_id", "starts_at", "ends_at")
    for eq_id, fac_id, s, e in rows:
        if eq_id:
            out[eq_id].append((s, e))
        else:
            by_facility[fac_id].append((s, e))
    for eq in items:
        out[eq.pk].extend(by_facility.get(eq.facility_id, []))
    return out


def _daily_windows(
    rules: BookingRules, days: Sequence[dt.date], query: SlotQuery, tz: dt.tzinfo
) -> list[tuple[int, int, int]]:
    """(from, to, opening time) of the asked daily window within opening hours, per open day, in
    seconds since 1970."""
    out = []
    for day in days:
        hours = opening_hours(rules, day, tz)
        if hours is None:
            continue
        lo = max(hours[0], dt.datetime.combine(day, query.window_start, tzinfo=tz))
        hi = min(hours[1], dt.datetime.combine(day, query.window_end, tzinfo=tz))
        if lo < hi:
            out.append((int(lo.timestamp()), int(hi.timestamp()), int(hours[0].timestamp())))
    return out


def _with_references(equipment: QuerySet[Equipment]) -> list[Equipment]:
    """The equipment with its type, rules and lab (and the lab's institution) attached. These are
    few and shared by hundreds of pieces: fetched once each rather than joined to every row. Four
    queries, whatever the number of equipment."""
    items = list(equipment.only("id", "code", "name", "status", "type_id", "facility_id", "rules_id"))
    rules = {r.pk: r for r in BookingRules.objects.all()}
    types = {t.pk: t for t in EquipmentType.objects.all()}
    for t in types.values():
        t.rules = rules[t.rules_id]
    facilities = {
        f.pk: f for f in Facility.objects.filter(pk__in={e.facility_id for e in items}).select_related("institution")
    }
    for eq in items:
        eq.type = types[eq.type_id]
        eq.facility = facilities[eq.facility_id]
        eq.rules = rules[eq.rules_id] if eq.rules_id else None
    return items


def free_slots(
    equipment: QuerySet[Equipment], query: SlotQuery, *, now: dt.datetime | None = None
) -> list[Availability]:
    """For each bookable piece of equipment, the free stretches in the asked window that fit the
    duration under its rules (opening hours, holidays, blackouts, notice, duration limits and the
    slot grid). Equipment with a free stretch comes first, earliest first. Six queries."""
    now = now or timezone.now()
    tz = timezone.get_current_timezone()
    bookable = equipment.filter(status=EquipmentStatus.AVAILABLE)
    items = _with_references(bookable)
    days = query.days()
    if not items or not days:
        return [Availability(e) for e in items]
    span_start = dt.datetime.combine(days[0], dt.time(0), tzinfo=tz)
    span_end = dt.datetime.combine(days[-1] + dt.timedelta(days=1), dt.time(0), tzinfo=tz)
    busy = _busy_by_equipment(bookable, span_start, span_end)
    blackouts = _blackouts_by_equipment(bookable, items, span_start, span_end)
    need = query.duration_minutes * 60
    windows: dict[int, list[tuple[int, int, int]]] = {}
    now_s = int(now.timestamp())
    out = []
    for eq in items:
        rules = eq.effective_rules
        result = Availability(eq)
        out.append(result)
        if (
            not rules.min_minutes <= query.duration_minutes <= rules.max_minutes
            or query.duration_minutes % rules.slot_minutes
        ):
            continue  # booking would refuse that duration on this equipment
        if rules.pk not in windows:  # the equipment of a type shares its rules: work the calendar out once
            windows[rules.pk] = _daily_windows(rules, days, query, tz)
        earliest = now_s + rules.min_notice_minutes * 60
        latest = now_s + rules.max_notice_days * 86400
        step = rules.slot_minutes * 60
        # The booking's buffer must also be free, so a busy block starts `buffer` earlier for us.
        buffer = rules.buffer_minutes * 60
        taken = [(s - buffer, e) for s, e in busy.get(eq.pk, [])]
        taken += [(int(s.timestamp()), int(e.timestamp())) for s, e in blackouts.get(eq.pk, [])]
        taken.sort()
        for lo, hi, origin in windows[rules.pk]:
            for s, e in subtract((lo, hi), taken, presorted=True):
                start = _align_up(max(s, earliest), origin, step)
                last = min(e - need, latest)
                if start <= last:
                    result.slots.append(FreeSlot(start, e, last))
    out.sort(key=lambda a: (a.first is None, a.first.start_s if a.first else 0, a.equipment.code))
    return out


# --- calendars -----------------------------------------------------------------------------


@dataclass(frozen=True)
class CalendarDay:
    day: dt.date
    holiday: str | None
    reservations: list[Reservation]


def week_of(day: dt.date) -> list[dt.date]:
    monday = day - dt.timedelta(days=day.weekday())
    return [monday + dt.timedelta(days=i) for i in range(7)]


def calendar_week(reservations: ReservationQuerySet, monday: dt.date) -> list[CalendarDay]:
    """The blocking reservations of one week, by local day. One query."""
    tz = timezone.get_current_timezone()
    days = week_of(monday)
    start = dt.datetime.combine(days[0], dt.time(0), tzinfo=tz)
    end = start + dt.timedelta(days=7)
    by_day: dict[dt.date, list[Reservation]] = defaultdict(list)
    rows = (
        reservations.blocking()
        .filter(starts_at__lt=end, ends_at__gt=start)
        .select_related("equipment__facility", "user")
        .order_by("starts_at")
    )
    for r in rows:
        by_day[timezone.localtime(r.starts_at).date()].append(r)
    return [CalendarDay(d, holiday_name(d), by_day.get(d, [])) for d in days]


# --- utilization ---------------------------------------------------------------------------


@dataclass
class UtilizationRow:
    key: str
    label: str
    available_hours: float = 0.0
    booked_hours: float = 0.0
    used_hours: float = 0.0
    no_shows: int = 0
    attended: int = 0

    @property
    def booked_share(self) -> float:
        return self.booked_hours / self.available_hours if self.available_hours else 0.0

    @property
    def used_share(self) -> float:
        return self.used_hours / self.available_hours if self.available_hours else 0.0

    @property
    def no_show_rate(self) -> float:
        decided = self.no_shows + self.attended
        return self.no_shows / decided if decided else 0.0


GROUPS = ("equipment", "type", "institution", "company", "course", "project")


def _available_hours(eq: Equipment, days: Sequence[dt.date], blackouts: Sequence[Interval]) -> float:
    total = 0.0
    for day in days:
        hours = opening_hours(eq.effective_rules, day)
        if hours is None:
            continue
        for s, e in subtract(hours, blackouts):
            total += (e - s).total_seconds() / 3600
    return total


def utilization(
    equipment: QuerySet[Equipment], date_from: dt.date, date_to: dt.date, group: str = "equipment"
) -> list[UtilizationRow]:
    """Hours available (opening hours less holidays and blackouts), booked, used (checked in), and
    the no-show rate, grouped by equipment, type, institution, company, course or project.
    Company, course and project rows share out only the booked side (availability is per equipment)."""
    tz = timezone.get_current_timezone()
    items = list(equipment.select_related("type__rules", "rules", "facility__institution"))
    days = [date_from + dt.timedelta(days=i) for i in range((date_to - date_from).days + 1)]
    start = dt.datetime.combine(date_from, dt.time(0), tzinfo=tz)
    end = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time(0), tzinfo=tz)
    blackouts = _blackouts_by_equipment(equipment, items, start, end) if items else {}
    rows: dict[str, UtilizationRow] = {}

    def row(key: str, label: str) -> UtilizationRow:
        if key not in rows:
            rows[key] = UtilizationRow(key, label)
        return rows[key]

    by_id = {e.pk: e for e in items}
    none = _("(없음)")
    for eq in items:
        if group in ("equipment", "type", "institution"):
            key, label = _equipment_group(eq, group)
            row(key, label).available_hours += _available_hours(eq, days, blackouts.get(eq.pk, []))
    reservations = (
        Reservation.objects.filter(equipment_id__in=equipment.values("pk"), starts_at__lt=end, ends_at__gt=start)
        .exclude(status__in=[ReservationStatus.CANCELLED, ReservationStatus.REJECTED])
        .values_list(
            "equipment_id",
            "status",
            "starts_at",
            "ends_at",
            "company_id",
            "company__name",
            "session__offering__course__code",
            "session__offering__course__title_ko",
            "project",
        )
    )
    for eq_id, status, s, e, company_id, company_name, course_code, course_title, project in reservations:
        hours = (min(e, end) - max(s, start)).total_seconds() / 3600
        if group == "company":
            key, label = (f"c{company_id}", company_name) if company_id else ("-", none)
        elif group == "course":
            key, label = (course_code, f"{course_title} ({course_code})") if course_code else ("-", none)
        elif group == "project":
            key, label = (project, project) if project else ("-", none)
        else:
            key, label = _equipment_group(by_id[eq_id], group)
        r = row(key, label)
        if status == ReservationStatus.NO_SHOW:
            r.no_shows += 1
            continue
        r.booked_hours += hours
        if status in (ReservationStatus.CHECKED_IN, ReservationStatus.COMPLETED):
            r.used_hours += hours
            r.attended += 1
    return sorted(rows.values(), key=lambda r: (-r.booked_hours, r.label))


def _equipment_group(eq: Equipment, group: str) -> tuple[str, str]:
    if group == "type":
        return f"t{eq.type_id}", eq.type.name
    if group == "institution":
        inst = eq.facility.institution
        return f"i{inst.pk}", inst.name
    return f"e{eq.pk}", f"{eq.name} [{eq.code}]"
