"""The scheduling queue: runs are rows; a worker claims the oldest queued one and solves it.

Web requests only queue (``services.scheduling_run_start``); ``manage.py scheduling_worker`` calls
:func:`run_pending`. Claiming is a conditional UPDATE (queued → running), so two workers never take
the same run; on PostgreSQL the candidate is found with ``SELECT … FOR UPDATE SKIP LOCKED``.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from . import selectors
from .itc2019.solver import Progress, solve
from .itc2019.validator import validate
from .messages import Message, message, text
from .models import RunStatus, SchedulingRun
from .problem import Built, Options, assignments, build

log = logging.getLogger(__name__)
PROGRESS_EVERY = 2.0  # seconds between progress writes
STALE_AFTER = dt.timedelta(minutes=15)  # beyond its time limit: the worker that ran it died


def _claim() -> SchedulingRun | None:
    with transaction.atomic():
        qs = SchedulingRun.objects.filter(status=RunStatus.QUEUED).order_by("created_at", "id")
        if connection.features.has_select_for_update_skip_locked:
            qs = qs.select_for_update(skip_locked=True)
        run = qs.first()
        if run is None:
            return None
        now = timezone.now()
        if not SchedulingRun.objects.filter(pk=run.pk, status=RunStatus.QUEUED).update(
            status=RunStatus.RUNNING, started_at=now, progress=0, updated_at=now
        ):
            return None
    run.refresh_from_db()
    return run


def _fail_stale() -> None:
    for run in SchedulingRun.objects.filter(status=RunStatus.RUNNING, started_at__isnull=False):
        if run.started_at and timezone.now() - run.started_at > STALE_AFTER + dt.timedelta(seconds=run.time_limit):
            stopped = message(
                gettext_noop("작업자가 중단되었습니다. 다시 실행하세요. / The worker stopped; run again.")
            )
            SchedulingRun.objects.filter(pk=run.pk, status=RunStatus.RUNNING).update(
                status=RunStatus.FAILED, finished_at=timezone.now(), message=text(stopped), result={"message": stopped}
            )


def run_pending(*, once: bool = True, poll: float = 2.0) -> int:
    """Solve queued runs. ``once``: until the queue is empty, then return; otherwise forever."""
    _fail_stale()
    done = 0
    while True:
        run = _claim()
        if run is None:
            if once:
                return done
            time.sleep(poll)
            continue
        run_execute(run)
        done += 1


def _finish(run: SchedulingRun, status: str, said: Message, result: dict[str, Any]) -> None:
    """`said` is kept in the result (translated when shown, see .messages); `message` has its text in
    the worker's language (the site's) for the admin."""
    run.status, run.message, run.result = status, text(said), {**result, "message": said}
    run.progress, run.finished_at = 100, timezone.now()
    run.save(update_fields=["status", "message", "result", "progress", "finished_at", "updated_at"])


def run_execute(run: SchedulingRun) -> None:
    try:
        _execute(run)
    except Exception as exc:  # a run must end, whatever happened; the log has the traceback
        log.exception("scheduling run %s failed", run.pk)
        _finish(
            run,
            RunStatus.FAILED,
            message(gettext_noop("편성 중 오류: %(error)s / Error: %(error)s"), error=str(exc)),
            {},
        )


def _execute(run: SchedulingRun) -> None:
    started = time.monotonic()
    options = Options.from_json(run.options)
    data = selectors.term_data(term=run.term, institution=run.institution)
    if not data.offerings:
        _finish(
            run,
            RunStatus.FAILED,
            message(gettext_noop("편성할 오프라인 강좌가 없습니다. / No offline offerings to schedule in this term.")),
            {},
        )
        return
    built = build(data, options)
    figures: dict[str, Any] = {
        "offerings": len(data.offerings),
        "classes": len(built.classes),
        "rooms": len(data.rooms),
        "weeks": built.problem.nr_weeks,
    }
    if built.issues:
        figures["seconds"] = round(time.monotonic() - started, 1)
        _finish(
            run,
            RunStatus.INFEASIBLE,
            message(gettext_noop("조건을 모두 만족하는 시간표가 없습니다. / No timetable meets every constraint.")),
            {"figures": figures, "explanation": built.issues},
        )
        return
    best: dict[str, float] = {}
    solve_started = time.monotonic()

    def progress(p: Progress) -> None:
        """The solver's callback (from CP-SAT's threads): remember the best penalty found so far."""
        if p.objective is not None:
            best["objective"] = p.objective

    stop = threading.Event()
    ticker = threading.Thread(target=_tick, args=(run, stop, solve_started, best), daemon=True)
    ticker.start()
    workers = int(getattr(settings, "SCHEDULING_WORKERS", 2))
    try:
        result = solve(built.problem, time_limit=run.time_limit, workers=workers, progress=progress)
    finally:
        stop.set()
        ticker.join()
    figures["seconds"] = round(time.monotonic() - started, 1)
    figures["solver_status"] = result.status
    if not result.solution.classes:
        if result.status == "INFEASIBLE":
            _finish(
                run,
                RunStatus.INFEASIBLE,
                message(gettext_noop("조건을 모두 만족하는 시간표가 없습니다. / No timetable meets every constraint.")),
                {"figures": figures, "explanation": diagnose(built, run.time_limit, workers)},
            )
        else:
            _finish(
                run,
                RunStatus.FAILED,
                message(
                    gettext_noop(
                        "시간 제한 안에 시간표를 찾지 못했습니다. 시간 제한을 늘리거나 조건을 완화해 다시 실행하세요. "
                        "/ No timetable found within the time limit; allow more time or relax the constraints."
                    )
                ),
                {"figures": figures},
            )
        return
    check = validate(built.problem, result.solution)
    figures.update(
        hard_violations=len(check.hard_violations),
        time_penalty=check.time,
        room_penalty=check.room,
        distribution_penalty=check.distribution,
        total=check.total,
    )
    if check.hard_violations:
        _finish(
            run,
            RunStatus.FAILED,
            message(
                gettext_noop("검증 실패: %(n)d건의 필수 조건 위반 / Validation failed: %(n)d hard violations"),
                n=len(check.hard_violations),
            ),
            {"figures": figures, "explanation": [str(v) for v in check.hard_violations[:20]]},
        )
        return
    _finish(
        run,
        RunStatus.DONE,
        message(gettext_noop("시간표를 편성했습니다. / Timetable ready.")),
        {"figures": figures, "assignments": assignments(built, result.solution), "explanation": []},
    )


def _tick(run: SchedulingRun, stop: threading.Event, started: float, best: dict[str, float]) -> None:
    """Every PROGRESS_EVERY seconds, write the share of the time limit used and the best penalty so far.

    Runs in its own thread with its own connection (closed at the end). Progress is only shown, so a
    write that fails (a locked SQLite test database) is skipped rather than stopping the solve."""
    try:
        while not stop.wait(PROGRESS_EVERY):
            percent = min(99, int((time.monotonic() - started) / run.time_limit * 100))
            said = message(gettext_noop("계산 중 / solving"))
            if "objective" in best:
                said = message(
                    gettext_noop(
                        "계산 중 · 지금까지 가장 좋은 시간표의 벌점 %(n)d / solving · best penalty so far %(n)d"
                    ),
                    n=int(best["objective"]),
                )
            try:
                SchedulingRun.objects.filter(pk=run.pk, status=RunStatus.RUNNING).update(
                    progress=percent, message=text(said), result={"message": said}
                )
            except DatabaseError:
                log.debug("progress of run %s not written", run.pk)
    finally:
        connection.close()


def diagnose(built: Built, time_limit: int, workers: int) -> list[Message]:
    """After CP-SAT proves the problem infeasible: which group of constraints, left out, makes it
    feasible — instructors' overlaps, cohort groups' overlaps, or neither (then rooms and times)."""
    budget = max(2.0, min(10.0, time_limit / 4))
    lines = []
    for relax, rule in (
        (frozenset({"instructor"}), gettext_noop("강사의 수업이 서로 겹치지 않아야 한다는 조건")),
        (frozenset({"cohort"}), gettext_noop("같은 수강 집단의 수업이 겹치지 않아야 한다는 조건")),
    ):
        relaxed = build(built.data, built.options, relax=relax)
        if solve(relaxed.problem, time_limit=budget, workers=workers).solution.classes:
            lines.append(
                message(
                    gettext_noop(
                        "%(rule)s을(를) 빼면 시간표가 나옵니다: 이 조건이 충돌의 원인입니다. / Without this rule a timetable exists: it causes the conflict."
                    ),
                    rule=message(rule),
                )
            )
    if not lines:
        lines.append(
            message(
                gettext_noop(
                    "강의실·실습실 수와 운영 시간대가 수업 수에 비해 부족합니다. 시간대를 넓히거나(학생 토요일 허용 등) 강의실을 추가하세요. "
                    "/ The rooms and windows cannot hold all sessions together; widen the windows (e.g. allow Saturdays for students) or add rooms."
                )
            )
        )
    return lines
