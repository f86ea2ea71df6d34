"""Learning pages the audit found untested: progress reports and the quiz page, for someone neither
enrolled nor teaching, and for anonymous visitors. Denied requests record no progress."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from sanhak.common.tests.expected import login_redirect
from sanhak.enrollment.models import Enrollment
from sanhak.enrollment.services import enrollment_apply
from sanhak.learning import services
from sanhak.learning.models import Lesson, LessonProgress, QuizAttempt
from sanhak.learning.services import MAX_BEAT_SECONDS
from sanhak.learning.tests.factories import classroom_create

pytestmark = pytest.mark.django_db

OUTSIDERS = ["worker_b", "manager", "manager_b", "lab_manager"]


@pytest.fixture
def room(personas, catalog):
    return classroom_create(personas, catalog)


def progress_snapshot() -> list[tuple]:
    return sorted(
        LessonProgress.objects.values_list(
            "id", "lesson_id", "enrollment_id", "last_seen_at", "watched", "watched_seconds",
            "time_spent_seconds", "completed_at",
        )
    )  # fmt: skip


@pytest.fixture
def started(personas, room):
    """The student has opened the video: one progress row exists that a denied report must not touch."""
    enrollment = Enrollment.objects.get(offering=room.offering, trainee=personas.student)
    services.lesson_open(enrollment=enrollment, lesson=room.video)
    assert LessonProgress.objects.count() == 1
    return progress_snapshot()


def report(client, lesson: Lesson):
    return client.post(
        reverse("learning:lesson_progress", args=[lesson.pk]),
        data=json.dumps({"start": 0, "end": 6, "duration": 6}),
        content_type="application/json",
    )


# --- lesson progress ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", OUTSIDERS)
def test_lesson_progress_denied_to_an_outsider(client, personas, room, started, who):
    client.force_login(getattr(personas, who))
    response = report(client, room.video)
    assert response.status_code == 403
    assert progress_snapshot() == started
    room.video.refresh_from_db()
    assert room.video.duration_seconds == 6


def test_lesson_progress_denied_to_a_trainee_whose_application_is_pending(client, personas, room, started):
    enrollment_apply(offering=room.offering, trainee=personas.worker2)
    client.force_login(personas.worker2)
    assert report(client, room.video).status_code == 403
    assert progress_snapshot() == started


def test_lesson_progress_anonymous_redirects_to_login(client, personas, room, started):
    url = reverse("learning:lesson_progress", args=[room.video.pk])
    response = report(client, room.video)
    assert response.status_code == 302
    assert response["Location"] == login_redirect(url)
    assert progress_snapshot() == started


def test_lesson_progress_get_is_not_allowed(client, personas, room, started):
    client.force_login(personas.student)
    assert client.get(reverse("learning:lesson_progress", args=[room.video.pk])).status_code == 405
    assert progress_snapshot() == started


def test_lesson_progress_recorded_for_the_enrolled_trainee(client, personas, room, started):
    # Opened an hour ago: the report counts for the longest beat (MAX_BEAT_SECONDS), whatever the clock.
    LessonProgress.objects.update(last_seen_at=timezone.now() - dt.timedelta(hours=1))
    client.force_login(personas.student)
    response = report(client, room.video)
    assert response.status_code == 200
    assert response.json() == {"recorded": True, "watched_share": 1.0, "completed": True}
    row = LessonProgress.objects.get()
    assert (row.enrollment.trainee, row.lesson, row.watched, row.watched_seconds, row.time_spent_seconds) == (
        personas.student,
        room.video,
        [[0, 6]],
        6,
        MAX_BEAT_SECONDS,
    )
    assert row.completed_at is not None


# --- the quiz page ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", OUTSIDERS)
def test_quiz_page_denied_to_an_outsider(client, personas, room, who):
    client.force_login(getattr(personas, who))
    response = client.get(reverse("learning:quiz", args=[room.quiz.pk]))
    assert response.status_code == 403
    assert room.quiz.title not in response.content.decode()
    assert QuizAttempt.objects.count() == 0


def test_quiz_page_anonymous_redirects_to_login(client, personas, room):
    url = reverse("learning:quiz", args=[room.quiz.pk])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == login_redirect(url)
    assert QuizAttempt.objects.count() == 0


def test_quiz_page_for_the_enrolled_trainee_and_the_instructor(client, personas, room):
    for user in (personas.student, personas.instructor):
        client.force_login(user)
        response = client.get(reverse("learning:quiz", args=[room.quiz.pk]))
        assert response.status_code == 200
        assert "확인 퀴즈" in response.content.decode()
    assert QuizAttempt.objects.count() == 0
