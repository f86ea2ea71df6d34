"""Learning fixtures: approved trainees of the catalog's robot offering (4 evening sessions), and
helpers that set the scene through the services with explicit times."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from sanhak.accounts.models import User
from sanhak.common.factories import EnrollmentFactory
from sanhak.courses.models import Offering, Session
from sanhak.enrollment.models import Enrollment, Status
from sanhak.learning import services
from sanhak.learning.models import Lesson, LessonProgress, Module, Quiz, QuizAttempt

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def at(day: dt.date, hour: int, minute: int = 0, second: int = 0) -> dt.datetime:
    """An aware datetime in Korean time."""
    return dt.datetime.combine(day, dt.time(hour, minute, second), tzinfo=timezone.get_current_timezone())


def enrol(offering: Offering, trainee: User, status: str = Status.APPROVED) -> Enrollment:
    """An enrollment row as the enrollment services leave it (an approved one takes a seat)."""
    return EnrollmentFactory(offering=offering, trainee=trainee, status=status)


def sessions(offering: Offering) -> list[Session]:
    return list(offering.sessions.order_by("date", "start_time"))


def start_of(session: Session) -> dt.datetime:
    return services.session_window(session)[0]


def video(name: str = "intro.mp4", content_type: str = "video/mp4") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 32, content_type=content_type)


def pdf(name: str = "notes.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def opened(enrollment: Enrollment, lesson: Lesson, when: dt.datetime) -> LessonProgress:
    """The trainee opened the lesson at `when` (the baseline of the first progress report)."""
    row = services.lesson_open(enrollment=enrollment, lesson=lesson)
    LessonProgress.objects.filter(pk=row.pk).update(last_seen_at=when)
    row.refresh_from_db()
    return row


def watch(enrollment: Enrollment, lesson: Lesson, seconds: int, when: dt.datetime, step: int = 10) -> LessonProgress:
    """Play the first `seconds` of a video in real time, reporting every `step` seconds from `when`."""
    row = opened(enrollment, lesson, when)
    for position in range(0, seconds, step):
        end = min(position + step, seconds)
        row = services.lesson_progress_record(
            enrollment=enrollment, lesson=lesson, start=position, end=end, now=when + dt.timedelta(seconds=end)
        )
    return row


def take(enrollment: Enrollment, quiz: Quiz, correct: int, when: dt.datetime | None = None) -> QuizAttempt:
    """Start an attempt and answer its first `correct` planned questions right, the rest wrong."""
    when = when or timezone.now()
    attempt = services.quiz_attempt_start(enrollment=enrollment, quiz=quiz, now=when)
    answers: dict[int, str] = {}
    for i, item in enumerate(attempt.plan):
        question = quiz.questions.get(pk=item["q"])
        right = i < correct
        if question.kind == "choice":
            choice = question.choices.filter(is_correct=right).first()
            answers[question.pk] = str(choice.pk) if choice else ""
        else:
            answers[question.pk] = question.accepted_answers.splitlines()[0] if right else "오답"
    return services.quiz_attempt_submit(attempt=attempt, answers=answers, now=when + dt.timedelta(minutes=1))


@pytest.fixture
def robot(catalog: Any, personas: Any) -> SimpleNamespace:
    """The robot offering with its three seats taken by approved trainees, and a module."""
    offering = catalog.robot_offering
    module = services.module_create(offering=offering, title="1주차 로봇 안전")
    return SimpleNamespace(
        offering=offering,
        module=module,
        sessions=sessions(offering),
        worker=enrol(offering, personas.worker),
        worker2=enrol(offering, personas.worker2),
        student=enrol(offering, personas.student),
    )


@pytest.fixture
def make_lesson(robot: SimpleNamespace) -> Callable[..., Lesson]:
    def make(kind: str = "text", module: Module | None = None, **kwargs: Any) -> Lesson:
        module = module or robot.module
        title = kwargs.pop("title", f"{kind} 차시")
        if kind == "text":
            kwargs.setdefault("body", "<p>본문</p>")
        elif kind == "video":
            kwargs.setdefault("file", video())
        elif kind == "document":
            kwargs.setdefault("file", pdf())
        return services.lesson_create(module=module, title=title, kind=kind, **kwargs)

    return make
