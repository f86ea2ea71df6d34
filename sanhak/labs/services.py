"""Booking equipment. Every write happens here.

The rules (`sanhak.labs.rules`) are checked first so that people get a specific reason; the
database's no-overlap guarantee (migration 0002) is what makes double booking impossible even when
two requests pass the checks at the same moment: the loser gets a ConflictError (HTTP 409) and
nothing it wrote survives.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from sanhak.accounts.models import Role, TraineeProfile, User
from sanhak.common.errors import ConflictError, DomainError
from sanhak.common.i18n import in_site_language
from sanhak.common.notifications import notification_send
from sanhak.common.validators import CALENDAR_LAST, calendar_error, within_calendar
from sanhak.courses.models import Course, Session
from sanhak.enrollment.models import Enrollment
from sanhak.enrollment.models import Status as EnrollmentStatus
from sanhak.labs.models import (
    Blackout,
    CalendarFeed,
    Equipment,
    EquipmentStatus,
    Facility,
    Reservation,
    ReservationSeries,
    ReservationStatus,
    TrainingRecord,
)
from sanhak.labs.rules import Request, calendar_problems, notice_problems, week_bounds, when_text

if TYPE_CHECKING:
    pass

CHECK_IN_EARLY = dt.timedelta(minutes=15)


def no_show_grace() -> dt.timedelta:
    return dt.timedelta(minutes=getattr(settings, "LABS_NO_SHOW_GRACE_MINUTES", 15))


# --- who may do what -------------------------------------------------------------------------


def manages_equipment(user: User, equipment: Equipment) -> bool:
    """Lab managers of the equipment's institution, and program admins."""
    return user.has_role(Role.PROGRAM_ADMIN) or equipment.facility.institution_id in user.lab_institution_ids


def missing_training(*, equipment: Equipment, user: User, required_ids: frozenset[int] | None = None) -> list[Course]:
    """The equipment's required trainings the person has neither completed as a course nor had
    recorded. `required_ids`: the required course ids when the caller already read them."""
    if required_ids is None:
        required_ids = frozenset(c.pk for c in equipment.required_courses.all())
    if not required_ids:
        return []
    completed = Enrollment.objects.filter(
        trainee=user, status=EnrollmentStatus.COMPLETED, offering__course_id__in=required_ids
    ).values_list("offering__course_id", flat=True)
    recorded = TrainingRecord.objects.filter(user=user, course_id__in=required_ids).values_list("course_id", flat=True)
    missing = required_ids - set(completed.order_by().union(recorded.order_by()))
    if not missing:
        return []
    return [c for c in equipment.required_courses.all() if c.pk in missing]


def training_error(missing: Sequence[Course]) -> DomainError:
    names = ", ".join(f"{c.title} ({c.code})" for c in missing)
    return DomainError(
        _(
            "이 장비를 예약하려면 먼저 다음 교육을 이수해야 합니다: %(courses)s / Complete this training before booking: %(courses)s"
        )
        % {"courses": names},
        code="training_required",
        status=403,
    )


# --- the checks ------------------------------------------------------------------------------


@dataclass
class Booking:
    """One reservation to be made, with who makes it and on whose behalf."""

    equipment: Equipment
    user: User
    starts_at: dt.datetime
    ends_at: dt.datetime
    created_by: User
    purpose: str = ""
    project: str = ""
    session: Session | None = None
    series: ReservationSeries | None = None
    company_id: int | None = None  # the person's employer, kept for the utilization report
    required_ids: frozenset[int] | None = None  # the equipment's required trainings, if already read
    problems: list[DomainError] = field(default_factory=list)

    @property
    def request(self) -> Request:
        return Request(self.equipment.effective_rules, self.starts_at, self.ends_at)

    @property
    def staff(self) -> bool:
        return manages_equipment(self.created_by, self.equipment)

    @property
    def for_course(self) -> bool:
        return self.session is not None


def _equipment_problems(equipment: Equipment) -> list[DomainError]:
    if equipment.status == EquipmentStatus.AVAILABLE:
        return []
    back = (
        _(" (복귀 예정 %(date)s)") % {"date": f"{equipment.expected_return:%Y-%m-%d}"}
        if equipment.expected_return
        else ""
    )
    return [
        DomainError(
            _(
                "%(name)s은(는) 지금 예약할 수 없습니다: %(status)s — %(reason)s%(back)s / %(name)s cannot be booked now."
            )
            % {
                "name": equipment.name,
                "status": equipment.get_status_display(),
                "reason": equipment.status_reason,
                "back": back,
            },
            code="equipment_unavailable",
        )
    ]


def _blackout_problems(booking: Booking) -> list[DomainError]:
    eq = booking.equipment
    blackouts = Blackout.objects.filter(
        Q(equipment=eq) | Q(facility_id=eq.facility_id), starts_at__lt=booking.ends_at, ends_at__gt=booking.starts_at
    )
    return [
        DomainError(
            _("예약 불가 기간입니다: %(reason)s (%(when)s) / The equipment is unavailable then: %(reason)s")
            % {"reason": b.reason, "when": when_text(b.starts_at, b.ends_at)},
            code="blackout",
        )
        for b in blackouts
    ]


def _personal_problems(booking: Booking, now: dt.datetime) -> list[DomainError]:
    """Training, active-booking cap and weekly quota: the booker's own limits."""
    eq, user, rules = booking.equipment, booking.user, booking.equipment.effective_rules
    problems: list[DomainError] = []
    missing = missing_training(equipment=eq, user=user, required_ids=booking.required_ids)
    if missing:
        problems.append(training_error(missing))
    week_start, week_end = week_bounds(booking.starts_at)
    # One query for both limits: this person's bookings of this equipment from now or this week on.
    mine = list(
        Reservation.objects.blocking()
        .filter(user=user, equipment=eq, ends_at__gt=min(now, week_start))
        .values_list("starts_at", "ends_at")
    )
    active = sum(1 for _s, e in mine if e > now)
    if active >= rules.max_active_per_user:
        problems.append(
            DomainError(
                _(
                    "이 장비의 예약은 1인당 %(n)d건까지 가질 수 있습니다(현재 %(active)d건). / You may hold at most %(n)d active bookings of this equipment."
                )
                % {"n": rules.max_active_per_user, "active": active},
                code="max_active",
            )
        )
    if rules.weekly_quota_hours is not None:
        used = sum((e - s).total_seconds() / 3600 for s, e in mine if week_start <= s < week_end)
        asked = (booking.ends_at - booking.starts_at).total_seconds() / 3600
        if used + asked > rules.weekly_quota_hours:
            problems.append(
                DomainError(
                    _(
                        "주간 이용 한도 %(quota)d시간을 넘습니다(이번 주 %(used)g시간 예약됨). / This exceeds the weekly quota of %(quota)d hours (%(used)g booked this week)."
                    )
                    % {"quota": rules.weekly_quota_hours, "used": round(used, 2)},
                    code="weekly_quota",
                )
            )
    return problems


def booking_problems(booking: Booking, *, now: dt.datetime | None = None) -> list[DomainError]:
    """Every rule the booking breaks (empty: it may be made, unless someone takes the time first)."""
    now = now or timezone.now()
    if not within_calendar(timezone.localdate(booking.starts_at), timezone.localdate(booking.ends_at)):
        return [calendar_error()]
    problems = _equipment_problems(booking.equipment)
    problems += calendar_problems(booking.request)
    if problems and problems[-1].code == "order":
        return problems
    if not booking.staff:
        # A course's sessions are planned a term ahead: the booking horizon is for individuals.
        problems += notice_problems(booking.request, now, horizon=not booking.for_course)
        if not booking.for_course:
            problems += _personal_problems(booking, now)
    problems += _blackout_problems(booking)
    return problems


def combined(problems: Sequence[DomainError]) -> DomainError:
    """One error carrying every reason (the first one's code and status)."""
    if len(problems) == 1:
        return problems[0]
    return DomainError(" ".join(p.message for p in problems), code=problems[0].code, status=problems[0].status)


def conflicts(booking: Booking) -> list[Reservation]:
    """Active reservations whose blocked time meets this booking's (its buffer included)."""
    req = booking.request
    return list(
        Reservation.objects.blocking()
        .filter(equipment=booking.equipment)
        .overlapping(req.starts_at, req.blocked_until)
        .order_by("starts_at")
    )


def conflict_error(booking: Booking, taken: Sequence[Reservation] = ()) -> ConflictError:
    times = ", ".join(when_text(r.starts_at, r.ends_at) for r in taken) or when_text(booking.starts_at, booking.ends_at)
    return ConflictError(
        _("%(name)s은(는) 이미 예약된 시간입니다: %(times)s / %(name)s is already booked then: %(times)s")
        % {"name": booking.equipment.name, "times": times},
        code="conflict",
    )


# --- making reservations ----------------------------------------------------------------------


def _settled(reservation: Reservation, now: dt.datetime) -> bool:
    """Whether time has already decided this booking (see no_shows_release)."""
    if reservation.status == ReservationStatus.CONFIRMED:
        return reservation.checked_in_at is None and reservation.starts_at < now - no_show_grace()
    if reservation.status == ReservationStatus.PENDING:
        return reservation.starts_at < now
    return reservation.status == ReservationStatus.CHECKED_IN and reservation.ends_at < now


def _insert(booking: Booking, *, savepoint: bool = False) -> Reservation:
    """Inside a transaction holding the booking locks: the checks, then the row. The database has the
    last word on overlaps. `savepoint`: keep the transaction usable after a lost race (for callers
    that go on to the next occurrence)."""
    problems = booking_problems(booking)
    if problems:
        raise combined(problems)
    taken = conflicts(booking)
    if taken and any(_settled(r, timezone.now()) for r in taken):
        # A no-show (or an unapproved booking whose time passed) is in the way: release it now.
        no_shows_release(equipment=booking.equipment)
        taken = conflicts(booking)
    if taken:
        raise conflict_error(booking, taken)
    rules = booking.equipment.effective_rules
    needs_approval = rules.approval_required and not booking.staff
    reservation = Reservation(
        equipment=booking.equipment,
        user=booking.user,
        created_by=booking.created_by,
        starts_at=booking.starts_at,
        ends_at=booking.ends_at,
        blocked_until=booking.request.blocked_until,
        status=ReservationStatus.PENDING if needs_approval else ReservationStatus.CONFIRMED,
        purpose=booking.purpose,
        project=booking.project,
        session=booking.session,
        series=booking.series,
        company_id=booking.company_id,
    )
    try:
        if savepoint:
            with transaction.atomic():
                reservation.save()
        else:
            reservation.save()  # a failure aborts the caller's transaction, which the error then ends
    except IntegrityError as exc:
        if "reservation_no_overlap" in str(exc):
            raise conflict_error(booking) from exc
        raise
    return reservation


@dataclass(frozen=True)
class _Locked:
    """What the booking locks read along the way."""

    required: dict[int, frozenset[int]]  # equipment id -> the course ids of its required trainings
    employer_id: int | None  # the person's employer


def _lock(*, user: User, equipment: Sequence[Equipment]) -> _Locked:
    """Lock the equipment's rows, always in id order, before any check.

    Bookings of one piece of equipment then queue behind each other, so each one's checks see the
    ones before it: the loser gets a clean ConflictError, a booking that rolls back never leaves
    others deadlocked on the exclusion constraint's index, and a person's caps and quotas (which
    count their bookings of that piece) hold under concurrency. The database constraint stays the
    last word. The same query reads the required trainings and the person's employer."""
    employer = Subquery(TraineeProfile.objects.filter(user=user).values("employer_id")[:1])
    rows = (
        Equipment.objects.select_for_update(of=("self",))
        .filter(pk__in=sorted({e.pk for e in equipment}))
        .order_by("pk")
        .annotate(employer=employer)
        .values_list("pk", "required_courses", "employer")
    )
    required: dict[int, set[int]] = {}
    employer_id = None  # the same on every row
    for pk, course_id, employer_id in rows:  # noqa: B007 - the last row's employer is kept
        courses = required.setdefault(pk, set())
        if course_id is not None:
            courses.add(course_id)
    return _Locked({pk: frozenset(ids) for pk, ids in required.items()}, employer_id)


def _tell_booker(reservation: Reservation, msgid: str, **extra: str) -> None:
    """The booker's notification about their booking (`msgid` with the equipment's `name`, the `when`
    and `extra`), in the site language."""
    with in_site_language():
        when = when_text(reservation.starts_at, reservation.ends_at)
        notification_send(
            user=reservation.user,
            message=_(msgid) % {"name": reservation.equipment.name, "when": when, **extra},
            url=reverse("labs:mine"),
        )


def _notify_managers_of_pending(reservations: Sequence[Reservation]) -> None:
    pending = [r for r in reservations if r.status == ReservationStatus.PENDING]
    if not pending:
        return
    first = pending[0]
    managers = User.objects.filter(
        roles__role=Role.LAB_MANAGER, roles__institution_id=first.equipment.facility.institution_id
    ).distinct()
    with in_site_language():
        message = _("장비 예약 승인 요청: %(name)s %(when)s / Booking to approve: %(name)s %(when)s") % {
            "name": first.equipment.name,
            "when": when_text(first.starts_at, first.ends_at),
        }
    for manager in managers:
        notification_send(user=manager, message=message, url=reverse("labs:queue"))


@transaction.atomic
def reservation_create(
    *,
    equipment: Equipment,
    user: User,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    created_by: User | None = None,
    purpose: str = "",
    project: str = "",
    session: Session | None = None,
) -> Reservation:
    """Book one slot. Raises DomainError (a rule, with the reason) or ConflictError (the time is taken)."""
    locked = _lock(user=user, equipment=[equipment])
    booking = Booking(
        equipment=equipment,
        user=user,
        starts_at=starts_at,
        ends_at=ends_at,
        created_by=created_by or user,
        purpose=purpose,
        project=project,
        session=session,
        company_id=locked.employer_id,
        required_ids=locked.required.get(equipment.pk),
    )
    reservation = _insert(booking)
    _notify_managers_of_pending([reservation])
    return reservation


@dataclass(frozen=True)
class Occurrence:
    """One week of a recurring booking, with what stands in its way."""

    starts_at: dt.datetime
    ends_at: dt.datetime
    problems: tuple[str, ...]
    skipped: bool = False
    conflict: bool = False  # one of the problems is another booking

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def day(self) -> dt.date:
        return timezone.localtime(self.starts_at).date()

    @property
    def label(self) -> str:
        return when_text(self.starts_at, self.ends_at)


def weekly_times(starts_at: dt.datetime, ends_at: dt.datetime, weeks: int) -> list[tuple[dt.datetime, dt.datetime]]:
    """The same local wall-clock time on `weeks` consecutive weeks."""
    tz = timezone.get_current_timezone()
    s, e = timezone.localtime(starts_at), timezone.localtime(ends_at)
    if not within_calendar(s.date(), e.date()) or (CALENDAR_LAST - e.date()).days < 7 * (weeks - 1):
        raise calendar_error()
    out = []
    for i in range(weeks):
        day = s.date() + dt.timedelta(weeks=i)
        out.append(
            (
                dt.datetime.combine(day, s.time(), tzinfo=tz),
                dt.datetime.combine(day + (e.date() - s.date()), e.time(), tzinfo=tz),
            )
        )
    return out


def _all_or_nothing_error(heading: str, failures: Sequence[tuple[str, DomainError]], *, code: str) -> DomainError:
    """One error for a group booking that could not be made whole: each part that failed and why; a
    ConflictError (409) when any part's time was taken."""
    message = heading + " " + " · ".join(f"{label}: {exc.message}" for label, exc in failures)
    if any(isinstance(exc, ConflictError) for _label, exc in failures):
        return ConflictError(message)
    return DomainError(message, code=code)


class _PreviewDoneError(Exception):
    """Rolls back a weekly preview's trial bookings."""


def _weekly_attempt(
    *,
    equipment: Equipment,
    user: User,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    weeks: int,
    skip: Sequence[dt.date],
    created_by: User,
    purpose: str,
    project: str,
) -> tuple[list[Reservation], list[Occurrence]]:
    """Book each week in turn (inside the caller's transaction): the reservations made, and every
    occurrence with what stood in its way. Each week is checked with the earlier weeks already
    booked, so caps and quotas count the series itself."""
    locked = _lock(user=user, equipment=[equipment])
    series = ReservationSeries.objects.create(kind=ReservationSeries.Kind.WEEKLY, created_by=created_by)
    skipped = set(skip)
    made: list[Reservation] = []
    occurrences: list[Occurrence] = []
    for start, end in weekly_times(starts_at, ends_at, weeks):
        if timezone.localtime(start).date() in skipped:
            occurrences.append(Occurrence(start, end, (), skipped=True))
            continue
        booking = Booking(
            equipment=equipment,
            user=user,
            starts_at=start,
            ends_at=end,
            created_by=created_by,
            purpose=purpose,
            project=project,
            series=series,
            company_id=locked.employer_id,
            required_ids=locked.required.get(equipment.pk),
        )
        try:
            made.append(_insert(booking, savepoint=True))
        except DomainError as exc:
            occurrences.append(Occurrence(start, end, (exc.message,), conflict=isinstance(exc, ConflictError)))
        else:
            occurrences.append(Occurrence(start, end, ()))
    return made, occurrences


def weekly_preview(
    *, equipment: Equipment, user: User, starts_at: dt.datetime, ends_at: dt.datetime, weeks: int, created_by: User
) -> list[Occurrence]:
    """Each week with the reasons it cannot be booked, exactly as weekly_create would decide (the
    weeks are tried for real and rolled back)."""
    occurrences: list[Occurrence] = []
    try:
        with transaction.atomic():
            _made, occurrences = _weekly_attempt(
                equipment=equipment,
                user=user,
                starts_at=starts_at,
                ends_at=ends_at,
                weeks=weeks,
                skip=(),
                created_by=created_by,
                purpose="",
                project="",
            )
            raise _PreviewDoneError
    except _PreviewDoneError:
        pass
    return occurrences


@transaction.atomic
def weekly_create(
    *,
    equipment: Equipment,
    user: User,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    weeks: int,
    skip: Sequence[dt.date] = (),
    created_by: User | None = None,
    purpose: str = "",
    project: str = "",
) -> list[Reservation]:
    """Book the same slot every week, except the skipped days. All or nothing: if any remaining
    occurrence cannot be booked, nothing is and the error names every such occurrence."""
    if not 1 <= weeks <= 26:
        raise DomainError(_("반복은 1–26주까지입니다. / Repeat for 1–26 weeks."), code="weeks")
    made, occurrences = _weekly_attempt(
        equipment=equipment,
        user=user,
        starts_at=starts_at,
        ends_at=ends_at,
        weeks=weeks,
        skip=skip,
        created_by=created_by or user,
        purpose=purpose,
        project=project,
    )
    failed = [o for o in occurrences if not o.ok]
    if failed:
        raise _all_or_nothing_error(
            _(
                "다음 일정은 예약할 수 없습니다. 건너뛰거나 시간을 바꾸세요. / These occurrences cannot be booked; skip them or pick another time."
            ),
            [
                (o.label, ConflictError(" ".join(o.problems)) if o.conflict else DomainError(" ".join(o.problems)))
                for o in failed
            ],
            code="occurrences",
        )
    if not made:
        raise DomainError(_("예약할 일정이 없습니다. / Nothing left to book."), code="empty")
    _notify_managers_of_pending(made)
    return made


def reservations_book(
    *,
    equipment: Equipment,
    user: User,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    weeks: int = 1,
    skip: Sequence[dt.date] = (),
    purpose: str = "",
    project: str = "",
) -> list[Reservation]:
    """What the booking page and the API call: one slot, or the same slot for `weeks` weeks."""
    if weeks == 1:
        return [
            reservation_create(
                equipment=equipment, user=user, starts_at=starts_at, ends_at=ends_at, purpose=purpose, project=project
            )
        ]
    return weekly_create(
        equipment=equipment,
        user=user,
        starts_at=starts_at,
        ends_at=ends_at,
        weeks=weeks,
        skip=skip,
        purpose=purpose,
        project=project,
    )


def _require_session_staff(session: Session, user: User) -> None:
    offering = session.offering
    if not (
        user.has_role(Role.PROGRAM_ADMIN)
        or offering.instructors.filter(pk=user.pk).exists()
        or offering.course.institution_id in user.coordinated_institution_ids
    ):
        raise DomainError(
            _(
                "이 수업의 강사나 운영담당자만 예약할 수 있습니다. / Only the session's instructor or coordinator can book for it."
            ),
            code="forbidden",
            status=403,
        )


def session_times(session: Session) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    return (
        dt.datetime.combine(session.date, session.start_time, tzinfo=tz),
        dt.datetime.combine(session.date, session.end_time, tzinfo=tz),
    )


def equipment_book_for_session(*, equipment: Equipment, session: Session, created_by: User) -> Reservation:
    """An instructor (or coordinator) books one piece of equipment for a course session: the
    calendar rules apply, the personal caps and training do not (the booking is the course's)."""
    _require_session_staff(session, created_by)
    start, end = session_times(session)
    offering = session.offering
    return reservation_create(
        equipment=equipment,
        user=created_by,
        starts_at=start,
        ends_at=end,
        purpose=f"{offering.course.title_ko} ({offering.term})",
        session=session,
    )


@transaction.atomic
def lab_book_for_session(*, facility: Facility, session: Session, created_by: User) -> list[Reservation]:
    """An instructor (or coordinator) books every available piece of equipment in a lab for a course
    session. All or nothing."""
    offering = session.offering
    _require_session_staff(session, created_by)
    start, end = session_times(session)
    equipment = list(
        facility.equipment.filter(status=EquipmentStatus.AVAILABLE).select_related("type__rules", "rules", "facility")
    )
    if not equipment:
        raise DomainError(
            _("예약할 수 있는 장비가 없는 실습실입니다. / The lab has no bookable equipment."), code="empty"
        )
    locked = _lock(user=created_by, equipment=equipment)
    series = ReservationSeries.objects.create(kind=ReservationSeries.Kind.LAB, created_by=created_by, facility=facility)
    purpose = f"{offering.course.title_ko} ({offering.term})"
    made: list[Reservation] = []
    failures: list[tuple[str, DomainError]] = []
    for eq in equipment:
        booking = Booking(
            equipment=eq,
            user=created_by,
            starts_at=start,
            ends_at=end,
            created_by=created_by,
            purpose=purpose,
            session=session,
            series=series,
            required_ids=locked.required.get(eq.pk),
        )
        try:
            made.append(_insert(booking, savepoint=True))
        except DomainError as exc:
            failures.append((eq.name, exc))
    if failures:
        raise _all_or_nothing_error(
            _("실습실 전체를 예약할 수 없습니다. / The whole lab cannot be booked."), failures, code="lab"
        )
    _notify_managers_of_pending(made)
    return made


# --- after booking ---------------------------------------------------------------------------


def _owned_or_managed(reservation: Reservation, user: User) -> bool:
    return user.pk in (reservation.user_id, reservation.created_by_id) or manages_equipment(user, reservation.equipment)


def _locked(reservation: Reservation) -> Reservation:
    return Reservation.objects.select_for_update().select_related("equipment__facility").get(pk=reservation.pk)


@transaction.atomic
def reservation_cancel(*, reservation: Reservation, by: User, reason: str = "") -> Reservation:
    reservation = _locked(reservation)
    if not _owned_or_managed(reservation, by):
        raise DomainError(
            _("이 예약을 취소할 권한이 없습니다. / You cannot cancel this booking."), code="forbidden", status=403
        )
    if reservation.status not in (ReservationStatus.PENDING, ReservationStatus.CONFIRMED):
        raise ConflictError(_("이미 처리된 예약입니다. / This booking can no longer be cancelled."), code="state")
    reservation.status = ReservationStatus.CANCELLED
    reservation.reason = reason[:300]
    reservation.decided_by, reservation.decided_at = by, timezone.now()
    reservation.save(update_fields=["status", "reason", "decided_by", "decided_at", "updated_at"])
    if by.pk != reservation.user_id:
        _tell_booker(
            reservation, gettext_noop("장비 예약이 취소되었습니다: %(name)s %(when)s / Your booking was cancelled.")
        )
    return reservation


def _require_manager(reservation: Reservation, user: User) -> None:
    if not manages_equipment(user, reservation.equipment):
        raise DomainError(
            _("이 장비의 관리자만 처리할 수 있습니다. / Only this equipment's lab managers can do this."),
            code="forbidden",
            status=403,
        )


@transaction.atomic
def reservation_approve(*, reservation: Reservation, by: User) -> Reservation:
    reservation = _locked(reservation)
    _require_manager(reservation, by)
    if reservation.status != ReservationStatus.PENDING:
        raise ConflictError(
            _("승인 대기 중인 예약이 아닙니다. / This booking is not waiting for approval."), code="state"
        )
    reservation.status = ReservationStatus.CONFIRMED
    reservation.decided_by, reservation.decided_at = by, timezone.now()
    reservation.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
    _tell_booker(
        reservation, gettext_noop("장비 예약이 승인되었습니다: %(name)s %(when)s / Your booking was approved.")
    )
    return reservation


@transaction.atomic
def reservation_reject(*, reservation: Reservation, by: User, reason: str) -> Reservation:
    reservation = _locked(reservation)
    _require_manager(reservation, by)
    if reservation.status != ReservationStatus.PENDING:
        raise ConflictError(
            _("승인 대기 중인 예약이 아닙니다. / This booking is not waiting for approval."), code="state"
        )
    if not reason.strip():
        raise DomainError(_("반려 사유를 입력하세요. / Give a reason for the rejection."), code="reason")
    reservation.status = ReservationStatus.REJECTED
    reservation.reason = reason.strip()[:300]
    reservation.decided_by, reservation.decided_at = by, timezone.now()
    reservation.save(update_fields=["status", "reason", "decided_by", "decided_at", "updated_at"])
    _tell_booker(
        reservation,
        gettext_noop("장비 예약이 반려되었습니다: %(name)s — %(reason)s / Your booking was rejected: %(reason)s"),
        reason=reservation.reason,
    )
    return reservation


@transaction.atomic
def reservation_check_in(*, reservation: Reservation, by: User, now: dt.datetime | None = None) -> Reservation:
    now = now or timezone.now()
    reservation = _locked(reservation)
    if not _owned_or_managed(reservation, by):
        raise DomainError(
            _("본인 예약만 체크인할 수 있습니다. / You can only check in to your own booking."),
            code="forbidden",
            status=403,
        )
    if reservation.status != ReservationStatus.CONFIRMED:
        raise ConflictError(_("체크인할 수 있는 예약이 아닙니다. / This booking cannot be checked in."), code="state")
    if not reservation.starts_at - CHECK_IN_EARLY <= now <= reservation.starts_at + no_show_grace():
        raise DomainError(
            _(
                "체크인은 시작 %(early)d분 전부터 시작 후 %(grace)d분까지 할 수 있습니다. / Check in from %(early)d minutes before to %(grace)d minutes after the start."
            )
            % {"early": CHECK_IN_EARLY.seconds // 60, "grace": no_show_grace().seconds // 60},
            code="check_in_window",
        )
    reservation.status = ReservationStatus.CHECKED_IN
    reservation.checked_in_at = now
    reservation.save(update_fields=["status", "checked_in_at", "updated_at"])
    return reservation


def no_shows_release(*, now: dt.datetime | None = None, equipment: Equipment | None = None) -> int:
    """Settle what time has decided: confirmed bookings nobody checked in to by the end of the grace
    period become no-shows (their time is free again); pending ones whose start passed are rejected;
    checked-in ones that ended are completed. Returns how many bookings changed. Runs when such a
    booking stands in the way of a new one (so a released slot can be taken at once), and from
    `manage.py labs_settle` (cron)."""
    now = now or timezone.now()
    qs = Reservation.objects.filter(equipment=equipment) if equipment is not None else Reservation.objects.all()
    due = (
        Q(status=ReservationStatus.CONFIRMED, checked_in_at__isnull=True, starts_at__lt=now - no_show_grace())
        | Q(status=ReservationStatus.PENDING, starts_at__lt=now)
        | Q(status=ReservationStatus.CHECKED_IN, ends_at__lt=now)
    )
    if not qs.filter(due).exists():  # the usual case before a booking: one cheap query, no writes
        return 0
    changed = qs.filter(
        status=ReservationStatus.CONFIRMED, checked_in_at__isnull=True, starts_at__lt=now - no_show_grace()
    ).update(status=ReservationStatus.NO_SHOW, updated_at=now)
    changed += qs.filter(status=ReservationStatus.PENDING, starts_at__lt=now).update(
        status=ReservationStatus.REJECTED,
        reason=_("시작 전까지 승인되지 않음 / not approved before the start"),
        updated_at=now,
    )
    changed += qs.filter(status=ReservationStatus.CHECKED_IN, ends_at__lt=now).update(
        status=ReservationStatus.COMPLETED, updated_at=now
    )
    return changed


def training_record_add(
    *, user: User, course: Course, completed_on: dt.date, recorded_by: User, note: str = ""
) -> TrainingRecord:
    """A lab manager records a training taken elsewhere: only one their equipment requires."""
    managed = Equipment.objects.all()
    if not recorded_by.has_role(Role.PROGRAM_ADMIN):
        managed = managed.filter(facility__institution_id__in=recorded_by.lab_institution_ids)
    if not managed.filter(required_courses=course).exists():
        raise DomainError(
            _(
                "관리하는 장비의 필수 교육만 기록할 수 있습니다. / You can only record trainings your equipment requires."
            ),
            code="forbidden",
            status=403,
        )
    record, _created = TrainingRecord.objects.update_or_create(
        user=user,
        course=course,
        defaults={"completed_on": completed_on, "recorded_by": recorded_by, "note": note[:200]},
    )
    return record


@transaction.atomic
def equipment_status_set(
    *, equipment: Equipment, by: User, status: str, reason: str = "", expected_return: dt.date | None = None
) -> Equipment:
    """A lab manager takes equipment out of service (with a reason and, for maintenance, the expected
    return) or puts it back. People holding future bookings are told; their bookings stay for the
    manager to cancel or keep."""
    if not manages_equipment(by, equipment):
        raise DomainError(
            _(
                "이 장비의 관리자만 상태를 바꿀 수 있습니다. / Only this equipment's lab managers can change its status."
            ),
            code="forbidden",
            status=403,
        )
    if status not in EquipmentStatus.values:
        raise DomainError(_("알 수 없는 상태입니다. / Unknown status."), code="status")
    if status != EquipmentStatus.AVAILABLE and not reason.strip():
        raise DomainError(_("사용할 수 없는 사유를 입력하세요. / Give the reason it is unavailable."), code="reason")
    equipment = Equipment.objects.select_for_update().get(pk=equipment.pk)
    equipment.status = status
    equipment.status_reason = "" if status == EquipmentStatus.AVAILABLE else reason.strip()[:300]
    equipment.expected_return = expected_return if status == EquipmentStatus.MAINTENANCE else None
    equipment.save(update_fields=["status", "status_reason", "expected_return", "updated_at"])
    if status != EquipmentStatus.AVAILABLE:
        affected = Reservation.objects.blocking().filter(equipment=equipment, starts_at__gt=timezone.now())
        with in_site_language():
            message = _(
                "예약한 장비 %(name)s을(를) 사용할 수 없게 되었습니다: %(reason)s / Equipment you booked is out of service: %(reason)s"
            ) % {"name": equipment.name, "reason": equipment.status_reason}
        for user in User.objects.filter(pk__in=affected.values("user_id")).order_by(
            "pk"
        ):  # one query, not one a booker
            notification_send(user=user, message=message, url=reverse("labs:mine"))
    return equipment


# The private calendar link ------------------------------------------------------------------------


def calendar_feed(user: User) -> CalendarFeed:
    """The person's calendar link, made on first use."""
    feed, _made = CalendarFeed.objects.get_or_create(user=user, defaults={"key": secrets.token_urlsafe(32)})
    return feed


def calendar_feed_renew(user: User) -> CalendarFeed:
    """A new link; the old one answers 404 from now on."""
    feed = calendar_feed(user)
    feed.key = secrets.token_urlsafe(32)
    feed.save(update_fields=["key", "updated_at"])
    return feed
