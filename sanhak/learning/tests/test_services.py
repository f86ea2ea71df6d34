"""Learning services: authoring lessons, progress from the player, quizzes (pools, limits, grading)
and attendance (rotating QR codes, manual marks, the audit trail)."""

from __future__ import annotations

import datetime as dt
import random
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from sanhak.common.errors import ConflictError, DomainError
from sanhak.learning import services
from sanhak.learning.models import (
    Answer,
    Attendance,
    AttendanceChange,
    Choice,
    Lesson,
    LessonProgress,
    Module,
    Question,
    QuizAttempt,
)
from sanhak.learning.tests.conftest import PDF, at, enrol, opened, pdf, start_of, video

pytestmark = pytest.mark.django_db

T0 = at(dt.date(2026, 3, 2), 10)  # a fixed moment (in the past) for the player's reports


def sec(n: float) -> dt.timedelta:
    return dt.timedelta(seconds=n)


def err(excinfo: pytest.ExceptionInfo[DomainError]) -> tuple[str, int, str]:
    e = excinfo.value
    return (e.code, e.status, str(e))


# --- authoring ------------------------------------------------------------------------------------


def test_modules_and_lessons_are_numbered_in_order(robot, make_lesson):
    second = services.module_create(offering=robot.offering, title="  2주차 티칭  ")
    assert list(Module.objects.filter(offering=robot.offering).values_list("title", "position")) == [
        ("1주차 로봇 안전", 1),
        ("2주차 티칭", 2),
    ]
    a = make_lesson("text", title=" 안전 수칙 ")
    b = make_lesson("video")
    c = make_lesson("document", required=False)
    d = make_lesson("text", module=second)
    assert [(x.title, x.module_id, x.position) for x in (a, b, c, d)] == [
        ("안전 수칙", robot.module.pk, 1),
        ("video 차시", robot.module.pk, 2),
        ("document 차시", robot.module.pk, 3),
        ("text 차시", second.pk, 1),
    ]
    assert (c.required, a.required) == (False, True)


def test_text_lesson_html_is_sanitised(robot, make_lesson):
    body = (
        '<h2>안전</h2><p onclick="steal()">협동<strong>로봇</strong> <em>티칭</em></p>'
        '<script>alert("x")</script><a href="https://example.com/a" onclick="x()">링크</a>'
        '<iframe src="https://evil.example"></iframe><ul><li>하나</li></ul><style>p{color:red}</style>'
    )
    lesson = make_lesson("text", body=body)
    lesson.refresh_from_db()
    assert lesson.body == (
        "<h2>안전</h2><p>협동<strong>로봇</strong> <em>티칭</em></p>"
        '<a href="https://example.com/a" rel="noopener noreferrer">링크</a><ul><li>하나</li></ul>'
    )
    assert (lesson.kind, lesson.file.name, lesson.content_type, lesson.duration_seconds) == ("text", "", "", 0)


def test_text_lesson_ignores_a_file_and_needs_a_body(robot, make_lesson):
    lesson = make_lesson("text", body="<p>본문</p>", file=pdf())
    assert (lesson.file.name, lesson.content_type) == ("", "")
    with pytest.raises(DomainError) as e:
        make_lesson("text", body="   ")
    assert err(e) == ("invalid", 400, "본문을 입력하세요. / Enter the lesson text.")


@pytest.mark.parametrize("content_type", ["video/mp4", "video/webm", "video/ogg", "VIDEO/MP4; codecs=avc1"])
def test_video_lessons_accept_mp4_webm_ogg(robot, make_lesson, content_type):
    lesson = make_lesson("video", file=video("lesson.bin", content_type), duration_seconds=125)
    lesson.refresh_from_db()
    assert lesson.content_type == content_type.split(";")[0].lower()
    assert lesson.file.name.startswith("lessons/")
    assert lesson.file.name.endswith(".bin")
    assert (lesson.body, lesson.duration_seconds) == ("", 125)


@pytest.mark.parametrize("content_type", ["video/quicktime", "application/pdf", "", "text/html"])
def test_video_lessons_refuse_other_types(robot, make_lesson, content_type):
    with pytest.raises(DomainError) as e:
        make_lesson("video", file=video("clip.mp4", content_type))
    assert err(e) == (
        "invalid",
        400,
        "동영상은 MP4, WebM, Ogg 파일이어야 합니다. / Videos must be MP4, WebM or Ogg files.",
    )
    assert Lesson.objects.count() == 0


def test_document_lesson_is_a_pdf_by_content_and_name(robot, make_lesson):
    lesson = make_lesson("document", file=SimpleUploadedFile("교안.PDF", PDF, content_type="application/octet-stream"))
    lesson.refresh_from_db()
    assert lesson.content_type == "application/pdf"
    with lesson.file.open("rb") as handle:
        assert handle.read() == PDF  # the magic-byte check rewound the file before saving it


@pytest.mark.parametrize(
    ("name", "content"),
    [("notes.pdf", b"<html>not a pdf</html>"), ("notes.txt", PDF), ("notes", PDF), ("notes.pdf", b"")],
)
def test_document_lessons_refuse_what_is_not_a_pdf(robot, make_lesson, name, content):
    with pytest.raises(DomainError) as e:
        make_lesson("document", file=pdf(name, content))
    assert err(e) == ("invalid", 400, "문서는 PDF 파일이어야 합니다. / Documents must be PDF files.")
    assert Lesson.objects.count() == 0


@pytest.mark.parametrize("kind", ["video", "document"])
def test_media_lessons_need_a_file(robot, kind):
    with pytest.raises(DomainError) as e:
        services.lesson_create(module=robot.module, title="파일 없음", kind=kind)
    assert err(e) == ("invalid", 400, "파일을 올리세요. / Upload a file.")


def test_unknown_lesson_kind(robot):
    with pytest.raises(DomainError) as e:
        services.lesson_create(module=robot.module, title="?", kind="audio", body="x")
    assert err(e) == ("invalid", 400, "차시 유형이 올바르지 않습니다. / Unknown lesson type.")


# --- progress -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ranges", "merged"),
    [
        ([[0, 10], [5, 20], [30, 31]], [[0, 20], [30, 31]]),
        ([[30, 31], [0, 10], [10, 20]], [[0, 20], [30, 31]]),
        ([[0, 100], [10, 20]], [[0, 100]]),
        ([[5, 5], [9, 3], [1, 2]], [[1, 2]]),
        ([["0", "4"]], [[0, 4]]),
        ([], []),
    ],
)
def test_merge_ranges(ranges, merged):
    assert services.merge_ranges(ranges) == merged


def progress(row: LessonProgress) -> tuple:
    row.refresh_from_db()
    return (row.watched, row.watched_seconds, row.time_spent_seconds, row.last_seen_at, row.completed_at)


def test_progress_merges_ranges_and_skipping_ahead_does_not_count(robot, make_lesson):
    lesson = make_lesson("video", duration_seconds=100)
    e = robot.worker
    opened(e, lesson, T0)
    rec = services.lesson_progress_record
    rec(enrollment=e, lesson=lesson, start=0, end=10, now=T0 + sec(10))
    row = rec(enrollment=e, lesson=lesson, start=10, end=20, now=T0 + sec(20))
    assert progress(row) == ([[0, 20]], 20, 20, T0 + sec(20), None)
    row = rec(enrollment=e, lesson=lesson, start=50, end=60, now=T0 + sec(30))  # jumped from 20 to 50
    assert progress(row) == ([[0, 20], [50, 60]], 30, 30, T0 + sec(30), None)
    row = rec(enrollment=e, lesson=lesson, start=15.2, end=24.7, now=T0 + sec(40))  # rewound: seen again
    assert progress(row) == ([[0, 25], [50, 60]], 35, 40, T0 + sec(40), None)
    assert LessonProgress.objects.count() == 1


def test_a_report_is_capped_to_the_time_since_the_last_one(robot, make_lesson):
    lesson = make_lesson("video", duration_seconds=1000)
    e = robot.worker
    opened(e, lesson, T0)
    rec = services.lesson_progress_record
    row = rec(enrollment=e, lesson=lesson, start=0, end=1000, now=T0 + sec(10))  # 10 s passed: 15 s at most
    assert progress(row) == ([[0, 15]], 15, 10, T0 + sec(10), None)
    row = rec(enrollment=e, lesson=lesson, start=15, end=1000, now=T0 + sec(10))  # no time passed: nothing
    assert progress(row) == ([[0, 15]], 15, 10, T0 + sec(10), None)
    row = rec(enrollment=e, lesson=lesson, start=20, end=1000, now=T0 + sec(3610))  # an hour later: a minute at most
    assert progress(row) == ([[0, 15], [20, 80]], 75, 70, T0 + sec(3610), None)
    row = rec(enrollment=e, lesson=lesson, start=80, end=1000, now=T0 + sec(3665))  # 55 s passed: 60 s (55 + 5)
    assert progress(row) == ([[0, 15], [20, 140]], 135, 125, T0 + sec(3665), None)
    row = rec(enrollment=e, lesson=lesson, start=140, end=150, now=T0 + sec(3600))  # a clock going back: nothing
    assert progress(row) == ([[0, 15], [20, 140]], 135, 125, T0 + sec(3600), None)


def test_a_burst_of_reports_earns_no_more_than_the_time_that_passed(robot, make_lesson):
    lesson = make_lesson("video", duration_seconds=1000)
    e = robot.worker
    opened(e, lesson, T0)
    row = None
    for n in range(1, 101):  # a script: 100 reports of 5 s each, 10 ms apart
        row = services.lesson_progress_record(
            enrollment=e, lesson=lesson, start=5 * (n - 1), end=5 * n, now=T0 + dt.timedelta(milliseconds=10 * n)
        )
    assert row is not None
    assert row.watched_seconds <= 2
    assert row.completed_at is None


def test_a_report_is_clamped_to_the_duration(robot, make_lesson):
    lesson = make_lesson("video", duration_seconds=30)
    e = robot.worker
    opened(e, lesson, T0)
    row = services.lesson_progress_record(enrollment=e, lesson=lesson, start=20, end=45, now=T0 + sec(30))
    assert progress(row) == ([[20, 30]], 10, 30, T0 + sec(30), None)
    row = services.lesson_progress_record(enrollment=e, lesson=lesson, start=-5, end=3, now=T0 + sec(33))
    assert progress(row)[:3] == ([[0, 3], [20, 30]], 13, 33)
    row = services.lesson_progress_record(enrollment=e, lesson=lesson, start=40, end=50, now=T0 + sec(43))
    assert progress(row)[:3] == ([[0, 3], [20, 30]], 13, 43)


def test_the_duration_is_learnt_from_the_first_report(robot, make_lesson):
    lesson = make_lesson("video")
    assert lesson.duration_seconds == 0
    e = robot.worker
    opened(e, lesson, T0)
    services.lesson_progress_record(enrollment=e, lesson=lesson, start=0, end=10, duration=120.7, now=T0 + sec(10))
    lesson.refresh_from_db()
    assert lesson.duration_seconds == 120
    other = Lesson.objects.get(pk=lesson.pk)
    services.lesson_progress_record(enrollment=e, lesson=other, start=10, end=20, duration=999, now=T0 + sec(20))
    lesson.refresh_from_db()
    assert lesson.duration_seconds == 120
    text = make_lesson("text")
    services.lesson_progress_record(enrollment=e, lesson=text, start=0, end=10, duration=60, now=T0 + sec(30))
    text.refresh_from_db()
    assert text.duration_seconds == 0


@pytest.mark.parametrize(
    ("start", "end"), [(float("nan"), 10), (0, float("nan")), (0, float("inf")), (float("-inf"), 10)]
)
def test_a_report_of_non_finite_positions_records_nothing(robot, make_lesson, start, end):
    """JSON parses NaN and Infinity, and so does float(): such a report must not crash the service."""
    lesson = make_lesson("video", duration_seconds=100)
    opened(robot.worker, lesson, T0)
    row = services.lesson_progress_record(
        enrollment=robot.worker, lesson=lesson, start=start, end=end, now=T0 + sec(10)
    )
    assert progress(row) == ([], 0, 10, T0 + sec(10), None)


@pytest.mark.parametrize("duration", [float("nan"), float("inf"), -30.0, 0.5, 1e12, 86401.0])
def test_an_implausible_duration_is_not_learnt(robot, make_lesson, duration):
    lesson = make_lesson("video")
    opened(robot.worker, lesson, T0)
    services.lesson_progress_record(
        enrollment=robot.worker, lesson=lesson, start=0, end=10, duration=duration, now=T0 + sec(10)
    )
    lesson.refresh_from_db()
    assert lesson.duration_seconds == 0


def test_unknown_duration_does_not_complete(robot, make_lesson):
    lesson = make_lesson("video")
    e = robot.worker
    opened(e, lesson, T0)
    row = services.lesson_progress_record(enrollment=e, lesson=lesson, start=0, end=10, now=T0 + sec(10))
    assert progress(row) == ([[0, 10]], 10, 10, T0 + sec(10), None)


def test_a_video_completes_at_ninety_percent_not_at_eighty_nine(robot, make_lesson):
    lesson = make_lesson("video", duration_seconds=100)
    e = robot.worker
    opened(e, lesson, T0)
    rec = services.lesson_progress_record
    t = T0
    for a in range(0, 80, 10):
        t += sec(10)
        rec(enrollment=e, lesson=lesson, start=a, end=a + 10, now=t)
    row = rec(enrollment=e, lesson=lesson, start=80, end=89, now=t + sec(9))
    assert progress(row) == ([[0, 89]], 89, 89, t + sec(9), None)
    with pytest.raises(DomainError) as excinfo:
        services.lesson_complete(enrollment=e, lesson=lesson)
    assert err(excinfo) == (
        "not_watched",
        400,
        "동영상은 90% 이상 시청해야 완료됩니다. / A video is complete once 90% of it has been watched.",
    )
    row = rec(enrollment=e, lesson=lesson, start=89, end=90, now=t + sec(10))
    assert progress(row) == ([[0, 90]], 90, 90, t + sec(10), t + sec(10))
    row = rec(enrollment=e, lesson=lesson, start=90, end=100, now=t + sec(20))
    assert progress(row) == ([[0, 100]], 100, 100, t + sec(20), t + sec(10))  # completed once
    assert services.lesson_complete(enrollment=e, lesson=lesson).completed_at == t + sec(10)


def test_jumping_to_the_end_does_not_complete_a_video(robot, make_lesson):
    lesson = make_lesson("video", duration_seconds=100)
    e = robot.worker
    opened(e, lesson, T0)
    t = T0
    for a in range(0, 100, 20):  # plays 10 s, skips 10 s, for 100 s of wall-clock time
        t += sec(20)
        row = services.lesson_progress_record(enrollment=e, lesson=lesson, start=a, end=a + 10, now=t)
    assert progress(row) == ([[0, 10], [20, 30], [40, 50], [60, 70], [80, 90]], 50, 100, t, None)


@pytest.mark.parametrize("kind", ["text", "document"])
def test_lesson_complete_for_reading(robot, make_lesson, kind):
    lesson = make_lesson(kind)
    row = services.lesson_complete(enrollment=robot.worker, lesson=lesson)
    assert row.completed_at is not None
    assert row.last_seen_at == row.completed_at
    again = services.lesson_complete(enrollment=robot.worker, lesson=lesson)
    assert (again.pk, again.completed_at) == (row.pk, row.completed_at)
    assert LessonProgress.objects.filter(enrollment=robot.worker, lesson=lesson).count() == 1


def test_lesson_open_starts_without_completing(robot, make_lesson):
    lesson = make_lesson("text")
    row = services.lesson_open(enrollment=robot.worker, lesson=lesson)
    assert (row.watched, row.watched_seconds, row.time_spent_seconds, row.completed_at) == ([], 0, 0, None)
    assert services.lesson_open(enrollment=robot.worker, lesson=lesson).pk == row.pk


# --- quizzes --------------------------------------------------------------------------------------


@pytest.fixture
def quiz(robot):
    quiz = services.quiz_create(offering=robot.offering, title=" 안전 퀴즈 ", max_attempts=2)
    services.question_add(
        quiz=quiz, text="협동로봇 속도 제한 기준은?", choices=[("ISO 10218", True), ("ISO 9001", False)], points=2
    )
    services.question_add(quiz=quiz, text="프로그래머블 로직 컨트롤러의 약자는?", accepted_answers=["PLC"], points=3)
    services.question_add(quiz=quiz, text="비상정지 버튼 색은?", accepted_answers=["빨간색", "적색"])
    return quiz


def test_question_add_multiple_choice_and_short_answer(quiz):
    assert quiz.title == "안전 퀴즈"
    rows = list(quiz.questions.values_list("position", "kind", "text", "points", "accepted_answers"))
    assert rows == [
        (1, "choice", "협동로봇 속도 제한 기준은?", 2, ""),
        (2, "short", "프로그래머블 로직 컨트롤러의 약자는?", 3, "PLC"),
        (3, "short", "비상정지 버튼 색은?", 1, "빨간색\n적색"),
    ]
    assert list(Choice.objects.values_list("question__position", "text", "is_correct")) == [
        (1, "ISO 10218", True),
        (1, "ISO 9001", False),
    ]


def test_question_add_trims_choices_and_answers(quiz):
    q = services.question_add(
        quiz=quiz, text=" 보기 ", choices=[(" 가 ", False), ("   ", True), ("나", True)], accepted_answers=[]
    )
    assert (q.position, q.kind, q.text) == (4, "choice", "보기")
    assert list(q.choices.values_list("text", "is_correct")) == [("가", False), ("나", True)]
    s = services.question_add(quiz=quiz, text="단답", accepted_answers=[" 서보 ", "", "  "])
    assert (s.kind, s.accepted_answers) == ("short", "서보")


MC_RULE = (
    "객관식은 보기가 둘 이상이고 정답이 하나 이상이어야 합니다. / "
    "A multiple-choice question needs two or more choices and at least one correct one."
)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"text": "q", "choices": [("하나뿐", True)]}, MC_RULE),
        ({"text": "q", "choices": [("가", True), ("  ", False)]}, MC_RULE),
        ({"text": "q", "choices": [("가", False), ("나", False)]}, MC_RULE),
        ({"text": "q"}, "보기나 정답을 입력하세요. / Enter choices or accepted answers."),
        (
            {"text": "q", "accepted_answers": ["  ", ""]},
            "보기나 정답을 입력하세요. / Enter choices or accepted answers.",
        ),
        ({"text": "  ", "accepted_answers": ["a"]}, "문제를 입력하세요. / Enter the question."),
        (
            {"text": "q", "accepted_answers": ["a"], "points": 0},
            "배점은 1점 이상이어야 합니다. / Points must be at least 1.",
        ),
    ],
)
def test_question_add_refuses(quiz, kwargs, message):
    with pytest.raises(DomainError) as e:
        services.question_add(quiz=quiz, **kwargs)
    assert err(e) == ("invalid", 400, message)
    assert quiz.questions.count() == 3
    assert Choice.objects.count() == 2


def test_quiz_create_needs_an_attempt(robot):
    with pytest.raises(DomainError) as e:
        services.quiz_create(offering=robot.offering, title="q", max_attempts=0)
    assert err(e) == ("invalid", 400, "응시 가능 횟수는 1 이상이어야 합니다. / At least one attempt must be allowed.")


def test_an_empty_quiz_cannot_be_started(robot):
    quiz = services.quiz_create(offering=robot.offering, title="빈 퀴즈")
    with pytest.raises(DomainError) as e:
        services.quiz_attempt_start(enrollment=robot.worker, quiz=quiz, now=T0)
    assert err(e) == ("empty_quiz", 400, "문항이 없는 퀴즈입니다. / This quiz has no questions.")
    assert QuizAttempt.objects.count() == 0


def test_start_resumes_the_open_attempt(robot, quiz):
    first = services.quiz_attempt_start(enrollment=robot.worker, quiz=quiz, now=T0)
    again = services.quiz_attempt_start(enrollment=robot.worker, quiz=quiz, now=T0 + sec(600))
    assert again.pk == first.pk
    assert (first.number, first.started_at, first.deadline, first.max_score, first.submitted_at) == (
        1,
        T0,
        None,
        6,
        None,
    )
    assert sorted(p["q"] for p in first.plan) == sorted(quiz.questions.values_list("pk", flat=True))
    other = services.quiz_attempt_start(enrollment=robot.worker2, quiz=quiz, now=T0)
    assert (other.number, QuizAttempt.objects.count()) == (1, 2)


def test_the_attempt_limit(robot, quiz):
    for n in (1, 2):
        attempt = services.quiz_attempt_start(enrollment=robot.worker, quiz=quiz, now=T0)
        assert attempt.number == n
        services.quiz_attempt_submit(attempt=attempt, answers={}, now=T0 + sec(60))
    with pytest.raises(ConflictError) as e:
        services.quiz_attempt_start(enrollment=robot.worker, quiz=quiz, now=T0 + sec(120))
    assert err(e) == ("conflict", 409, "응시 가능 횟수(2회)를 모두 사용했습니다. / You have used all 2 attempts.")
    assert QuizAttempt.objects.filter(enrollment=robot.worker).count() == 2


@pytest.fixture
def pool(robot):
    """Six multiple-choice questions of 1..6 points with four choices each; three drawn per attempt."""
    quiz = services.quiz_create(offering=robot.offering, title="문제 은행", questions_per_attempt=3, max_attempts=5)
    for n in range(1, 7):
        services.question_add(quiz=quiz, text=f"문항 {n}", choices=[(f"{n}-{c}", c == "a") for c in "abcd"], points=n)
    return quiz


def expected_plan(quiz, seed):
    """What the pool draw must be for a seeded generator: shuffle the pool (in position order), take
    the first N, shuffle each question's choices (in id order)."""
    rng = random.Random(seed)
    questions = list(quiz.questions.order_by("position", "id"))
    rng.shuffle(questions)
    plan = []
    for q in questions[: quiz.questions_per_attempt]:
        ids = list(q.choices.order_by("id").values_list("pk", flat=True))
        rng.shuffle(ids)
        plan.append({"q": q.pk, "c": ids})
    return plan


def test_pool_draws_n_distinct_questions_deterministically(robot, pool):
    a = services.quiz_attempt_start(enrollment=robot.worker, quiz=pool, now=T0, rng=random.Random(2026))
    b = services.quiz_attempt_start(enrollment=robot.worker2, quiz=pool, now=T0, rng=random.Random(2026))
    assert a.plan == b.plan == expected_plan(pool, 2026)
    assert len({p["q"] for p in a.plan}) == 3
    points = dict(pool.questions.values_list("pk", "points"))
    assert a.max_score == sum(points[p["q"]] for p in a.plan)
    a.refresh_from_db()
    assert a.plan == expected_plan(pool, 2026)  # stored as drawn


def test_pool_choice_order_is_shuffled_per_attempt(robot, pool):
    plans = []
    for seed in range(5):
        attempt = services.quiz_attempt_start(enrollment=robot.worker, quiz=pool, now=T0, rng=random.Random(seed))
        services.quiz_attempt_submit(attempt=attempt, answers={}, now=T0)
        assert attempt.plan == expected_plan(pool, seed)
        plans.append(attempt.plan)
    for plan in plans:
        for item in plan:
            assert sorted(item["c"]) == sorted(
                Choice.objects.filter(question_id=item["q"]).values_list("pk", flat=True)
            )
    # Across the five attempts, questions and choice orders differ.
    assert len({tuple(p["q"] for p in plan) for plan in plans}) > 1
    orders = {}
    for plan in plans:
        for item in plan:
            orders.setdefault(item["q"], set()).add(tuple(item["c"]))
    assert any(len(o) > 1 for o in orders.values())


def test_without_a_pool_size_every_question_is_asked(robot, quiz):
    attempt = services.quiz_attempt_start(enrollment=robot.worker, quiz=quiz, now=T0, rng=random.Random(1))
    assert len(attempt.plan) == 3
    short = [p for p in attempt.plan if Question.objects.get(pk=p["q"]).kind == "short"]
    assert [p["c"] for p in short] == [[], []]


def answers_for(quiz, **given):
    q1, q2, q3 = quiz.questions.order_by("position")
    right = q1.choices.get(is_correct=True)
    wrong = q1.choices.get(is_correct=False)
    values = {"right": str(right.pk), "wrong": str(wrong.pk), "int": right.pk}
    out = {}
    if "q1" in given:
        out[q1.pk] = values.get(given["q1"], given["q1"])
    if "q2" in given:
        out[q2.pk] = given["q2"]
    if "q3" in given:
        out[q3.pk] = given["q3"]
    return out


@pytest.mark.parametrize(
    ("given", "score"),
    [
        ({"q1": "right", "q2": "PLC", "q3": "빨간색"}, 6),
        ({"q1": "int", "q2": "P L C", "q3": " 적 색 "}, 6),
        ({"q1": "wrong", "q2": "ＰＬＣ", "q3": "빨강"}, 3),
        ({"q1": "right", "q2": "plc"}, 5),
        ({"q1": "999999", "q2": "PL", "q3": ""}, 0),
        ({}, 0),
    ],
)
def test_submit_grades(robot, quiz, given, score):
    attempt = services.quiz_attempt_start(enrollment=robot.worker, quiz=quiz, now=T0)
    graded = services.quiz_attempt_submit(attempt=attempt, answers=answers_for(quiz, **given), now=T0 + sec(90))
    graded.refresh_from_db()
    assert (graded.score, graded.max_score, graded.submitted_at, graded.timed_out) == (score, 6, T0 + sec(90), False)
    assert graded.percent == pytest.approx(100 * score / 6)
    assert Answer.objects.filter(attempt=attempt).count() == 3
    assert sum(Answer.objects.filter(attempt=attempt).values_list("points", flat=True)) == score


def test_submit_keeps_each_answer(robot, quiz):
    attempt = services.quiz_attempt_start(enrollment=robot.worker, quiz=quiz, now=T0)
    services.quiz_attempt_submit(
        attempt=attempt, answers=answers_for(quiz, q1="wrong", q2=" P L C ", q3="파란색"), now=T0 + sec(30)
    )
    q1, q2, q3 = quiz.questions.order_by("position")
    wrong = q1.choices.get(is_correct=False)
    rows = Answer.objects.filter(attempt=attempt).order_by("question__position")
    assert list(rows.values_list("question", "choice", "text", "is_correct", "points")) == [
        (q1.pk, wrong.pk, "", False, 0),
        (q2.pk, None, "P L C", True, 3),
        (q3.pk, None, "파란색", False, 0),
    ]


def test_normalize_answer():
    assert services.normalize_answer("P L C") == services.normalize_answer("ＰＬＣ") == services.normalize_answer("plc")
    assert services.normalize_answer(" 서 보\t모터 ") == "서보모터"


def test_double_submit_is_a_conflict(robot, quiz):
    attempt = services.quiz_attempt_start(enrollment=robot.worker, quiz=quiz, now=T0)
    services.quiz_attempt_submit(attempt=attempt, answers=answers_for(quiz, q1="right"), now=T0 + sec(10))
    with pytest.raises(ConflictError) as e:
        services.quiz_attempt_submit(attempt=attempt, answers=answers_for(quiz, q2="PLC"), now=T0 + sec(20))
    assert err(e) == ("conflict", 409, "이미 제출한 응시입니다. / This attempt has already been submitted.")
    attempt.refresh_from_db()
    assert (attempt.score, attempt.submitted_at) == (2, T0 + sec(10))
    assert Answer.objects.filter(attempt=attempt).count() == 3


@pytest.fixture
def timed(quiz):
    quiz.time_limit_minutes = 10
    quiz.save()
    return quiz


def test_submit_within_the_deadline_and_its_grace_is_graded(robot, timed):
    attempt = services.quiz_attempt_start(enrollment=robot.worker, quiz=timed, now=T0)
    assert attempt.deadline == T0 + dt.timedelta(minutes=10)
    graded = services.quiz_attempt_submit(
        attempt=attempt, answers=answers_for(timed, q1="right", q2="PLC", q3="적색"), now=T0 + sec(630)
    )
    assert (graded.score, graded.timed_out, graded.submitted_at) == (6, False, T0 + sec(630))


def test_submit_after_the_grace_scores_zero(robot, timed):
    attempt = services.quiz_attempt_start(enrollment=robot.worker, quiz=timed, now=T0)
    late = services.quiz_attempt_submit(
        attempt=attempt, answers=answers_for(timed, q1="right", q2="PLC", q3="적색"), now=T0 + sec(631)
    )
    late.refresh_from_db()
    assert (late.score, late.max_score, late.timed_out, late.submitted_at) == (0, 6, True, T0 + sec(631))
    assert Answer.objects.filter(attempt=attempt).count() == 0


def test_a_start_within_the_grace_resumes(robot, timed):
    attempt = services.quiz_attempt_start(enrollment=robot.worker, quiz=timed, now=T0)
    assert services.quiz_attempt_start(enrollment=robot.worker, quiz=timed, now=T0 + sec(630)).pk == attempt.pk


def test_a_start_after_an_expired_attempt_closes_it_and_counts_it(robot, timed):
    first = services.quiz_attempt_start(enrollment=robot.worker, quiz=timed, now=T0)
    second = services.quiz_attempt_start(enrollment=robot.worker, quiz=timed, now=T0 + sec(631))
    first.refresh_from_db()
    assert (first.number, first.timed_out, first.score, first.submitted_at) == (1, True, 0, T0 + sec(631))
    assert (second.number, second.started_at, second.deadline) == (2, T0 + sec(631), T0 + sec(1231))
    # The second also runs out: a third start is refused, and the second one is closed.
    with pytest.raises(ConflictError) as e:
        services.quiz_attempt_start(enrollment=robot.worker, quiz=timed, now=T0 + sec(5000))
    assert str(e.value) == "응시 가능 횟수(2회)를 모두 사용했습니다. / You have used all 2 attempts."
    assert list(QuizAttempt.objects.order_by("number").values_list("number", "timed_out", "score")) == [
        (1, True, 0),
        (2, True, 0),
    ]


# --- attendance -----------------------------------------------------------------------------------


def test_attendance_token_is_stable_per_step_and_differs_per_session(robot):
    s1, s2 = robot.sessions[:2]
    token = services.attendance_token(s1, 1000)
    assert re.fullmatch(r"[a-z2-7]{16}", token)
    assert services.attendance_token(s1, 1000) == token
    assert services.attendance_token(s1, 1001) != token
    assert services.attendance_token(s2, 1000) != token


def test_current_token_rotates_every_thirty_seconds(robot):
    session = robot.sessions[0]
    start = start_of(session)
    step = int(start.timestamp()) // 30
    assert int(start.timestamp()) % 30 == 0
    assert services.attendance_current_token(session, now=start) == (services.attendance_token(session, step), 30)
    assert services.attendance_current_token(session, now=start + sec(7)) == (
        services.attendance_token(session, step),
        23,
    )
    assert services.attendance_current_token(session, now=start + sec(30)) == (
        services.attendance_token(session, step + 1),
        30,
    )


@pytest.mark.parametrize("offset", [-15 * 60, 3 * 3600])
def test_current_token_at_the_window_edges(robot, offset):
    session = robot.sessions[0]
    now = start_of(session) + sec(offset)
    assert services.attendance_current_token(session, now=now)[0] == services.attendance_token(
        session, int(now.timestamp()) // 30
    )


@pytest.mark.parametrize("offset", [-15 * 60 - 1, 3 * 3600 + 1, -86400])
def test_no_current_token_outside_the_window(robot, offset):
    session = robot.sessions[0]
    with pytest.raises(DomainError) as e:
        services.attendance_current_token(session, now=start_of(session) + sec(offset))
    assert err(e) == (
        "outside_window",
        400,
        "체크인은 수업 15분 전부터 수업이 끝날 때까지 가능합니다. / Check-in opens 15 minutes before the session and closes when it ends.",
    )


def check_in(robot, session, user, now, *, token_at=None):
    token = services.attendance_token(session, int((token_at or now).timestamp()) // 30)
    return services.attendance_check_in(session=session, user=user, token=token, now=now)


def trail():
    return list(
        AttendanceChange.objects.order_by("pk").values_list(
            "attendance__enrollment",
            "attendance__session",
            "old_status",
            "new_status",
            "method",
            "changed_by",
            "reason",
        )
    )


def test_check_in_present_within_ten_minutes_late_after(robot, personas):
    session = robot.sessions[0]
    start = start_of(session)
    early = check_in(robot, session, personas.worker, start - sec(15 * 60))
    on_edge = check_in(robot, session, personas.worker2, start + sec(600))
    late = check_in(robot, session, personas.student, start + sec(601))
    assert [(a.enrollment_id, a.status, a.method, a.checked_in_at) for a in (early, on_edge, late)] == [
        (robot.worker.pk, "present", "qr", start - sec(900)),
        (robot.worker2.pk, "present", "qr", start + sec(600)),
        (robot.student.pk, "late", "qr", start + sec(601)),
    ]
    assert trail() == [
        (robot.worker.pk, session.pk, "", "present", "qr", personas.worker.pk, ""),
        (robot.worker2.pk, session.pk, "", "present", "qr", personas.worker2.pk, ""),
        (robot.student.pk, session.pk, "", "late", "qr", personas.student.pk, ""),
    ]


def test_check_in_accepts_the_previous_code_and_refuses_older_ones(robot, personas):
    session = robot.sessions[0]
    now = start_of(session) + sec(95)  # 5 s into the fourth code of the session
    previous = check_in(robot, session, personas.worker, now, token_at=now - sec(30))
    assert previous.status == "present"
    for stale in (now - sec(60), now - sec(90), now + sec(30)):
        with pytest.raises(DomainError) as e:
            check_in(robot, session, personas.worker2, now, token_at=stale)
        assert err(e) == (
            "bad_token",
            400,
            "QR 코드가 만료되었거나 올바르지 않습니다. 화면의 새 코드를 다시 찍어 주세요. / The code has expired or is wrong: scan the new one on the screen.",
        )
    for junk in ("not-a-code", "출석코드", "", "ｅｉｇｈｔ"):  # non-ASCII must not crash the comparison
        with pytest.raises(DomainError) as e:
            services.attendance_check_in(session=session, user=personas.worker2, token=junk, now=now)
        assert e.value.code == "bad_token"
    other = robot.sessions[1]
    with pytest.raises(DomainError) as e:  # another session's code
        services.attendance_check_in(
            session=session,
            user=personas.worker2,
            token=services.attendance_token(other, int(now.timestamp()) // 30),
            now=now,
        )
    assert e.value.code == "bad_token"
    scanned = f" {services.attendance_token(session, int(now.timestamp()) // 30).upper()}\n"  # as a scanner may type it
    record = services.attendance_check_in(session=session, user=personas.student, token=scanned, now=now)
    assert record.status == "present"
    assert Attendance.objects.filter(enrollment=robot.worker2).count() == 0


@pytest.mark.parametrize("offset", [-15 * 60 - 1, 3 * 3600 + 1])
def test_check_in_outside_the_window(robot, personas, offset):
    session = robot.sessions[0]
    with pytest.raises(DomainError) as e:
        check_in(robot, session, personas.worker, start_of(session) + sec(offset))
    assert err(e) == ("outside_window", 400, "출석 체크 시간이 아닙니다. / Check-in is not open for this session.")
    assert Attendance.objects.count() == 0


def test_check_in_refuses_who_is_not_enrolled(robot, personas, catalog):
    session = robot.sessions[0]
    now = start_of(session)
    pending = enrol(catalog.robot_offering, personas.worker_b, status="pending")
    enrol(catalog.molding_offering, personas.manager)  # enrolled elsewhere
    for user in (personas.worker_b, personas.manager, personas.instructor):
        with pytest.raises(DomainError) as e:
            check_in(robot, session, user, now)
        assert err(e) == ("not_enrolled", 403, "이 강좌의 수강생이 아닙니다. / You are not enrolled in this course.")
    assert Attendance.objects.count() == 0
    assert pending.status == "pending"


def test_a_second_check_in_returns_the_first(robot, personas):
    session = robot.sessions[0]
    start = start_of(session)
    first = check_in(robot, session, personas.worker, start + sec(60))
    again = check_in(robot, session, personas.worker, start + sec(1200))
    assert (again.pk, again.status, again.checked_in_at) == (first.pk, "present", start + sec(60))
    assert len(trail()) == 1
    assert Attendance.objects.count() == 1


def test_check_in_after_being_marked_absent(robot, personas):
    session = robot.sessions[0]
    start = start_of(session)
    services.attendance_mark(session=session, enrollment=robot.worker, status="absent", by=personas.instructor)
    record = check_in(robot, session, personas.worker, start + sec(900))
    assert (record.status, record.method) == ("late", "qr")
    assert trail() == [
        (robot.worker.pk, session.pk, "", "absent", "manual", personas.instructor.pk, ""),
        (robot.worker.pk, session.pk, "absent", "late", "qr", personas.worker.pk, ""),
    ]


def test_manual_marks_and_their_trail(robot, personas):
    session = robot.sessions[1]
    mark = services.attendance_mark
    a = mark(session=session, enrollment=robot.worker, status="absent", by=personas.instructor)
    assert (a.status, a.method, a.checked_in_at) == ("absent", "manual", None)
    with pytest.raises(DomainError) as e:
        mark(session=session, enrollment=robot.worker, status="excused", by=personas.instructor, reason="   ")
    assert err(e) == (
        "reason_required",
        400,
        "이미 기록된 출결을 바꾸려면 사유를 입력하세요. / Give a reason to change a recorded status.",
    )
    same = mark(session=session, enrollment=robot.worker, status="absent", by=personas.coordinator)  # no change
    assert same.pk == a.pk
    b = mark(
        session=session, enrollment=robot.worker, status="excused", by=personas.coordinator, reason="  예비군 훈련  "
    )
    c = mark(session=session, enrollment=robot.worker2, status="present", by=personas.instructor)
    d = mark(session=session, enrollment=robot.worker2, status="late", by=personas.instructor, reason="19:25 입실")
    assert (b.pk, b.status, d.pk, d.status) == (a.pk, "excused", c.pk, "late")
    assert trail() == [
        (robot.worker.pk, session.pk, "", "absent", "manual", personas.instructor.pk, ""),
        (robot.worker.pk, session.pk, "absent", "excused", "manual", personas.coordinator.pk, "예비군 훈련"),
        (robot.worker2.pk, session.pk, "", "present", "manual", personas.instructor.pk, ""),
        (robot.worker2.pk, session.pk, "present", "late", "manual", personas.instructor.pk, "19:25 입실"),
    ]
    assert Attendance.objects.count() == 2


def test_manual_mark_refuses(robot, personas, catalog):
    session = robot.sessions[0]
    with pytest.raises(DomainError) as e:
        services.attendance_mark(session=session, enrollment=robot.worker, status="sick", by=personas.instructor)
    assert err(e) == ("invalid", 400, "출결 상태가 올바르지 않습니다. / Unknown attendance status.")
    elsewhere = enrol(catalog.molding_offering, personas.worker_b)
    pending = enrol(catalog.robot_offering, personas.manager, status="pending")
    for enrollment in (elsewhere, pending):
        with pytest.raises(DomainError) as e:
            services.attendance_mark(session=session, enrollment=enrollment, status="present", by=personas.instructor)
        assert err(e) == ("invalid", 400, "이 수업의 수강생이 아닙니다. / Not a trainee of this session.")
    assert (Attendance.objects.count(), AttendanceChange.objects.count()) == (0, 0)
