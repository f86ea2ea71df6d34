"""A small online classroom for the page and browser tests: the robot course running since last week,
ending today, with a text lesson, the 6-second sample video, and a two-question quiz."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

from django.utils import timezone

from sanhak.enrollment.services import enrollment_apply, enrollment_approve
from sanhak.learning import services
from sanhak.learning.demo import sample_video
from sanhak.learning.models import Lesson


def classroom_create(personas: Any, catalog: Any, *, trainees: tuple[Any, ...] = ()) -> SimpleNamespace:
    today = timezone.localdate()
    offering = catalog.robot_offering
    now = timezone.localtime()
    # A session under way now (for QR check-in) and one last week.
    offering.sessions.all().delete()
    earlier, later = now - dt.timedelta(minutes=5), now + dt.timedelta(hours=1)
    start = earlier.time().replace(second=0, microsecond=0) if earlier.date() == today else dt.time(0, 0)
    end = later.time().replace(second=0, microsecond=0) if later.date() == today else dt.time(23, 59)
    offering.sessions.create(
        date=today - dt.timedelta(days=7), start_time=dt.time(19), end_time=dt.time(22), room="B101"
    )
    current = offering.sessions.create(date=today, start_time=start, end_time=end, room="B101")
    for person in trainees or (personas.student, personas.worker):
        enrollment_approve(enrollment=enrollment_apply(offering=offering, trainee=person), by=personas.coordinator)
    offering.start_date, offering.end_date = today - dt.timedelta(days=7), today
    offering.save(update_fields=["start_date", "end_date"])
    module = services.module_create(offering=offering, title="1주차")
    text = services.lesson_create(module=module, title="과정 안내", kind=Lesson.Kind.TEXT, body="<p>안녕하세요</p>")
    video = services.lesson_create(
        module=module, title="로봇 셀 영상", kind=Lesson.Kind.VIDEO, file=sample_video(), duration_seconds=6
    )
    quiz = services.quiz_create(offering=offering, module=module, title="확인 퀴즈", max_attempts=2)
    q1 = services.question_add(
        quiz=quiz, text="협동로봇 작업 전 먼저 확인할 것은?", choices=[("비상정지 버튼", True), ("조명", False)]
    )
    q2 = services.question_add(quiz=quiz, text="생산 실적 관리 시스템의 약자는?", accepted_answers=["MES"])
    services.completion_rule_set(
        offering=offering, min_attendance_percent=None, min_quiz_average=60, require_all_lessons=True
    )
    return SimpleNamespace(
        offering=offering, module=module, text=text, video=video, quiz=quiz, q1=q1, q2=q2, session=current
    )
