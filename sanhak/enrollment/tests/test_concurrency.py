"""Seats under real concurrency: many threads, each with its own database connection, deciding at once.

On PostgreSQL the services serialize on a row lock of the offering (SELECT ... FOR UPDATE); on SQLite
every write transaction starts with BEGIN IMMEDIATE (config/settings/base.py), so writers queue on
the database lock. Either way exactly the free seats are given, the rest wait, and no thread fails.

The SQLite variant needs a file-backed test database shared by the threads' connections:
    SANHAK_TEST_SQLITE=/tmp/x.sqlite3 DATABASE_URL=sqlite:////tmp/y.sqlite3 pytest ...
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.db import connection

from sanhak.accounts.models import User
from sanhak.common.concurrency import SQLITE_IN_MEMORY_REASON, run_at_once, sqlite_test_db_in_memory
from sanhak.common.factories import EnrollmentFactory, OfferingFactory, TraineeFactory
from sanhak.common.models import Notification
from sanhak.courses.models import Offering
from sanhak.enrollment.models import Enrollment, Status
from sanhak.enrollment.services import enrollment_apply, enrollment_approve, enrollment_cancel

# Transactional: the threads must see committed rows.
pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 20
CAPACITY = 10
ALREADY_APPROVED = 7


def _other_vendor(vendor: str) -> str:
    return f"the {vendor} variant; this run uses {connection.vendor} (set DATABASE_URL to run it)"


# Decided at collection (from the settings), so a skipped variant costs no database set-up.
@pytest.fixture(
    params=[
        pytest.param(
            "postgresql",
            id="postgresql",
            marks=[
                pytest.mark.postgres,
                pytest.mark.skipif(connection.vendor != "postgresql", reason=_other_vendor("postgresql")),
            ],
        ),
        pytest.param(
            "sqlite",
            id="sqlite",
            marks=[
                pytest.mark.skipif(connection.vendor != "sqlite", reason=_other_vendor("sqlite")),
                pytest.mark.skipif(sqlite_test_db_in_memory(), reason=SQLITE_IN_MEMORY_REASON),
            ],
        ),
    ]
)
def backend(request: pytest.FixtureRequest) -> str:
    vendor: str = request.param
    if connection.vendor != vendor:  # pragma: no cover - the marks above skip first
        pytest.skip(_other_vendor(vendor))
    if vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip(SQLITE_IN_MEMORY_REASON)
    return vendor


def run_jobs(jobs: list[Callable[[], Any]]) -> tuple[list[Any], list[BaseException]]:
    """The jobs' results, and the exceptions raised (apart)."""
    outcomes = run_at_once(jobs)
    errors = [o for o in outcomes if isinstance(o, BaseException)]
    return [None if isinstance(o, BaseException) else o for o in outcomes], errors


def _offering_with_seats_taken() -> Offering:
    offering = OfferingFactory(capacity=CAPACITY, course__title_ko="동시성 시험 과목")
    EnrollmentFactory.create_batch(ALREADY_APPROVED, offering=offering, status=Status.APPROVED)
    offering.refresh_from_db()
    assert offering.approved_count == ALREADY_APPROVED
    return offering


def _approve_job(enrollment_pk: int, by_pk: int) -> Callable[[], str]:
    def job() -> str:
        enrollment = Enrollment.objects.get(pk=enrollment_pk)
        return enrollment_approve(enrollment=enrollment, by=User.objects.get(pk=by_pk)).status

    return job


def _apply_then_approve_job(offering_pk: int, trainee_pk: int, by_pk: int) -> Callable[[], tuple[str, str]]:
    def job() -> tuple[str, str]:
        offering = Offering.objects.get(pk=offering_pk)
        applied = enrollment_apply(offering=offering, trainee=User.objects.get(pk=trainee_pk))
        decided = enrollment_approve(enrollment=applied, by=User.objects.get(pk=by_pk))
        return applied.status, decided.status

    return job


def _assert_seats_consistent(offering: Offering) -> None:
    offering.refresh_from_db()
    approved_rows = Enrollment.objects.filter(offering=offering, status=Status.APPROVED).count()
    assert offering.approved_count == CAPACITY
    assert approved_rows == CAPACITY


def test_parallel_approvals_fill_exactly_the_free_seats(backend, personas, mailoutbox):
    offering = _offering_with_seats_taken()
    pending = EnrollmentFactory.create_batch(THREADS, offering=offering)
    mail.outbox.clear()

    results, errors = run_jobs([_approve_job(e.pk, personas.coordinator.pk) for e in pending])

    assert errors == []
    assert Counter(results) == {Status.APPROVED: CAPACITY - ALREADY_APPROVED, Status.WAITLISTED: 17}
    statuses = Counter(Enrollment.objects.filter(pk__in=[e.pk for e in pending]).values_list("status", flat=True))
    assert statuses == {Status.APPROVED: 3, Status.WAITLISTED: 17}
    assert Enrollment.objects.filter(offering=offering, status=Status.WAITLISTED, waitlisted_at=None).count() == 0
    _assert_seats_consistent(offering)
    # Every decision told its trainee once, in the app and (after each commit) by e-mail.
    messages = list(Notification.objects.values_list("message", flat=True))
    assert sum("승인되었습니다" in m for m in messages) == 3
    assert sum("대기자로 등록" in m for m in messages) == 17
    assert len(mailoutbox) == THREADS


def test_parallel_applications_then_approvals_fill_exactly_the_free_seats(backend, personas):
    offering = _offering_with_seats_taken()
    trainees = TraineeFactory.create_batch(THREADS)

    results, errors = run_jobs([_apply_then_approve_job(offering.pk, t.pk, personas.coordinator.pk) for t in trainees])

    assert errors == []
    final = Counter(decided for _, decided in results)
    assert final == {Status.APPROVED: 3, Status.WAITLISTED: 17}
    # An application is waitlisted straight away only once the seats are gone: never before.
    assert {applied for applied, _ in results} <= {Status.PENDING, Status.WAITLISTED}
    rows = Counter(Enrollment.objects.filter(trainee__in=trainees).values_list("status", flat=True))
    assert rows == {Status.APPROVED: 3, Status.WAITLISTED: 17}
    assert Enrollment.objects.filter(trainee__in=trainees).count() == THREADS  # one row each
    _assert_seats_consistent(offering)


def test_parallel_approvals_and_cancellations_keep_the_count_exact(backend, personas):
    """Four approved trainees cancel while twenty approvals run: every freed seat is refilled."""
    offering = _offering_with_seats_taken()
    leaving = list(Enrollment.objects.filter(offering=offering, status=Status.APPROVED)[:4])
    pending = EnrollmentFactory.create_batch(THREADS, offering=offering)

    def cancel_job(enrollment_pk: int) -> Callable[[], str]:
        def job() -> str:
            enrollment = Enrollment.objects.select_related("trainee").get(pk=enrollment_pk)
            return enrollment_cancel(enrollment=enrollment, by=enrollment.trainee).status

        return job

    jobs = [_approve_job(e.pk, personas.coordinator.pk) for e in pending] + [cancel_job(e.pk) for e in leaving]
    _, errors = run_jobs(jobs)

    assert errors == []
    statuses = Counter(Enrollment.objects.filter(offering=offering).values_list("status", flat=True))
    assert statuses == {Status.APPROVED: CAPACITY, Status.WAITLISTED: 13, Status.CANCELLED: 4}
    _assert_seats_consistent(offering)
