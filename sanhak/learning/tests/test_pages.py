"""Every learning page for the allowed user and a denied one; the denied request changes nothing."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from sanhak.accounts.models import Role, RoleAssignment, TraineeProfile, User
from sanhak.common.models import PersonalDataAccess
from sanhak.enrollment.models import Enrollment
from sanhak.learning import services
from sanhak.learning.demo import sample_pdf
from sanhak.learning.models import (
    Attendance,
    AttendanceChange,
    Completion,
    CompletionOverride,
    Lesson,
    LessonProgress,
    Module,
    Question,
    Quiz,
    QuizAttempt,
)
from sanhak.learning.tests.factories import classroom_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def room(personas, catalog):  # type: ignore[no-untyped-def]
    return classroom_create(personas, catalog)


def as_user(client, user):  # type: ignore[no-untyped-def]
    client.force_login(user)
    return client


def enrollment_of(room, user) -> Enrollment:  # type: ignore[no-untyped-def]
    return Enrollment.objects.get(offering=room.offering, trainee=user)


# --- classroom and lessons ------------------------------------------------------------------------


def test_classroom_for_enrolled_trainee_and_staff(client, personas, room):
    page = as_user(client, personas.student).get(reverse("learning:classroom", args=[room.offering.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "과정 안내" in html and "로봇 셀 영상" in html and "확인 퀴즈" in html
    assert "0 / 2" in html  # required lessons done
    assert reverse("learning:progress", args=[room.offering.pk]) not in html
    staff = as_user(client, personas.instructor).get(reverse("learning:classroom", args=[room.offering.pk]))
    assert staff.status_code == 200
    assert reverse("learning:progress", args=[room.offering.pk]) in staff.content.decode()


def test_classroom_denied_to_someone_not_enrolled(client, personas, room):
    assert (
        as_user(client, personas.worker_b).get(reverse("learning:classroom", args=[room.offering.pk])).status_code
        == 403
    )
    assert client.get(reverse("learning:lesson", args=[room.text.pk])).status_code == 403
    assert LessonProgress.objects.count() == 0
    client.logout()
    anonymous = client.get(reverse("learning:classroom", args=[room.offering.pk]))
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]


def test_opening_a_lesson_starts_it_and_completing_text_marks_it(client, personas, room):
    as_user(client, personas.student)
    assert client.get(reverse("learning:lesson", args=[room.text.pk])).status_code == 200
    row = LessonProgress.objects.get(lesson=room.text)
    assert row.completed_at is None
    response = client.post(reverse("learning:lesson_complete", args=[room.text.pk]))
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.completed_at is not None


def test_staff_preview_records_no_progress(client, personas, room):
    as_user(client, personas.instructor)
    assert client.get(reverse("learning:lesson", args=[room.video.pk])).status_code == 200
    response = client.post(
        reverse("learning:lesson_progress", args=[room.video.pk]),
        data=json.dumps({"start": 0, "end": 3}),
        content_type="application/json",
    )
    assert response.json() == {"recorded": False}
    assert client.post(reverse("learning:lesson_complete", args=[room.text.pk])).status_code == 403
    assert LessonProgress.objects.count() == 0


def test_video_progress_endpoint(client, personas, room):
    as_user(client, personas.student)
    client.get(reverse("learning:lesson", args=[room.video.pk]))
    opened = timezone.now() - dt.timedelta(seconds=10)  # the first report comes while the video plays
    LessonProgress.objects.filter(lesson=room.video).update(last_seen_at=opened)
    url = reverse("learning:lesson_progress", args=[room.video.pk])
    response = client.post(url, data=json.dumps({"start": 0, "end": 3, "duration": 6}), content_type="application/json")
    assert response.json() == {"recorded": True, "watched_share": 0.5, "completed": False}
    bad = client.post(url, data="{not json", content_type="application/json")
    assert bad.status_code == 422
    assert bad.json()["code"] == "invalid"


def test_video_is_streamed_with_ranges_to_enrolled_trainees_only(client, personas, room):
    url = reverse("learning:lesson_media", args=[room.video.pk])
    size = room.video.file.size
    as_user(client, personas.student)
    whole = client.get(url)
    assert whole.status_code == 200
    assert whole["Accept-Ranges"] == "bytes"
    assert int(whole["Content-Length"]) == size
    body = b"".join(whole.streaming_content)
    part = client.get(url, HTTP_RANGE="bytes=100-199")
    assert part.status_code == 206
    assert part["Content-Range"] == f"bytes 100-199/{size}"
    assert b"".join(part.streaming_content) == body[100:200]
    tail = client.get(url, HTTP_RANGE="bytes=-10")
    assert tail["Content-Range"] == f"bytes {size - 10}-{size - 1}/{size}"
    assert b"".join(tail.streaming_content) == body[-10:]
    beyond = client.get(url, HTTP_RANGE=f"bytes={size}-")
    assert beyond.status_code == 416
    assert beyond["Content-Range"] == f"bytes */{size}"
    as_user(client, personas.worker_b)
    assert client.get(url).status_code == 403


def test_text_lesson_has_no_media(client, personas, room):
    as_user(client, personas.student)
    assert client.get(reverse("learning:lesson_media", args=[room.text.pk])).status_code == 404


# --- quizzes -------------------------------------------------------------------------------------------


def test_quiz_flow_for_a_trainee(client, personas, room):
    as_user(client, personas.student)
    assert client.get(reverse("learning:quiz", args=[room.quiz.pk])).status_code == 200
    start = client.post(reverse("learning:quiz_start", args=[room.quiz.pk]))
    attempt = QuizAttempt.objects.get()
    assert start["Location"] == reverse("learning:attempt", args=[attempt.pk])
    assert client.get(start["Location"]).status_code == 200
    correct = room.q1.choices.get(is_correct=True)
    client.post(start["Location"], {f"q{room.q1.pk}": str(correct.pk), f"q{room.q2.pk}": "m e s"})
    attempt.refresh_from_db()
    assert (attempt.score, attempt.max_score) == (2, 2)
    result = client.get(start["Location"]).content.decode()
    assert 'id="score">2 / 2<' in result


def test_quiz_denied_to_outsiders_and_attempts_private(client, personas, room):
    as_user(client, personas.student)
    client.post(reverse("learning:quiz_start", args=[room.quiz.pk]))
    attempt = QuizAttempt.objects.get()
    as_user(client, personas.worker_b)
    assert client.post(reverse("learning:quiz_start", args=[room.quiz.pk])).status_code == 403
    as_user(client, personas.worker)  # enrolled too, but not their attempt
    assert client.get(reverse("learning:attempt", args=[attempt.pk])).status_code == 404
    assert client.post(reverse("learning:attempt", args=[attempt.pk]), {}).status_code == 404
    attempt.refresh_from_db()
    assert attempt.submitted_at is None
    assert QuizAttempt.objects.count() == 1
    as_user(client, personas.instructor)  # staff may look, not submit
    assert client.get(reverse("learning:attempt", args=[attempt.pk])).status_code == 200
    assert client.post(reverse("learning:attempt", args=[attempt.pk]), {}).status_code == 403


def test_viewing_someone_elses_attempt_is_logged(client, personas, room):
    as_user(client, personas.student)
    client.post(reverse("learning:quiz_start", args=[room.quiz.pk]))
    attempt = QuizAttempt.objects.get()
    assert client.get(reverse("learning:attempt", args=[attempt.pk])).status_code == 200  # their own
    assert not PersonalDataAccess.objects.exists()
    as_user(client, personas.instructor)
    assert client.get(reverse("learning:attempt", args=[attempt.pk])).status_code == 200
    assert client.post(reverse("learning:attempt", args=[attempt.pk]), {}).status_code == 403  # nothing shown
    logged = PersonalDataAccess.objects.values_list("viewer_id", "purpose", "subject_ids")
    assert list(logged) == [(personas.instructor.pk, "quiz_attempt", [personas.student.pk])]


def test_gradebook_and_xlsx_for_staff_only(client, personas, room):
    enrollment = enrollment_of(room, personas.student)
    attempt = services.quiz_attempt_start(enrollment=enrollment, quiz=room.quiz)
    services.quiz_attempt_submit(attempt=attempt, answers={room.q2.pk: "MES"})
    as_user(client, personas.instructor)
    page = client.get(reverse("learning:gradebook", args=[room.offering.pk]))
    assert page.status_code == 200
    assert "50" in page.content.decode()
    xlsx = client.get(reverse("learning:gradebook", args=[room.offering.pk]) + "?format=xlsx")
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    from io import BytesIO

    from openpyxl import load_workbook

    rows = list(load_workbook(BytesIO(xlsx.content)).active.iter_rows(values_only=True))
    assert rows[0] == ("이름", "이메일", "확인 퀴즈", "퀴즈 평균")
    assert sorted(rows[1:]) == sorted(
        [
            (personas.student.name, personas.student.email, 50, 50),
            (personas.worker.name, personas.worker.email, None, 0),
        ]
    )
    trainees = sorted([personas.student.pk, personas.worker.pk])
    logged = PersonalDataAccess.objects.order_by("id").values_list("viewer_id", "purpose", "subject_ids")
    assert list(logged) == [
        (personas.instructor.pk, "gradebook", trainees),
        (personas.instructor.pk, "gradebook_xlsx", trainees),
    ]
    as_user(client, personas.student)
    assert client.get(reverse("learning:gradebook", args=[room.offering.pk])).status_code == 403
    assert PersonalDataAccess.objects.count() == 2


# --- progress table ----------------------------------------------------------------------------------


def test_progress_table_for_staff_and_the_company_manager(client, personas, room):
    services.lesson_complete(enrollment=enrollment_of(room, personas.worker), lesson=room.text)
    as_user(client, personas.coordinator)
    page = client.get(reverse("learning:progress", args=[room.offering.pk])).content.decode()
    assert personas.student.name in page and personas.worker.name in page
    as_user(client, personas.manager)  # the worker's employer: their worker only
    mine = client.get(reverse("learning:progress", args=[room.offering.pk]))
    assert mine.status_code == 200
    html = mine.content.decode()
    assert personas.worker.name in html and personas.student.name not in html
    assert "1 / 2" in html
    access = PersonalDataAccess.objects.filter(purpose="learning_progress").first()
    assert access is not None and access.subject_ids == [personas.worker.pk]


def test_progress_table_denied(client, personas, room):
    as_user(client, personas.manager_b)  # none of their workers take it
    assert client.get(reverse("learning:progress", args=[room.offering.pk])).status_code == 403
    as_user(client, personas.student)
    assert client.get(reverse("learning:progress", args=[room.offering.pk])).status_code == 403
    assert not PersonalDataAccess.objects.filter(purpose="learning_progress").exists()


def test_progress_table_query_count_does_not_grow(client, personas, room):
    as_user(client, personas.coordinator)
    url = reverse("learning:progress", args=[room.offering.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    room.offering.capacity = 40
    room.offering.save(update_fields=["capacity"])
    for i in range(12):
        user = User.objects.create(email=f"t{i}@example.test", name=f"교육생{i}")
        RoleAssignment.objects.create(user=user, role=Role.TRAINEE)
        TraineeProfile.objects.create(user=user, kind=TraineeProfile.Kind.UNDERGRADUATE)
        enrollment = Enrollment.objects.create(offering=room.offering, trainee=user, status="approved")
        services.lesson_complete(enrollment=enrollment, lesson=room.text)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


# --- attendance ------------------------------------------------------------------------------------------


def test_qr_page_for_the_instructor_and_check_in_by_a_trainee(client, personas, room):
    as_user(client, personas.instructor)
    page = client.get(reverse("learning:session_qr", args=[room.session.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html
    token, _seconds = services.attendance_current_token(room.session)
    checkin = reverse("learning:checkin", args=[room.session.pk, token])
    assert checkin in html
    fragment = client.get(reverse("learning:session_qr", args=[room.session.pk]), HTTP_HX_REQUEST="true")
    assert "<html" not in fragment.content.decode() and "<svg" in fragment.content.decode()
    as_user(client, personas.student)
    assert client.get(checkin).status_code == 200
    client.post(checkin)
    record = Attendance.objects.get()
    assert (record.enrollment.trainee, record.status, record.method) == (personas.student, "present", "qr")


def test_qr_page_denied_to_trainees_and_a_bad_code_checks_nobody_in(client, personas, room):
    as_user(client, personas.student)
    assert client.get(reverse("learning:session_qr", args=[room.session.pk])).status_code == 403
    response = client.post(reverse("learning:checkin", args=[room.session.pk, "aaaaaaaaaaaaaaaa"]))
    assert "QR 코드가 만료되었거나 올바르지 않습니다" in response.content.decode()
    as_user(client, personas.worker_b)  # a valid code, but not enrolled
    token, _seconds = services.attendance_current_token(room.session)
    client.post(reverse("learning:checkin", args=[room.session.pk, token]))
    assert Attendance.objects.count() == 0


def test_manual_marking_with_audit_trail(client, personas, room):
    student = enrollment_of(room, personas.student)
    url = reverse("learning:attendance", args=[room.session.pk])
    as_user(client, personas.instructor)
    assert client.get(url).status_code == 200
    client.post(url, {f"status_{student.pk}": "absent"})
    client.post(url, {f"status_{student.pk}": "excused"})  # no reason: refused
    assert Attendance.objects.get(enrollment=student).status == "absent"
    client.post(url, {f"status_{student.pk}": "excused", f"reason_{student.pk}": "예비군 훈련"})
    assert Attendance.objects.get(enrollment=student).status == "excused"
    trail = list(
        AttendanceChange.objects.order_by("id").values_list("old_status", "new_status", "reason", "changed_by")
    )
    assert trail == [
        ("", "absent", "", personas.instructor.pk),
        ("absent", "excused", "예비군 훈련", personas.instructor.pk),
    ]
    page = client.get(url).content.decode()
    assert "예비군 훈련" in page


def test_manual_marking_denied_to_trainees(client, personas, room):
    student = enrollment_of(room, personas.student)
    as_user(client, personas.student)
    url = reverse("learning:attendance", args=[room.session.pk])
    assert client.post(url, {f"status_{student.pk}": "present"}).status_code == 403
    assert Attendance.objects.count() == 0


# --- authoring ---------------------------------------------------------------------------------------------


def test_instructor_builds_the_course(client, personas, room):
    url = reverse("learning:manage", args=[room.offering.pk])
    as_user(client, personas.instructor)
    assert client.get(url).status_code == 200
    client.post(url, {"action": "module", "module-title": "2주차"})
    module = Module.objects.get(title="2주차")
    client.post(
        url,
        {
            "action": "lesson",
            "lesson-module": module.pk,
            "lesson-title": "점검표",
            "lesson-kind": "document",
            "lesson-file": sample_pdf(),
            "lesson-required": "on",
        },
    )
    assert Lesson.objects.get(title="점검표").kind == "document"
    response = client.post(url, {"action": "quiz", "quiz-title": "2주차 퀴즈", "quiz-max_attempts": 1})
    quiz = Quiz.objects.get(title="2주차 퀴즈")
    assert response["Location"] == reverse("learning:quiz_edit", args=[quiz.pk])
    client.post(
        reverse("learning:quiz_edit", args=[quiz.pk]),
        {"text": "PLC의 뜻은?", "points": 2, "choices": "*프로그래머블 로직 컨트롤러\n개인용 컴퓨터"},
    )
    question = Question.objects.get(quiz=quiz)
    assert [(c.text, c.is_correct) for c in question.choices.all()] == [
        ("프로그래머블 로직 컨트롤러", True),
        ("개인용 컴퓨터", False),
    ]
    # Instructors do not set completion rules; coordinators do.
    assert client.post(url, {"action": "rule", "rule-min_attendance_percent": 50}).status_code == 403
    as_user(client, personas.coordinator)
    client.post(
        url,
        {
            "action": "rule",
            "rule-min_attendance_percent": 70,
            "rule-min_quiz_average": "",
            "rule-require_all_lessons": "on",
        },
    )
    rule = services.completion_rule_for(room.offering)
    assert (rule.min_attendance_percent, rule.min_quiz_average, rule.require_all_lessons) == (70, None, True)


def test_authoring_denied_to_trainees(client, personas, room):
    as_user(client, personas.student)
    url = reverse("learning:manage", args=[room.offering.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"action": "module", "module-title": "몰래"}).status_code == 403
    assert (
        client.post(
            reverse("learning:quiz_edit", args=[room.quiz.pk]), {"text": "?", "points": 1, "choices": "*a\nb"}
        ).status_code
        == 403
    )
    assert not Module.objects.filter(title="몰래").exists()
    assert Question.objects.filter(quiz=room.quiz).count() == 2


# --- completion ----------------------------------------------------------------------------------------------


def _end(room) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt

    type(room.offering).objects.filter(pk=room.offering.pk).update(
        end_date=room.offering.end_date - dt.timedelta(days=1)
    )
    room.offering.refresh_from_db()


def test_coordinator_decides_overrides_and_revokes(client, personas, room):
    student = enrollment_of(room, personas.student)
    for lesson in (room.text, room.video):
        LessonProgress.objects.create(lesson=lesson, enrollment=student, completed_at="2026-11-01T10:00:00+09:00")
    attempt = services.quiz_attempt_start(enrollment=student, quiz=room.quiz)
    services.quiz_attempt_submit(
        attempt=attempt, answers={room.q2.pk: "MES", room.q1.pk: str(room.q1.choices.get(is_correct=True).pk)}
    )
    url = reverse("learning:completion", args=[room.offering.pk])
    as_user(client, personas.coordinator)
    client.post(url)  # not ended yet
    assert Completion.objects.count() == 0
    _end(room)
    client.post(url)
    passed = Completion.objects.get(enrollment=student)
    failed = Completion.objects.get(enrollment__trainee=personas.worker)
    assert (passed.passed, failed.passed) == (True, False)
    assert passed.credential is not None and failed.credential is None
    page = client.get(url).content.decode()
    assert passed.credential.certificate_number in page
    client.post(reverse("learning:override", args=[failed.pk]), {"passed": "1", "reason": "보충 과제 제출"})
    failed.refresh_from_db()
    assert failed.passed is True and failed.credential is not None
    assert CompletionOverride.objects.get().reason == "보충 과제 제출"
    client.post(reverse("credentials:revoke", args=[failed.credential.pk]), {"reason": "부정 응시 확인"})
    failed.credential.status_entry.refresh_from_db()
    assert failed.credential.status_entry.revoked is True


def test_completion_actions_denied_to_instructor_and_trainee(client, personas, room):
    _end(room)
    as_user(client, personas.instructor)
    url = reverse("learning:completion", args=[room.offering.pk])
    assert client.get(url).status_code == 200  # instructors see the decisions
    assert client.post(url).status_code == 403
    assert Completion.objects.count() == 0
    services.completions_decide(offering=room.offering)
    completion = Completion.objects.get(enrollment__trainee=personas.worker)
    assert (
        client.post(reverse("learning:override", args=[completion.pk]), {"passed": "1", "reason": "x"}).status_code
        == 403
    )
    as_user(client, personas.student)
    assert client.get(url).status_code == 403
    completion.refresh_from_db()
    assert completion.passed is False and not CompletionOverride.objects.exists()
