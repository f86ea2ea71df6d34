"""Learning forms given extreme input answer with a clear refusal and save nothing, never a 500 (what
submitting every form on PostgreSQL with extreme values found)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from sanhak.enrollment.models import Enrollment
from sanhak.learning import services
from sanhak.learning.models import (
    Answer,
    Attendance,
    AttendanceChange,
    Choice,
    Completion,
    CompletionOverride,
    Lesson,
    LessonProgress,
    Question,
    QuizAttempt,
)
from sanhak.learning.tests.factories import classroom_create

pytestmark = pytest.mark.django_db

CHOICE_TOO_LONG = "보기는 한 줄에 300자까지입니다. / Each choice can be at most 300 characters."
ANSWER_LINE_TOO_LONG = "정답은 한 줄에 300자까지입니다. / Each accepted answer can be at most 300 characters."
ANSWER_TOO_LONG = "답은 300자까지 입력할 수 있습니다. / An answer can be at most 300 characters."
REASON_TOO_LONG = "사유는 300자까지 입력할 수 있습니다. / A reason can be at most 300 characters."
DJANGO_TOO_LONG_300 = "이 값이 최대 300 개의 글자인지 확인하세요(입력값 301 자)."


@pytest.fixture
def room(personas, catalog):  # type: ignore[no-untyped-def]
    return classroom_create(personas, catalog)


def _student(room, personas) -> Enrollment:  # type: ignore[no-untyped-def]
    return Enrollment.objects.get(offering=room.offering, trainee=personas.student)


# --- authoring ---------------------------------------------------------------------------------------------


def test_a_choice_longer_than_300_characters_is_a_form_error(client, personas, room):
    client.force_login(personas.instructor)
    url = reverse("learning:quiz_edit", args=[room.quiz.pk])
    before = (Question.objects.count(), Choice.objects.count())
    response = client.post(url, {"text": "긴 보기", "points": 1, "choices": "*" + "가" * 301 + "\n짧은 보기"})
    assert response.status_code == 200
    assert CHOICE_TOO_LONG in response.content.decode()
    assert (Question.objects.count(), Choice.objects.count()) == before
    # Exactly 300 characters (the correct-answer star and spaces aside) is fine.
    response = client.post(url, {"text": "긴 보기", "points": 1, "choices": "* " + "가" * 300 + "\n짧은 보기"})
    assert response.status_code == 302
    assert Choice.objects.filter(text="가" * 300, is_correct=True).exists()


def test_an_accepted_answer_longer_than_an_answer_is_kept_is_a_form_error(client, personas, room):
    client.force_login(personas.instructor)
    before = Question.objects.count()
    response = client.post(
        reverse("learning:quiz_edit", args=[room.quiz.pk]),
        {"text": "단답", "points": 1, "accepted_answers": "MES\n" + "a" * 301},
    )
    assert response.status_code == 200
    assert ANSWER_LINE_TOO_LONG in response.content.decode()
    assert Question.objects.count() == before


@pytest.mark.parametrize("seconds", [str(10**20), "86401", "-1"])
def test_a_lesson_duration_out_of_range_is_a_form_error(client, personas, room, seconds):
    client.force_login(personas.instructor)
    before = Lesson.objects.count()
    response = client.post(
        reverse("learning:manage", args=[room.offering.pk]),
        {
            "action": "lesson",
            "lesson-module": room.module.pk,
            "lesson-title": "긴 영상",
            "lesson-kind": "text",
            "lesson-body": "<p>본문</p>",
            "lesson-duration_seconds": seconds,
        },
    )
    assert response.status_code == 200
    assert Lesson.objects.count() == before
    assert response.context["forms"]["lesson"].has_error("duration_seconds")


def test_a_lesson_of_24_hours_is_accepted(client, personas, room):
    client.force_login(personas.instructor)
    response = client.post(
        reverse("learning:manage", args=[room.offering.pk]),
        {
            "action": "lesson",
            "lesson-module": room.module.pk,
            "lesson-title": "하루 종일",
            "lesson-kind": "text",
            "lesson-body": "<p>본문</p>",
            "lesson-duration_seconds": "86400",
        },
    )
    assert response.status_code == 302
    assert Lesson.objects.get(title="하루 종일").duration_seconds == 86400


# --- progress reports ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        '{"start": 0, "end": ' + "9" * 400 + "}",
        '{"start": ' + "9" * 400 + ', "end": 1}',
        '{"start": 0, "end": 1, "duration": ' + "9" * 400 + "}",
        "[" * 100_000 + "]" * 100_000,
    ],
)
def test_a_progress_report_with_numbers_too_large_is_malformed(client, personas, room, body):
    client.force_login(personas.student)
    client.get(reverse("learning:lesson", args=[room.video.pk]))
    response = client.post(
        reverse("learning:lesson_progress", args=[room.video.pk]), data=body, content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json() == {"code": "invalid", "message": "잘못된 진도 보고입니다. / Malformed progress report."}
    row = LessonProgress.objects.get(lesson=room.video)
    assert (row.watched, row.watched_seconds) == ([], 0)


# --- quiz answers ----------------------------------------------------------------------------------------------


def test_a_short_answer_too_long_is_refused_and_the_attempt_stays_open(client, personas, room):
    client.force_login(personas.student)
    client.post(reverse("learning:quiz_start", args=[room.quiz.pk]))
    attempt = QuizAttempt.objects.get()
    url = reverse("learning:attempt", args=[attempt.pk])
    correct = room.q1.choices.get(is_correct=True)
    response = client.post(url, {f"q{room.q1.pk}": str(correct.pk), f"q{room.q2.pk}": "M" * 301}, follow=True)
    assert response.status_code == 200
    assert ANSWER_TOO_LONG in response.content.decode()
    attempt.refresh_from_db()
    assert attempt.submitted_at is None and not Answer.objects.exists()
    # Within the limit it is graded as before.
    client.post(url, {f"q{room.q1.pk}": str(correct.pk), f"q{room.q2.pk}": " mes "})
    attempt.refresh_from_db()
    assert (attempt.score, attempt.max_score) == (2, 2)


# --- attendance ------------------------------------------------------------------------------------------------


def test_an_attendance_reason_too_long_is_refused_not_cut(client, personas, room):
    student = _student(room, personas)
    services.attendance_mark(session=room.session, enrollment=student, status="absent", by=personas.instructor)
    url = reverse("learning:attendance", args=[room.session.pk])
    client.force_login(personas.instructor)
    response = client.post(url, {f"status_{student.pk}": "excused", f"reason_{student.pk}": "가" * 301}, follow=True)
    assert response.status_code == 200
    assert f"{personas.student.name}: {REASON_TOO_LONG}" in response.content.decode()
    assert Attendance.objects.get(enrollment=student).status == "absent"
    assert AttendanceChange.objects.count() == 1
    # 300 characters are kept whole.
    client.post(url, {f"status_{student.pk}": "excused", f"reason_{student.pk}": "가" * 300})
    assert Attendance.objects.get(enrollment=student).status == "excused"
    assert AttendanceChange.objects.latest("id").reason == "가" * 300


def test_attendance_mark_refuses_a_long_reason(personas, room):
    student = _student(room, personas)
    services.attendance_mark(session=room.session, enrollment=student, status="absent", by=personas.instructor)
    with pytest.raises(services.DomainError) as caught:
        services.attendance_mark(
            session=room.session, enrollment=student, status="late", by=personas.instructor, reason="x" * 301
        )
    assert (caught.value.code, caught.value.message) == ("too_long", REASON_TOO_LONG)


# --- completion override ---------------------------------------------------------------------------------------


def _decided(room, personas) -> Completion:  # type: ignore[no-untyped-def]
    """The offering ended yesterday and was decided: the student (no lessons, no quiz) did not pass."""
    type(room.offering).objects.filter(pk=room.offering.pk).update(
        end_date=room.offering.end_date - dt.timedelta(days=1)
    )
    room.offering.refresh_from_db()
    services.completions_decide(offering=room.offering)
    return Completion.objects.get(enrollment__trainee=personas.student)


@pytest.mark.parametrize(
    ("reason", "told"),
    [
        ("가" * 301, DJANGO_TOO_LONG_300),
        (
            "주민번호 900101-1234567",
            "주민등록번호는 입력할 수 없습니다. / Do not enter a resident registration number.",
        ),
        ("", "판정과 사유를 입력하세요. / Choose a decision and give a reason."),
    ],
)
def test_an_override_reason_refused_says_why(client, personas, room, reason, told):
    completion = _decided(room, personas)
    assert completion.passed is False
    client.force_login(personas.coordinator)
    response = client.post(reverse("learning:override", args=[completion.pk]), {"passed": "1", "reason": reason})
    assert response.status_code == 302
    body = client.get(response["Location"]).content.decode()
    assert told in body
    if told != "판정과 사유를 입력하세요. / Choose a decision and give a reason.":
        assert "판정과 사유를 입력하세요" not in body
    completion.refresh_from_db()
    assert completion.passed is False and not CompletionOverride.objects.exists()
