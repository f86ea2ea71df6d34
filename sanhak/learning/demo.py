"""Demo online learning: lessons (text, a sample video, a PDF), a quiz with a question pool, attendance,
and completions with signed credentials for the demo trainees' past courses."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Q
from django.utils import timezone

from sanhak.common.personas import Personas
from sanhak.courses.models import Offering
from sanhak.credentials.badges import completion_credential_issue
from sanhak.enrollment.models import Enrollment, Status
from sanhak.learning import services
from sanhak.learning.models import (
    Attendance,
    AttendanceChange,
    AttendanceMethod,
    AttendanceStatus,
    Completion,
    Lesson,
    LessonProgress,
)

SAMPLES = Path(__file__).resolve().parent / "samples"
INTRO_HTML = """<h2>스마트제조 현장 실무 안내</h2>
<p>이 과정은 <strong>남동 스마트그린산단</strong> 재직자와 학생을 위한 현장맞춤형 교육입니다.</p>
<ul><li>온라인 차시를 모두 완료하세요.</li><li>오프라인 수업은 강사가 보여 주는 QR 코드로 출석합니다.</li>
<li>퀴즈 평균 60점 이상, 출석률 80% 이상이면 수료합니다.</li></ul>"""
QUESTIONS: list[tuple[str, list[tuple[str, bool]], list[str]]] = [
    ("설비종합효율(OEE)을 구성하는 세 요소가 아닌 것은?", [("가동률", False), ("성능효율", False), ("양품률", False), ("재고회전율", True)], []),
    ("협동로봇 작업 전 가장 먼저 확인할 것은?", [("비상정지 버튼 동작", True), ("프로그램 백업", False), ("조명 밝기", False)], []),
    ("PLC 래더 프로그램에서 a접점의 의미는?", [("평상시 열린 접점", True), ("평상시 닫힌 접점", False), ("타이머 출력", False)], []),
    ("생산 실적을 실시간으로 수집·관리하는 시스템은?", [("MES", True), ("CAD", False), ("PDM", False)], []),
    ("센서 데이터 수집 주기를 줄이면 늘어나는 것은?", [("데이터 양", True), ("설비 수명", False), ("불량률", False)], []),
    ("공장 자동화의 표준 산업용 통신 프로토콜의 예를 하나 쓰시오.", [], ["OPC UA", "OPCUA", "Modbus", "EtherCAT", "PROFINET"]),
]  # fmt: skip


def sample_video() -> SimpleUploadedFile:
    """The 6-second sample video shipped with the app (demo content, tests)."""
    return SimpleUploadedFile("sample-lesson.webm", (SAMPLES / "sample-lesson.webm").read_bytes(), "video/webm")


def sample_pdf() -> SimpleUploadedFile:
    return SimpleUploadedFile("safety-checklist.pdf", (SAMPLES / "sample-document.pdf").read_bytes(), "application/pdf")


def _content_create(offering: Offering) -> None:
    intro = services.module_create(offering=offering, title="1주차 · 과정 소개와 안전")
    services.lesson_create(module=intro, title="과정 안내", kind=Lesson.Kind.TEXT, body=INTRO_HTML)
    services.lesson_create(
        module=intro,
        title="현장 영상: 자동화 셀 둘러보기",
        kind=Lesson.Kind.VIDEO,
        file=sample_video(),
        duration_seconds=6,
    )
    services.lesson_create(module=intro, title="협동로봇 안전 점검표", kind=Lesson.Kind.DOCUMENT, file=sample_pdf())
    review = services.module_create(offering=offering, title="2주차 · 이해도 점검")
    quiz = services.quiz_create(
        offering=offering, module=review, title="1주차 확인 퀴즈", max_attempts=2, time_limit_minutes=10,
        questions_per_attempt=5,
    )  # fmt: skip
    for text, choices, answers in QUESTIONS:
        services.question_add(quiz=quiz, text=text, choices=choices, accepted_answers=answers)


def _attendance_create(offering: Offering, rng: random.Random, by_id: int, now: dt.datetime) -> None:
    enrollments = list(offering.enrollments.filter(status__in=(Status.APPROVED, Status.COMPLETED)))
    tz = timezone.get_current_timezone()
    held = [s for s in offering.sessions.all() if dt.datetime.combine(s.date, s.end_time, tzinfo=tz) < now]
    records = []
    for session in held:
        start = dt.datetime.combine(session.date, session.start_time, tzinfo=tz)
        for enrollment in enrollments:
            roll = rng.random()
            status = (
                AttendanceStatus.PRESENT
                if roll < 0.8
                else AttendanceStatus.LATE
                if roll < 0.88
                else AttendanceStatus.EXCUSED
                if roll < 0.92
                else AttendanceStatus.ABSENT
            )
            qr = status in (AttendanceStatus.PRESENT, AttendanceStatus.LATE)
            records.append(
                Attendance(
                    session=session,
                    enrollment=enrollment,
                    status=status,
                    method=AttendanceMethod.QR if qr else AttendanceMethod.MANUAL,
                    checked_in_at=start + dt.timedelta(minutes=rng.randint(-10, 25) if status == "late" else -5)
                    if qr
                    else None,
                )
            )
    created = Attendance.objects.bulk_create(records)
    AttendanceChange.objects.bulk_create(
        AttendanceChange(
            attendance=a, old_status="", new_status=a.status, method=a.method, changed_by_id=by_id, reason=""
        )
        for a in created
    )


def _running_offering(trainee_id: int, today: dt.date) -> Offering | None:
    enrollment = (
        Enrollment.objects.filter(trainee_id=trainee_id, status=Status.APPROVED)
        .filter(Q(offering__start_date__lte=today))
        .select_related("offering")
        .order_by("-offering__start_date")
        .first()
    ) or (
        Enrollment.objects.filter(trainee_id=trainee_id, status=Status.APPROVED)
        .select_related("offering")
        .order_by("offering__start_date")
        .first()
    )
    return enrollment.offering if enrollment else None


def learning_seed(*, personas: Personas, rng: random.Random) -> int:
    """Online content for the demo trainees' current courses, and credentials for their past ones.
    Returns the number of offerings given content."""
    now = timezone.now()
    today = timezone.localdate()
    offerings: list[Offering] = []
    for person in (personas.worker, personas.student):
        offering = _running_offering(person.pk, today)
        if offering is not None and offering not in offerings:
            offerings.append(offering)
    for offering in offerings:
        offering.instructors.add(personas.instructor)
        _content_create(offering)
        _attendance_create(offering, rng, personas.instructor.pk, now)
        student_progress = Enrollment.objects.filter(offering=offering, trainee=personas.student).first()
        if student_progress is not None:
            text = Lesson.objects.filter(module__offering=offering, kind=Lesson.Kind.TEXT).first()
            if text is not None:
                LessonProgress.objects.create(lesson=text, enrollment=student_progress, completed_at=now)
    # The persona trainees' past courses: decided, passed, with a signed Open Badge.
    for person in (personas.worker, personas.student):
        for enrollment in Enrollment.objects.filter(trainee=person, status=Status.COMPLETED).select_related(
            "offering__course__institution", "offering__course__track", "trainee"
        ):
            credential = completion_credential_issue(enrollment=enrollment)
            Completion.objects.create(
                enrollment=enrollment,
                passed=True,
                evidence={"checks": {}, "passed": True, "note": "demo"},
                decided_at=now,
                credential=credential,
            )
    return len(offerings)
