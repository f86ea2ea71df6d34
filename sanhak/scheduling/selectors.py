"""Reads: who may schedule what, and a term's data for the problem builder."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from sanhak.accounts.models import Institution, User
from sanhak.common.errors import FORBIDDEN
from sanhak.courses.models import Mode, Offering, Session
from sanhak.labs.models import Reservation
from sanhak.labs.rules import holiday_name

from .messages import text
from .models import CampusTravel, InstructorAvailability, OfferingPlan, Room, SchedulingRun
from .problem import OfferingData, RoomData, TermData

DEFAULT_PLAN = OfferingPlan(weekly_sessions=1, session_minutes=180, cohort="incumbent", needs_lab=False)


# -- access ------------------------------------------------------------------------------------------


def _staff(user: Any) -> User:
    if not getattr(user, "is_authenticated", False) or not (user.is_program_admin or user.coordinated_institution_ids):
        raise PermissionDenied(_(FORBIDDEN))
    return user


def institutions_schedulable(user: Any) -> QuerySet[Institution]:
    """Program admins schedule every institution; a coordinator their own."""
    user = _staff(user)
    if user.is_program_admin:
        return Institution.objects.exclude(kind=Institution.Kind.PROGRAM_OFFICE)
    return Institution.objects.filter(pk__in=user.coordinated_institution_ids)


def runs_visible(user: Any) -> QuerySet[SchedulingRun]:
    user = _staff(user)
    qs = SchedulingRun.objects.select_related("institution", "created_by")
    if user.is_program_admin:
        return qs
    return qs.filter(institution_id__in=user.coordinated_institution_ids)


def run_for_user(user: Any, pk: Any) -> SchedulingRun:
    try:
        return runs_visible(user).get(pk=int(pk))
    except (SchedulingRun.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404(_("편성 결과를 찾을 수 없습니다. / Scheduling run not found.")) from exc


def run_message(run: SchedulingRun) -> str:
    """The run's message in the active language (the worker keeps it untranslated in the result; see
    .messages); a run without one (queued, or saved before) shows its message field."""
    return text(run.result.get("message", run.message))


def run_explanation(run: SchedulingRun) -> list[str]:
    return [text(line) for line in run.result.get("explanation", [])]


def may_schedule(user: Any, institution: Institution | None) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_program_admin:
        return True
    return institution is not None and institution.pk in user.coordinated_institution_ids


# -- the term's data ----------------------------------------------------------------------------------


def term_offerings(*, term: str, institution: Institution | None) -> list[Offering]:
    """Offerings with a plan; when none of the term's offerings has one, every offline/blended offering
    (each with the default plan: one 3-hour session a week for incumbent workers)."""
    qs = Offering.objects.filter(term=term).select_related("course", "plan").prefetch_related("instructors")
    if institution is not None:
        qs = qs.filter(course__institution=institution)
    planned = list(qs.filter(plan__isnull=False).order_by("id"))
    if planned:
        return planned
    return list(qs.filter(course__mode__in=[Mode.OFFLINE, Mode.BLENDED]).order_by("id"))


def plan_of(offering: Offering) -> OfferingPlan:
    try:
        plan: OfferingPlan = offering.plan  # the reverse one-to-one
    except OfferingPlan.DoesNotExist:
        return DEFAULT_PLAN
    return plan


def term_data(*, term: str, institution: Institution | None) -> TermData:
    offerings = term_offerings(term=term, institution=institution)
    items, instructor_names = [], {}
    for o in offerings:
        plan = plan_of(o)
        instructors = list(o.instructors.all())
        instructor_names.update({i.pk: i.name for i in instructors})
        items.append(
            OfferingData(
                id=o.pk,
                title=o.course.title_ko,
                institution_id=o.course.institution_id,
                start_date=o.start_date,
                end_date=o.end_date,
                capacity=o.capacity,
                instructor_ids=tuple(sorted(i.pk for i in instructors)),
                weekly_sessions=plan.weekly_sessions,
                session_minutes=plan.session_minutes,
                cohort=plan.cohort,
                cohort_group=plan.cohort_group,
                needs_lab=plan.needs_lab,
            )
        )
    institution_ids = {o.institution_id for o in items}
    rooms = [
        RoomData(r.pk, r.institution_id, r.campus, r.label, r.capacity, r.is_lab, r.facility_id)
        for r in Room.objects.filter(is_active=True, institution_id__in=institution_ids).order_by("id")
    ]
    availability: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
    for a in InstructorAvailability.objects.filter(instructor_id__in=instructor_names):
        availability[a.instructor_id].append(
            (a.weekday, a.start.hour * 60 + a.start.minute, a.end.hour * 60 + a.end.minute)
        )
    busy: dict[int, list[tuple[dt.date, int, int]]] = defaultdict(list)
    if items:
        first, last = min(o.start_date for o in items), max(o.end_date for o in items)
        sessions = (
            Session.objects.filter(date__range=(first, last), offering__instructors__in=list(instructor_names))
            .exclude(offering_id__in=[o.id for o in items])
            .values_list("offering__instructors", "date", "start_time", "end_time")
        )
        for instructor, date, start, end in sessions:
            if instructor in instructor_names:
                busy[instructor].append((date, start.hour * 60 + start.minute, end.hour * 60 + end.minute))
    travel = {(t.campus_a, t.campus_b): t.minutes for t in CampusTravel.objects.all()}
    room_busy = _rooms_taken(items, rooms)
    return TermData(term, items, rooms, instructor_names, dict(availability), dict(busy), travel, room_busy)


def _rooms_taken(items: list[OfferingData], rooms: list[RoomData]) -> dict[int, list[tuple[dt.date, int, int]]]:
    """Times the rooms are already used within the term: sessions of offerings outside the problem held
    in a room (by its label), and active bookings of a linked lab's equipment."""
    taken: dict[int, list[tuple[dt.date, int, int]]] = defaultdict(list)
    if not items:
        return {}
    first, last = min(o.start_date for o in items), max(o.end_date for o in items)
    by_label = {(r.institution_id, r.label): r.id for r in rooms}
    sessions = (
        Session.objects.filter(date__range=(first, last), room__in={r.label for r in rooms})
        .exclude(offering_id__in=[o.id for o in items])
        .values_list("offering__course__institution_id", "room", "date", "start_time", "end_time")
    )
    for institution_id, label, date, start, end in sessions:
        room_id = by_label.get((institution_id, label))
        if room_id is not None:
            taken[room_id].append((date, _min(start), _min(end)))
    labs = {r.facility_id: r.id for r in rooms if r.facility_id}
    if labs:
        tz = timezone.get_current_timezone()
        window_start = dt.datetime.combine(first, dt.time(0), tzinfo=tz)
        window_end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(0), tzinfo=tz)
        bookings = (
            Reservation.objects.blocking()
            .overlapping(window_start, window_end)
            .filter(equipment__facility_id__in=list(labs))
            .exclude(session__offering_id__in=[o.id for o in items])
            .values_list("equipment__facility_id", "starts_at", "blocked_until")
        )
        for facility_id, starts_at, until in bookings:
            s, e = timezone.localtime(starts_at, tz), timezone.localtime(until, tz)
            if s.date() == e.date():
                taken[labs[facility_id]].append((s.date(), _min(s.time()), _min(e.time())))
            else:  # past midnight: the rest of the first day
                taken[labs[facility_id]].append((s.date(), _min(s.time()), 24 * 60))
    return dict(taken)


def _min(t: dt.time) -> int:
    return t.hour * 60 + t.minute


def future_sessions(*, offering_ids: list[int], today: dt.date) -> QuerySet[Session]:
    return Session.objects.filter(Q(offering_id__in=offering_ids) & Q(date__gte=today))


# -- the proposed timetable, as week grids -------------------------------------------------------------


def _holidays_named(a: dict[str, Any]) -> dict[str, Any]:
    """The assignment with its skipped dates' holidays named in the active language (the worker saved
    the names in its own)."""
    skipped = [
        {**s, "holiday": holiday_name(dt.date.fromisoformat(s["date"])) or s["holiday"]} for s in a.get("skipped", [])
    ]
    return {**a, "skipped": skipped}


GRID_DAYS = 6  # Monday … Saturday


def timetable(result: dict[str, Any]) -> dict[str, list[tuple[str, list[list[dict[str, Any]]]]]]:
    """The run's proposal by room, by instructor and by cohort: rows of (label, cells per weekday)."""
    views: dict[str, dict[str, list[list[dict[str, Any]]]]] = {"room": {}, "instructor": {}, "cohort": {}}
    cohort_names = {"incumbent": _("재직자"), "student": _("학생")}
    no_group = _("(집단 없음)")
    shown = [_holidays_named(a) for a in result.get("assignments", [])]
    for a in sorted(shown, key=lambda a: (a["start"], a["title"])):
        keys = {
            "room": [a["room_label"] or _("(강의실 없음)")],
            "instructor": [name for _pk, name in a["instructors"]] or [_("(강사 미정)")],
            "cohort": [f"{cohort_names.get(a['cohort'], a['cohort'])} · {a['cohort_group'] or no_group}"],
        }
        for view, labels in keys.items():
            for label in labels:
                row = views[view].setdefault(label, [[] for _d in range(7)])
                row[a["weekday"]].append(a)
    return {
        view: [(label, cells[:GRID_DAYS] if not any(cells[6]) else cells) for label, cells in sorted(rows.items())]
        for view, rows in views.items()
    }
