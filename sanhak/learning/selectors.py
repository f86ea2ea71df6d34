"""Reads across lessons, quizzes and attendance: the figures per trainee that the progress table, the
gradebook and the completion decision all rest on (computed in one place, with a fixed number of
queries however many trainees an offering has)."""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Max, Q, Sum
from django.utils import timezone

from sanhak.courses.models import Offering, Session
from sanhak.enrollment.models import Enrollment
from sanhak.learning.models import (
    LEARNING_STATUSES,
    Attendance,
    AttendanceStatus,
    CompletionRule,
    Lesson,
    LessonProgress,
    Quiz,
    QuizAttempt,
)


def _shown(value: float) -> float:
    """One decimal, rounded down, so that a value shown as meeting a threshold does meet it."""
    return math.floor(value * 10) / 10


@dataclass
class Figures:
    """One trainee's standing in an offering."""

    enrollment: Enrollment
    lessons_done: int = 0
    lessons_required: int = 0
    video_share: dict[int, float] = field(default_factory=dict)  # lesson id -> share watched (0..1)
    completed_lessons: set[int] = field(default_factory=set)
    time_spent_seconds: int = 0
    last_seen_at: dt.datetime | None = None
    quiz_best: dict[int, float | None] = field(default_factory=dict)  # quiz id -> best percent, None = not taken
    attempts_used: dict[int, int] = field(default_factory=dict)
    present: int = 0
    late: int = 0
    absent: int = 0
    excused: int = 0
    sessions_counted: int = 0

    @property
    def lessons_percent(self) -> float | None:
        return 100.0 * self.lessons_done / self.lessons_required if self.lessons_required else None

    @property
    def attendance_percent(self) -> float | None:
        """(present + late) over the sessions held, excused sessions left out."""
        counted = self.sessions_counted - self.excused
        return 100.0 * (self.present + self.late) / counted if counted > 0 else None

    @property
    def quiz_average(self) -> float | None:
        """The average of the best attempt of each quiz that counts; a quiz not taken counts 0."""
        if not self.quiz_best:
            return None
        return sum(v or 0.0 for v in self.quiz_best.values()) / len(self.quiz_best)

    @property
    def quizzes_taken(self) -> int:
        """How many of the quizzes that count have an attempt (the others count 0 in the average)."""
        return sum(1 for v in self.quiz_best.values() if v is not None)

    def evidence(self, rule: CompletionRule) -> dict[str, Any]:
        """What a completion decision records, and whether each applicable condition was met."""
        checks: dict[str, Any] = {}
        att, quiz = self.attendance_percent, self.quiz_average
        if rule.min_attendance_percent is not None and att is not None:
            checks["attendance"] = {
                "value": _shown(att),
                "required": rule.min_attendance_percent,
                "met": att >= rule.min_attendance_percent,
                "present": self.present,
                "late": self.late,
                "absent": self.absent,
                "excused": self.excused,
                "sessions": self.sessions_counted,
            }
        if rule.min_quiz_average is not None and quiz is not None:
            checks["quiz_average"] = {
                "value": _shown(quiz),
                "required": rule.min_quiz_average,
                "met": quiz >= rule.min_quiz_average,
                "best": {str(k): (round(v, 1) if v is not None else None) for k, v in self.quiz_best.items()},
            }
        if rule.require_all_lessons and self.lessons_required:
            checks["lessons"] = {
                "value": self.lessons_done,
                "required": self.lessons_required,
                "met": self.lessons_done >= self.lessons_required,
            }
        return {"checks": checks, "passed": all(c["met"] for c in checks.values())}


def offering_lessons(offering: Offering) -> list[Lesson]:
    return list(Lesson.objects.filter(module__offering=offering).select_related("module"))


def offering_quizzes(offering: Offering) -> list[Quiz]:
    return list(Quiz.objects.filter(offering=offering).order_by("id"))


def learning_enrollments(offering: Offering, *, undecided: bool = False) -> list[Enrollment]:
    """The offering's learners; `undecided`: only the approved ones with no completion decision yet."""
    qs = Enrollment.objects.filter(offering=offering, status__in=LEARNING_STATUSES)
    if undecided:
        qs = qs.filter(status="approved", completion__isnull=True)
    return list(qs.select_related("trainee__trainee_profile__employer").order_by("trainee__name", "id"))


def offering_figures(
    offering: Offering,
    enrollments: list[Enrollment] | None = None,
    *,
    until: dt.datetime | None = None,
    lessons: list[Lesson] | None = None,
    quizzes: list[Quiz] | None = None,
    per_lesson: bool = False,
) -> dict[int, Figures]:
    """Figures per enrollment id (`per_lesson`: also which lessons are done and how much of each video
    was watched, for one trainee's classroom). Attendance counts the sessions that started before `until` (default:
    now); the completion decision passes the offering's end so that every session counts."""
    until = until or timezone.now()
    enrollments = learning_enrollments(offering) if enrollments is None else enrollments
    lessons = offering_lessons(offering) if lessons is None else lessons
    quizzes = offering_quizzes(offering) if quizzes is None else quizzes
    figures = {e.pk: Figures(enrollment=e) for e in enrollments}
    required = {lesson.pk for lesson in lessons if lesson.required}
    durations = {lesson.pk: lesson.duration_seconds for lesson in lessons if lesson.kind == Lesson.Kind.VIDEO}
    counting = [q.pk for q in quizzes if q.counts_toward_completion]
    for fig in figures.values():
        fig.lessons_required = len(required)
        fig.quiz_best = dict.fromkeys(counting)
    if not figures:
        return figures

    progress = LessonProgress.objects.filter(enrollment__offering=offering, lesson__module__offering=offering)
    if per_lesson:
        for enrollment_id, lesson_id, watched, spent, seen, completed in progress.values_list(
            "enrollment_id", "lesson_id", "watched_seconds", "time_spent_seconds", "last_seen_at", "completed_at"
        ):
            if (found := figures.get(enrollment_id)) is None:
                continue
            fig = found
            fig.time_spent_seconds += spent
            fig.last_seen_at = max(fig.last_seen_at, seen) if fig.last_seen_at else seen
            if durations.get(lesson_id):
                fig.video_share[lesson_id] = min(watched / durations[lesson_id], 1.0)
            if completed is not None:
                fig.completed_lessons.add(lesson_id)
                if lesson_id in required:
                    fig.lessons_done += 1
    else:  # totals only, summed by the database (a 200-trainee table reads 200 rows, not 2,000)
        for row in progress.values("enrollment_id").annotate(
            spent=Sum("time_spent_seconds"),
            seen=Max("last_seen_at"),
            done=Count("id", filter=Q(completed_at__isnull=False, lesson_id__in=required)),
        ):
            if (found := figures.get(row["enrollment_id"])) is None:
                continue
            found.time_spent_seconds, found.last_seen_at, found.lessons_done = row["spent"], row["seen"], row["done"]

    for enrollment_id, quiz_id, score, top in QuizAttempt.objects.filter(
        enrollment__offering=offering, quiz__offering=offering, submitted_at__isnull=False
    ).values_list("enrollment_id", "quiz_id", "score", "max_score"):
        if (found := figures.get(enrollment_id)) is None:
            continue
        fig = found
        fig.attempts_used[quiz_id] = fig.attempts_used.get(quiz_id, 0) + 1
        if quiz_id in fig.quiz_best:
            percent = 100.0 * score / top if top else 0.0
            fig.quiz_best[quiz_id] = max(fig.quiz_best[quiz_id] or 0.0, percent)

    tz = timezone.get_current_timezone()
    held = [
        s.pk
        for s in Session.objects.filter(offering=offering).only("date", "start_time")
        if dt.datetime.combine(s.date, s.start_time, tzinfo=tz) <= until
    ]
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for row in (
        Attendance.objects.filter(enrollment__offering=offering, session_id__in=held)
        .values("enrollment_id", "status")
        .annotate(n=Count("id"))
    ):
        counts[row["enrollment_id"]][row["status"]] = row["n"]
    for enrollment_id, fig in figures.items():
        c = counts.get(enrollment_id, {})
        fig.sessions_counted = len(held)
        fig.present = c.get(AttendanceStatus.PRESENT, 0)
        fig.late = c.get(AttendanceStatus.LATE, 0)
        fig.excused = c.get(AttendanceStatus.EXCUSED, 0)
        fig.absent = len(held) - fig.present - fig.late - fig.excused
    return figures
