"""No double rows under real concurrency: many threads, each with its own database connection, doing
the same thing for the same trainee at the same moment (two tabs, a double tap on a phone).

quiz_attempt_start and attendance_check_in queue on the enrollment's row lock, so the first creates
the row and the others find it; the decision at the end of an offering queues on the offering's.

PostgreSQL only (SQLite serialises whole transactions, so there is no race to test there):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sanhak_learning_cc pytest sanhak/learning/tests/test_concurrency.py
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

import pytest
from django.db import connection

from sanhak.accounts.models import User
from sanhak.common.concurrency import run_at_once
from sanhak.courses.models import Offering, Session
from sanhak.enrollment.models import Enrollment
from sanhak.learning import services
from sanhak.learning.models import (
    Attendance,
    AttendanceChange,
    Completion,
    Lesson,
    LessonProgress,
    Quiz,
    QuizAttempt,
)
from sanhak.learning.tests.conftest import at, start_of

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason=f"row locks under real concurrency; this run uses {connection.vendor} (set DATABASE_URL to run it)",
    ),
    # Transactional: the threads must see committed rows.
    pytest.mark.django_db(transaction=True),
]

THREADS = 10


def kinds(outcomes: list[Any]) -> Counter[str]:
    return Counter(type(o).__name__ for o in outcomes)


def start_job(enrollment_pk: int, quiz_pk: int) -> Any:
    def job() -> QuizAttempt:
        enrollment = Enrollment.objects.get(pk=enrollment_pk)
        quiz = Quiz.objects.get(pk=quiz_pk)
        return services.quiz_attempt_start(enrollment=enrollment, quiz=quiz)

    return job


def test_parallel_quiz_starts_make_one_attempt(robot):
    quiz = services.quiz_create(offering=robot.offering, title="동시 응시", max_attempts=2)
    services.question_add(quiz=quiz, text="문항", choices=[("맞음", True), ("틀림", False)])
    services.question_add(quiz=quiz, text="단답", accepted_answers=["서보"])

    outcomes = run_at_once([start_job(robot.worker.pk, quiz.pk) for _ in range(THREADS)])

    assert kinds(outcomes) == {"QuizAttempt": THREADS}
    assert {a.pk for a in outcomes} == {outcomes[0].pk}
    assert list(QuizAttempt.objects.values_list("number", "submitted_at")) == [(1, None)]

    services.quiz_attempt_submit(attempt=outcomes[0], answers={})
    outcomes = run_at_once([start_job(robot.worker.pk, quiz.pk) for _ in range(THREADS)])

    assert kinds(outcomes) == {"QuizAttempt": THREADS}
    assert {(a.pk, a.number) for a in outcomes} == {(outcomes[0].pk, 2)}
    assert QuizAttempt.objects.count() == 2

    # Both attempts used: every one of ten more is refused, and nothing is created.
    services.quiz_attempt_submit(attempt=outcomes[0], answers={})
    outcomes = run_at_once([start_job(robot.worker.pk, quiz.pk) for _ in range(THREADS)])
    assert kinds(outcomes) == {"ConflictError": THREADS}
    assert QuizAttempt.objects.count() == 2


def test_parallel_check_ins_make_one_record(robot, personas):
    session = robot.sessions[0]
    now = start_of(session) + dt.timedelta(seconds=61)
    token = services.attendance_token(session, int(now.timestamp()) // 30)

    def job() -> Attendance:
        return services.attendance_check_in(
            session=Session.objects.get(pk=session.pk),
            user=User.objects.get(pk=personas.worker.pk),
            token=token,
            now=now,
        )

    outcomes = run_at_once([job for _ in range(THREADS)])

    assert kinds(outcomes) == {"Attendance": THREADS}
    assert {a.pk for a in outcomes} == {outcomes[0].pk}
    assert list(Attendance.objects.values_list("enrollment", "status", "method", "checked_in_at")) == [
        (robot.worker.pk, "present", "qr", now)
    ]
    assert list(AttendanceChange.objects.values_list("old_status", "new_status", "changed_by")) == [
        ("", "present", personas.worker.pk)
    ]


def test_parallel_first_progress_reports_make_one_row(robot, make_lesson):
    lesson = make_lesson("video", duration_seconds=600)

    def job() -> LessonProgress:
        return services.lesson_progress_record(
            enrollment=Enrollment.objects.get(pk=robot.worker.pk),
            lesson=Lesson.objects.get(pk=lesson.pk),
            start=0,
            end=5,
        )

    outcomes = run_at_once([job for _ in range(THREADS)])

    assert kinds(outcomes) == {"LessonProgress": THREADS}
    # One row; no playback is credited, since no time passed between opening and reporting.
    assert list(LessonProgress.objects.values_list("enrollment", "lesson", "watched")) == [
        (robot.worker.pk, lesson.pk, [])
    ]


def test_parallel_decisions_decide_each_enrollment_once(robot, personas):
    offering = robot.offering
    for session in robot.sessions:
        services.attendance_mark(session=session, enrollment=robot.worker, status="present", by=personas.instructor)
    now = at(offering.end_date + dt.timedelta(days=1), 6)

    def job() -> list[Completion]:
        return services.completions_decide(offering=Offering.objects.get(pk=offering.pk), now=now)

    outcomes = run_at_once([job for _ in range(THREADS)])

    assert kinds(outcomes) == {"list": THREADS}
    assert sorted(len(o) for o in outcomes) == [0] * (THREADS - 1) + [3]
    assert sorted(Completion.objects.values_list("enrollment", "passed")) == sorted(
        [(robot.worker.pk, True), (robot.worker2.pk, False), (robot.student.pk, False)]
    )
    assert Completion.objects.exclude(credential=None).count() == 1


def test_parallel_check_ins_and_manual_marks_make_one_record(robot, personas):
    """The instructor marks the roster while the trainee scans the code: one record, whoever is first;
    the others change it (a check-in after "absent") or are told a reason is needed, never a 500."""
    session = robot.sessions[0]
    now = start_of(session) + dt.timedelta(seconds=61)
    token = services.attendance_token(session, int(now.timestamp()) // 30)

    def check_in() -> Attendance:
        return services.attendance_check_in(
            session=Session.objects.get(pk=session.pk),
            user=User.objects.get(pk=personas.worker.pk),
            token=token,
            now=now,
        )

    def mark() -> Attendance:
        return services.attendance_mark(
            session=Session.objects.get(pk=session.pk),
            enrollment=Enrollment.objects.get(pk=robot.worker.pk),
            status="absent",
            by=User.objects.get(pk=personas.instructor.pk),
        )

    outcomes = run_at_once([check_in, mark] * (THREADS // 2))

    assert set(kinds(outcomes)) <= {"Attendance", "DomainError"}
    assert {o.code for o in outcomes if not isinstance(o, Attendance)} <= {"reason_required"}
    assert Attendance.objects.count() == 1
    record = Attendance.objects.get()
    changes = list(AttendanceChange.objects.order_by("pk").values_list("old_status", "new_status"))
    # Either the check-in came first (present; the marks then need a reason), or a mark did (absent,
    # then the first check-in made it present; the later marks need a reason).
    assert changes in ([("", "present")], [("", "absent"), ("absent", "present")])
    assert record.status == "present"


def test_parallel_submits_grade_once(robot):
    quiz = services.quiz_create(offering=robot.offering, title="동시 제출")
    question = services.question_add(quiz=quiz, text="문항", choices=[("맞음", True), ("틀림", False)], points=4)
    attempt = services.quiz_attempt_start(enrollment=robot.worker, quiz=quiz)
    right = str(question.choices.get(is_correct=True).pk)

    def job() -> QuizAttempt:
        return services.quiz_attempt_submit(
            attempt=QuizAttempt.objects.get(pk=attempt.pk), answers={question.pk: right}
        )

    outcomes = run_at_once([job for _ in range(THREADS)])

    assert kinds(outcomes) == {"QuizAttempt": 1, "ConflictError": THREADS - 1}
    attempt.refresh_from_db()
    assert (attempt.score, attempt.max_score, attempt.answers.count()) == (4, 4, 1)
