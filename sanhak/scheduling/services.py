"""Scheduling services: ITC 2019 files in, validated results out; platform runs queued and accepted."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sanhak.accounts.models import Institution, User
from sanhak.common.errors import ConflictError, DomainError
from sanhak.courses.models import Offering, Session
from sanhak.courses.services import offering_refresh_schedule
from sanhak.labs.models import Facility, Reservation, ReservationStatus
from sanhak.labs.services import lab_book_for_session, reservation_cancel

from . import selectors
from .itc2019.model import Problem, Solution
from .itc2019.parser import parse_problem, parse_solution, write_solution
from .itc2019.solver import ProgressCallback, solve
from .itc2019.validator import ValidationResult, validate
from .models import RunStatus, SchedulingRun
from .problem import Options

MAX_TIME_LIMIT = 600


def default_time_limit() -> int:
    """Seconds a run may solve: ``settings.SCHEDULING_TIME_LIMIT`` (60 unless set)."""
    value: object = getattr(settings, "SCHEDULING_TIME_LIMIT", 60)
    return int(value) if isinstance(value, int | float | str) else 60


class Itc2019InputError(Exception):
    """A file is missing or is not ITC 2019 XML; the message is bilingual (Korean / English)."""


def _read(path: Path, label: tuple[str, str]) -> bytes:
    ko, en = label
    try:
        return path.read_bytes()
    except FileNotFoundError as exc:
        raise Itc2019InputError(f"{ko} 파일이 없습니다 / {en} file not found: {path}") from exc
    except OSError as exc:
        raise Itc2019InputError(f"{ko} 파일을 읽을 수 없습니다 / cannot read the {en} file {path}: {exc}") from exc


def itc2019_problem_load(*, path: Path) -> Problem:
    data = _read(path, ("문제", "instance"))
    try:
        return parse_problem(data)
    except ValueError as exc:  # ParseError, or a bad number deep inside
        raise Itc2019InputError(
            f"ITC 2019 문제 XML이 올바르지 않습니다 / invalid ITC 2019 instance XML {path}: {exc}"
        ) from exc


def itc2019_solution_load(*, path: Path) -> Solution:
    data = _read(path, ("해답", "solution"))
    try:
        return parse_solution(data)
    except ValueError as exc:  # ParseError, or a bad number deep inside
        raise Itc2019InputError(
            f"ITC 2019 해답 XML이 올바르지 않습니다 / invalid ITC 2019 solution XML {path}: {exc}"
        ) from exc


def itc2019_validate(*, instance: Path, solution: Path) -> ValidationResult:
    return validate(itc2019_problem_load(path=instance), itc2019_solution_load(path=solution))


def itc2019_solve(
    *, instance: Path, out: Path, time_limit: float, workers: int = 2, progress: ProgressCallback | None = None
) -> ValidationResult:
    """Solve, write the solution to ``out`` and validate what was written."""
    problem = itc2019_problem_load(path=instance)
    result = solve(problem, time_limit=time_limit, workers=workers, progress=progress)
    try:
        write_solution(result.solution, out)
    except OSError as exc:
        raise Itc2019InputError(f"해답 파일을 쓸 수 없습니다 / cannot write the solution file {out}: {exc}") from exc
    return validate(problem, itc2019_solution_load(path=out))


# -- the platform: runs, and accepting a run's timetable ----------------------------------------------


def scheduling_run_start(
    *,
    term: str,
    institution: Institution | None,
    created_by: User,
    time_limit: int | None = None,
    options: Options | None = None,
) -> SchedulingRun:
    """Queue a run; the worker (``manage.py scheduling_worker``) solves it. Returns at once."""
    if not selectors.may_schedule(created_by, institution):
        raise DomainError(
            _("이 기관의 시간표를 편성할 권한이 없습니다. / You may not schedule this institution."),
            code="forbidden",
            status=403,
        )
    term = term.strip()
    if not term:
        raise DomainError(_("학기를 입력하세요. / Enter a term."), code="term")
    limit = time_limit or default_time_limit()
    if not 1 <= limit <= MAX_TIME_LIMIT:
        raise DomainError(
            _("시간 제한은 1–%(max)d초입니다. / The time limit is 1–%(max)d seconds.") % {"max": MAX_TIME_LIMIT},
            code="time_limit",
        )
    return SchedulingRun.objects.create(
        term=term,
        institution=institution,
        created_by=created_by,
        time_limit=limit,
        options=(options or Options()).to_json(),
    )


def scheduling_run_rerun(
    *, run: SchedulingRun, by: User, options: Options, time_limit: int | None = None
) -> SchedulingRun:
    """The same term and institution again, with adjusted constraints."""
    return scheduling_run_start(
        term=run.term,
        institution=run.institution,
        created_by=by,
        time_limit=time_limit or run.time_limit,
        options=options,
    )


@transaction.atomic
def scheduling_run_accept(*, run: SchedulingRun, by: User, replace_future: bool = False) -> list[Session]:
    """Create the sessions of every proposed date and book the labs for them: all or nothing.

    An offering that already has sessions from today on is refused unless ``replace_future``: then those
    sessions are deleted first (their lab bookings cancelled). A lab booking that fails rolls back every
    session too, and the run stays unaccepted, so the coordinator can fix the lab and accept again.
    """
    if not selectors.may_schedule(by, run.institution):
        raise DomainError(
            _("이 편성을 확정할 권한이 없습니다. / You may not accept this timetable."), code="forbidden", status=403
        )
    if run.status != RunStatus.DONE:
        raise DomainError(_("완료된 편성만 확정할 수 있습니다. / Only a finished run can be accepted."), code="state")
    now = timezone.now()
    # The conditional update is the lock: of two concurrent accepts only one changes the row.
    claimed = SchedulingRun.objects.filter(pk=run.pk, accepted_at__isnull=True, status=RunStatus.DONE).update(
        accepted_at=now, accepted_by=by
    )
    if not claimed:
        raise ConflictError(_("이미 확정된 편성입니다. / This timetable was already accepted."))
    run.accepted_at, run.accepted_by = now, by
    proposed = run.result.get("assignments", [])
    offering_ids = sorted({a["offering"] for a in proposed})
    offerings = {o.pk: o for o in Offering.objects.select_related("course").filter(pk__in=offering_ids)}
    missing = [a["title"] for a in proposed if a["offering"] not in offerings]
    if missing:
        raise DomainError(
            _("편성 후 삭제된 강좌가 있습니다: %(titles)s / Offerings were deleted since the run: %(titles)s")
            % {"titles": ", ".join(sorted(set(missing)))},
            code="stale",
        )
    today = timezone.localdate()
    existing = selectors.future_sessions(offering_ids=offering_ids, today=today)
    if existing.exists():
        if not replace_future:
            titles = sorted({s.offering.course.title_ko for s in existing.select_related("offering__course")})
            raise DomainError(
                _(
                    "이미 예정된 수업이 있는 강좌가 있습니다: %(titles)s. 기존 수업을 대체하려면 '기존 예정 수업 대체'를 선택하세요. "
                    "/ Some offerings already have upcoming sessions: %(titles)s. Tick 'replace upcoming sessions' to replace them."
                )
                % {"titles": ", ".join(titles)},
                code="existing_sessions",
            )
        for reservation in Reservation.objects.filter(
            session__in=existing, status__in=[ReservationStatus.PENDING, ReservationStatus.CONFIRMED]
        ).select_related("equipment", "user"):
            reservation_cancel(reservation=reservation, by=by, reason=_("시간표 재편성 / timetable replaced"))
        existing.delete()
    sessions: list[Session] = []
    labs: list[tuple[int, Session]] = []
    for a in proposed:
        offering = offerings[a["offering"]]
        start, end = dt.time.fromisoformat(a["start"]), dt.time.fromisoformat(a["end"])
        for day in a["dates"]:
            if day < today.isoformat():  # a run accepted late: weeks already gone are not created
                continue
            session = Session(
                offering=offering, date=dt.date.fromisoformat(day), start_time=start, end_time=end, room=a["room_label"]
            )
            sessions.append(session)
            if a.get("needs_lab") and a.get("facility"):
                labs.append((a["facility"], session))
    Session.objects.bulk_create(sessions)
    _book_labs(labs, by)
    for offering in offerings.values():
        offering_refresh_schedule(offering=offering)
    return sessions


def _book_labs(labs: list[tuple[int, Session]], by: User) -> None:
    """Book each lab for its sessions (any failure raises, so the caller's transaction rolls back).
    Course sessions are not held to the labs' booking horizon, so a whole term books at once."""
    facilities = {
        f.pk: f
        for f in Facility.objects.filter(pk__in={f for f, _s in labs}).prefetch_related(
            "equipment__type__rules", "equipment__rules"
        )
    }
    for facility_id, session in labs:
        facility = facilities.get(facility_id)
        if facility is None:
            continue
        try:
            lab_book_for_session(facility=facility, session=session, created_by=by)
        except DomainError as exc:
            raise DomainError(
                _(
                    "실습실 예약이 실패해 아무것도 확정하지 않았습니다(%(when)s %(title)s): %(reason)s "
                    "/ Nothing was accepted: a lab booking failed."
                )
                % {
                    "when": f"{session.date} {session.start_time:%H:%M}",
                    "title": session.offering.course.title_ko,
                    "reason": exc.message,
                },
                code="lab",
            ) from exc
