"""selectors.offering_figures: attendance (excused left out, only sessions held), quiz averages (best
attempt, untaken = 0, non-counting quizzes ignored), required lessons, and a fixed number of queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sanhak.common.factories import EnrollmentFactory, OfferingFactory, SessionFactory, TraineeFactory
from sanhak.enrollment.models import Status
from sanhak.learning import selectors, services
from sanhak.learning.models import Attendance, Lesson, LessonProgress, Quiz, QuizAttempt
from sanhak.learning.tests.conftest import at, enrol, pdf, start_of, take, video, watch

pytestmark = pytest.mark.django_db

T0 = at(dt.date(2026, 3, 2), 10)


def mc_quiz(offering, title, questions=2, **kwargs):
    quiz = services.quiz_create(offering=offering, title=title, max_attempts=3, **kwargs)
    for n in range(questions):
        services.question_add(quiz=quiz, text=f"{title} {n + 1}", choices=[("맞음", True), ("틀림", False)])
    return quiz


@pytest.fixture
def scene(robot, make_lesson, personas):
    """The robot offering with three lessons (two required), three quizzes (one not counting), and
    the three trainees' records."""
    text = make_lesson("text")
    clip = make_lesson("video", duration_seconds=100)
    handout = make_lesson("document", required=False)
    qa = mc_quiz(robot.offering, "A")
    qb = mc_quiz(robot.offering, "B")
    qc = mc_quiz(robot.offering, "C", questions=1, counts_toward_completion=False)
    s0, s1, s2, s3 = robot.sessions
    mark = services.attendance_mark
    by = personas.instructor
    # worker: present, late, excused, absent; the text and the handout read, half the video; quiz A 50 then 100.
    for session, status in ((s0, "present"), (s1, "late"), (s2, "excused"), (s3, "absent")):
        mark(session=session, enrollment=robot.worker, status=status, by=by)
    services.lesson_complete(enrollment=robot.worker, lesson=text)
    services.lesson_complete(enrollment=robot.worker, lesson=handout)
    watch(robot.worker, clip, 50, T0)
    take(robot.worker, qa, 1)
    take(robot.worker, qa, 2)
    take(robot.worker, qc, 1)
    # worker2: nothing recorded but an unfinished attempt.
    services.quiz_attempt_start(enrollment=robot.worker2, quiz=qa)
    # student: every session excused; the whole video; quiz A 100, quiz B 0, quiz C 0.
    for session in robot.sessions:
        mark(session=session, enrollment=robot.student, status="excused", by=by)
    watch(robot.student, clip, 100, T0)
    take(robot.student, qa, 2)
    take(robot.student, qb, 0)
    take(robot.student, qc, 0)
    return robot, (text, clip, handout), (qa, qb, qc)


def row(fig):
    return {
        "lessons": (fig.lessons_done, fig.lessons_required, fig.lessons_percent, sorted(fig.completed_lessons)),
        "video": fig.video_share,
        "time": fig.time_spent_seconds,
        "quiz": (fig.quiz_best, fig.attempts_used, fig.quiz_average),
        "attendance": (
            fig.present,
            fig.late,
            fig.absent,
            fig.excused,
            fig.sessions_counted,
            None if fig.attendance_percent is None else round(fig.attendance_percent, 4),
        ),
    }


def test_figures_after_the_last_session(scene):
    robot, (text, clip, handout), (qa, qb, qc) = scene
    end = services.session_window(robot.sessions[-1])[1]
    figures = selectors.offering_figures(robot.offering, until=end, per_lesson=True)
    assert list(figures) == [robot.worker.pk, robot.worker2.pk, robot.student.pk]  # by name: 오재직, 윤현장, 이학생
    assert row(figures[robot.worker.pk]) == {
        "lessons": (1, 2, 50.0, sorted([text.pk, handout.pk])),
        "video": {clip.pk: 0.5},
        "time": 50,
        "quiz": ({qa.pk: 100.0, qb.pk: None}, {qa.pk: 2, qc.pk: 1}, 50.0),
        "attendance": (1, 1, 1, 1, 4, round(200 / 3, 4)),  # (present + late) / (4 - excused)
    }
    assert row(figures[robot.worker2.pk]) == {
        "lessons": (0, 2, 0.0, []),
        "video": {},
        "time": 0,
        "quiz": ({qa.pk: None, qb.pk: None}, {}, 0.0),
        "attendance": (0, 0, 4, 0, 4, 0.0),
    }
    assert row(figures[robot.student.pk]) == {
        "lessons": (1, 2, 50.0, [clip.pk]),
        "video": {clip.pk: 1.0},
        "time": 100,
        "quiz": ({qa.pk: 100.0, qb.pk: 0.0}, {qa.pk: 1, qb.pk: 1, qc.pk: 1}, 50.0),
        "attendance": (0, 0, 0, 4, 4, None),  # all excused: nothing to count
    }
    last = LessonProgress.objects.filter(enrollment=robot.worker).order_by("-last_seen_at").first()
    assert figures[robot.worker.pk].last_seen_at == last.last_seen_at
    assert figures[robot.worker2.pk].last_seen_at is None

    # Totals only (the progress table, the completion decision): the same figures, without the per-lesson detail.
    totals = selectors.offering_figures(robot.offering, until=end)
    assert list(totals) == list(figures)
    for pk, fig in figures.items():
        expected = row(fig)
        expected["lessons"] = (*expected["lessons"][:3], [])
        expected["video"] = {}
        assert row(totals[pk]) == expected
        assert totals[pk].last_seen_at == fig.last_seen_at


def test_no_required_lesson(robot, make_lesson):
    optional = make_lesson("text", required=False)
    services.lesson_complete(enrollment=robot.worker, lesson=optional)
    for per_lesson in (False, True):
        fig = selectors.offering_figures(robot.offering, per_lesson=per_lesson)[robot.worker.pk]
        assert (fig.lessons_done, fig.lessons_required, fig.lessons_percent) == (0, 0, None)
        assert fig.completed_lessons == ({optional.pk} if per_lesson else set())


@pytest.mark.parametrize(
    ("held", "attendance"),
    [
        (0, (0, 0, 0, 0, 0, None)),
        (1, (1, 0, 0, 0, 1, 100.0)),
        (2, (1, 1, 0, 0, 2, 100.0)),  # late counts as attended
        (3, (1, 1, 0, 1, 3, 100.0)),  # the excused session left out
        (4, (1, 1, 1, 1, 4, round(200 / 3, 4))),
    ],
)
def test_attendance_counts_only_sessions_started_before_until(scene, held, attendance):
    robot = scene[0]
    if held < 4:
        until = start_of(robot.sessions[held]) - dt.timedelta(seconds=1)
    else:
        until = start_of(robot.sessions[3]) + dt.timedelta(seconds=1)
    fig = selectors.offering_figures(robot.offering, until=until)[robot.worker.pk]
    assert row(fig)["attendance"] == attendance


def test_until_defaults_to_now(scene):
    robot = scene[0]  # the sessions are all in the future
    fig = selectors.offering_figures(robot.offering)[robot.worker.pk]
    assert (fig.sessions_counted, fig.present, fig.absent, fig.attendance_percent) == (0, 0, 0, None)


def test_a_session_in_progress_counts(scene):
    robot = scene[0]
    fig = selectors.offering_figures(robot.offering, until=start_of(robot.sessions[0]) + dt.timedelta(minutes=30))
    assert row(fig[robot.worker.pk])["attendance"] == (1, 0, 0, 0, 1, 100.0)


def test_no_quiz_that_counts_means_no_average(robot, make_lesson):
    mc_quiz(robot.offering, "연습", counts_toward_completion=False)
    fig = selectors.offering_figures(robot.offering)[robot.worker.pk]
    assert (fig.quiz_best, fig.quiz_average, fig.lessons_required, fig.lessons_percent) == ({}, None, 0, None)


def test_only_the_offering_s_learning_enrollments_and_rows(scene, catalog, personas):
    robot = scene[0]
    # A pending application to the robot offering, and the worker's enrollment elsewhere with its own rows.
    enrol(robot.offering, personas.worker_b, status=Status.PENDING)
    elsewhere = enrol(catalog.molding_offering, personas.worker)
    other_module = services.module_create(offering=catalog.molding_offering, title="사출")
    other = services.lesson_create(module=other_module, title="금형", kind="text", body="<p>x</p>")
    services.lesson_complete(enrollment=elsewhere, lesson=other)
    molding_session = catalog.molding_offering.sessions.first()
    services.attendance_mark(session=molding_session, enrollment=elsewhere, status="present", by=personas.instructor)
    figures = selectors.offering_figures(robot.offering, until=start_of(robot.sessions[3]) + dt.timedelta(hours=1))
    assert set(figures) == {robot.worker.pk, robot.worker2.pk, robot.student.pk}
    fig = figures[robot.worker.pk]
    assert (fig.lessons_done, fig.present, fig.late, fig.sessions_counted) == (1, 1, 1, 4)
    assert other.pk not in fig.completed_lessons
    # A subset of enrollments: only those.
    assert list(selectors.offering_figures(robot.offering, [robot.worker2])) == [robot.worker2.pk]
    assert selectors.offering_figures(robot.offering, []) == {}


def test_a_completed_enrollment_still_has_figures(robot):
    robot.worker.status = Status.COMPLETED
    robot.worker.save()
    assert robot.worker.pk in selectors.offering_figures(robot.offering)


# --- a fixed number of queries -------------------------------------------------------------------


def populate(offering, lessons, quizzes, sessions, n):
    """`n` more approved trainees, each with progress on every lesson, an attempt at every quiz and a
    record for every session (rows written directly: this is about reading them)."""
    now = timezone.now()
    for trainee in TraineeFactory.create_batch(n):
        e = EnrollmentFactory(offering=offering, trainee=trainee, status=Status.APPROVED)
        LessonProgress.objects.bulk_create(
            LessonProgress(lesson=lesson, enrollment=e, watched_seconds=30, time_spent_seconds=40, completed_at=now)
            for lesson in lessons
        )
        QuizAttempt.objects.bulk_create(
            QuizAttempt(quiz=q, enrollment=e, number=1, started_at=now, submitted_at=now, score=1, max_score=2)
            for q in quizzes
        )
        Attendance.objects.bulk_create(
            Attendance(session=s, enrollment=e, status="present", method="manual") for s in sessions
        )


def test_figures_take_a_fixed_number_of_queries(personas):
    offering = OfferingFactory(capacity=40, instructors=[personas.instructor])
    sessions = [
        SessionFactory(offering=offering, date=offering.start_date + dt.timedelta(days=7 * i)) for i in range(4)
    ]
    module = services.module_create(offering=offering, title="모듈")
    lessons = [
        services.lesson_create(module=module, title="본문", kind="text", body="<p>x</p>"),
        services.lesson_create(module=module, title="영상", kind="video", file=video(), duration_seconds=60),
        services.lesson_create(module=module, title="교안", kind="document", file=pdf()),
    ]
    quizzes = [
        Quiz.objects.create(offering=offering, title="퀴즈 1"),
        Quiz.objects.create(offering=offering, title="퀴즈 2", counts_toward_completion=False),
    ]
    until = start_of(sessions[-1]) + dt.timedelta(days=1)

    def measure(per_lesson):
        with CaptureQueriesContext(connection) as queries:
            figures = selectors.offering_figures(offering, until=until, per_lesson=per_lesson)
        return figures, len(queries)

    populate(offering, lessons, quizzes, sessions, 3)
    few, three = measure(False)
    few_detail, three_detail = measure(True)
    populate(offering, lessons, quizzes, sessions, 27)
    many, thirty = measure(False)
    many_detail, thirty_detail = measure(True)

    assert (len(few), len(few_detail), len(many), len(many_detail)) == (3, 3, 30, 30)
    # enrollments, lessons, quizzes, progress, attempts, sessions, attendance
    assert (three, thirty, three_detail, thirty_detail) == (7, 7, 7, 7)
    for figures in (many, many_detail):
        fig = next(iter(figures.values()))
        assert (fig.lessons_done, fig.lessons_required, fig.time_spent_seconds) == (3, 3, 120)
        assert (fig.quiz_average, fig.attendance_percent) == (50.0, 100.0)
    assert next(iter(many_detail.values())).video_share == {lessons[1].pk: 0.5}
    # Handing over what the caller already has saves those queries.
    enrollments = selectors.learning_enrollments(offering)
    with CaptureQueriesContext(connection) as given:
        selectors.offering_figures(offering, enrollments, until=until, lessons=lessons, quizzes=quizzes)
    assert len(given) == 4
    assert Lesson.objects.filter(module__offering=offering).count() == 3
