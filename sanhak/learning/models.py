"""Online learning: modules and lessons, progress, quizzes, attendance, completion rules and decisions.

Every per-trainee row hangs off an `Enrollment`, so an offering's data for one trainee is reached
through one key and disappears with nobody else's.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sanhak.common.models import TimeStampedModel
from sanhak.common.validators import reject_rrn

# Enrollments that may learn (and be decided on): approved ones, and completed ones looking back.
LEARNING_STATUSES = ("approved", "completed")
VIDEO_COMPLETE_SHARE = 0.9  # a video counts as watched when 90% of it has been seen


class Module(models.Model):
    offering = models.ForeignKey("courses.Offering", on_delete=models.CASCADE, related_name="modules")
    position = models.PositiveSmallIntegerField(_("순서"), default=1)
    title = models.CharField(_("모듈명"), max_length=200)

    class Meta:
        ordering = ["offering", "position", "id"]
        verbose_name = _("학습 모듈")
        verbose_name_plural = _("학습 모듈")

    def __str__(self) -> str:
        return self.title


class Lesson(models.Model):
    class Kind(models.TextChoices):
        VIDEO = "video", _("동영상")
        DOCUMENT = "document", _("문서(PDF)")
        TEXT = "text", _("본문")

    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="lessons")
    position = models.PositiveSmallIntegerField(_("순서"), default=1)
    title = models.CharField(_("차시명"), max_length=200)
    kind = models.CharField(_("유형"), max_length=10, choices=Kind.choices)
    file = models.FileField(_("파일"), upload_to="lessons/%Y/%m/", blank=True)
    content_type = models.CharField(_("파일 형식"), max_length=100, blank=True)
    body = models.TextField(_("본문"), blank=True, help_text=_("허용된 HTML만 남습니다"))
    duration_seconds = models.PositiveIntegerField(_("영상 길이(초)"), default=0)
    required = models.BooleanField(_("수료 필수"), default=True)

    class Meta:
        ordering = ["module__position", "module_id", "position", "id"]
        verbose_name = _("차시")
        verbose_name_plural = _("차시")
        constraints = [
            models.CheckConstraint(condition=Q(kind="text") | ~Q(file=""), name="learning_lesson_file_for_media"),
        ]

    def __str__(self) -> str:
        return self.title


class LessonProgress(models.Model):
    """What one trainee did with one lesson. `watched` holds the merged [start, end) second ranges
    actually played, so skipping ahead does not count as watching."""

    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="progress")
    enrollment = models.ForeignKey("enrollment.Enrollment", on_delete=models.CASCADE, related_name="lesson_progress")
    started_at = models.DateTimeField(_("시작"), auto_now_add=True)
    last_seen_at = models.DateTimeField(_("최근 학습"), default=timezone.now)
    watched = models.JSONField(_("시청 구간"), default=list)
    watched_seconds = models.PositiveIntegerField(_("시청한 시간(초)"), default=0)
    time_spent_seconds = models.PositiveIntegerField(_("학습 시간(초)"), default=0)
    completed_at = models.DateTimeField(_("완료"), null=True, blank=True)

    class Meta:
        verbose_name = _("학습 진도")
        verbose_name_plural = _("학습 진도")
        constraints = [models.UniqueConstraint(fields=["lesson", "enrollment"], name="learning_progress_unique")]

    def __str__(self) -> str:
        return f"{self.enrollment_id}:{self.lesson_id}"


class Quiz(models.Model):
    offering = models.ForeignKey("courses.Offering", on_delete=models.CASCADE, related_name="quizzes")
    module = models.ForeignKey(Module, on_delete=models.SET_NULL, null=True, blank=True, related_name="quizzes")
    title = models.CharField(_("퀴즈명"), max_length=200)
    max_attempts = models.PositiveSmallIntegerField(_("응시 가능 횟수"), default=1)
    time_limit_minutes = models.PositiveSmallIntegerField(
        _("제한 시간(분)"), null=True, blank=True, help_text=_("비우면 제한 없음")
    )
    questions_per_attempt = models.PositiveSmallIntegerField(
        _("출제 문항 수"), null=True, blank=True, help_text=_("문제 은행에서 뽑을 문항 수, 비우면 전부")
    )
    counts_toward_completion = models.BooleanField(_("수료 평가에 반영"), default=True)

    class Meta:
        ordering = ["offering", "id"]
        verbose_name = _("퀴즈")
        verbose_name_plural = _("퀴즈")
        constraints = [
            models.CheckConstraint(condition=Q(max_attempts__gte=1), name="learning_quiz_attempts_positive"),
        ]

    def __str__(self) -> str:
        return self.title


class Question(models.Model):
    class Kind(models.TextChoices):
        CHOICE = "choice", _("객관식")
        SHORT = "short", _("단답형")

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(_("순서"), default=1)
    kind = models.CharField(_("유형"), max_length=10, choices=Kind.choices)
    text = models.TextField(_("문제"))
    points = models.PositiveSmallIntegerField(_("배점"), default=1)
    accepted_answers = models.TextField(
        _("정답(단답형)"), blank=True, help_text=_("한 줄에 하나; 띄어쓰기와 대소문자는 무시")
    )

    class Meta:
        ordering = ["quiz", "position", "id"]
        verbose_name = _("문항")
        verbose_name_plural = _("문항")
        constraints = [models.CheckConstraint(condition=Q(points__gte=1), name="learning_question_points_positive")]

    def __str__(self) -> str:
        return self.text[:50]


class Choice(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    text = models.CharField(_("보기"), max_length=300)
    is_correct = models.BooleanField(_("정답"), default=False)

    class Meta:
        ordering = ["question", "id"]
        verbose_name = _("보기")
        verbose_name_plural = _("보기")

    def __str__(self) -> str:
        return self.text


class QuizAttempt(models.Model):
    """One sitting of a quiz. `plan` fixes which questions (and in which order, with which choice
    order) this attempt drew from the pool."""

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="attempts")
    enrollment = models.ForeignKey("enrollment.Enrollment", on_delete=models.CASCADE, related_name="quiz_attempts")
    number = models.PositiveSmallIntegerField(_("회차"))
    plan = models.JSONField(default=list)
    started_at = models.DateTimeField(_("시작"))
    deadline = models.DateTimeField(_("마감"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("제출"), null=True, blank=True)
    score = models.PositiveIntegerField(_("점수"), default=0)
    max_score = models.PositiveIntegerField(_("만점"), default=0)
    timed_out = models.BooleanField(_("시간 초과"), default=False)

    class Meta:
        ordering = ["quiz", "enrollment", "number"]
        verbose_name = _("응시")
        verbose_name_plural = _("응시")
        constraints = [
            models.UniqueConstraint(fields=["quiz", "enrollment", "number"], name="learning_attempt_number_unique"),
            models.CheckConstraint(condition=Q(number__gte=1), name="learning_attempt_number_positive"),
            models.CheckConstraint(condition=Q(score__lte=F("max_score")), name="learning_attempt_score_le_max"),
        ]

    def __str__(self) -> str:
        return f"{self.quiz_id}/{self.enrollment_id} #{self.number}"

    @property
    def percent(self) -> float:
        return 100.0 * self.score / self.max_score if self.max_score else 0.0


class Answer(models.Model):
    attempt = models.ForeignKey(QuizAttempt, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+")
    choice = models.ForeignKey(Choice, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    text = models.CharField(_("답"), max_length=300, blank=True)
    is_correct = models.BooleanField(_("정답 여부"), default=False)
    points = models.PositiveSmallIntegerField(_("득점"), default=0)

    class Meta:
        verbose_name = _("답안")
        verbose_name_plural = _("답안")
        constraints = [models.UniqueConstraint(fields=["attempt", "question"], name="learning_answer_unique")]

    def __str__(self) -> str:
        return f"{self.attempt_id}:{self.question_id}"


# --- attendance -------------------------------------------------------------------------------------


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("출석")
    LATE = "late", _("지각")
    ABSENT = "absent", _("결석")
    EXCUSED = "excused", _("공결")


class AttendanceMethod(models.TextChoices):
    QR = "qr", _("QR 체크인")
    MANUAL = "manual", _("직접 입력")


class Attendance(models.Model):
    session = models.ForeignKey("courses.Session", on_delete=models.CASCADE, related_name="attendance")
    enrollment = models.ForeignKey("enrollment.Enrollment", on_delete=models.CASCADE, related_name="attendance")
    status = models.CharField(_("출결"), max_length=10, choices=AttendanceStatus.choices)
    method = models.CharField(_("방법"), max_length=10, choices=AttendanceMethod.choices)
    checked_in_at = models.DateTimeField(_("체크인 시각"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("출결")
        verbose_name_plural = _("출결")
        constraints = [models.UniqueConstraint(fields=["session", "enrollment"], name="learning_attendance_unique")]

    def __str__(self) -> str:
        return f"{self.session_id}/{self.enrollment_id} {self.status}"


class AttendanceChange(models.Model):
    """Audit trail: every status an attendance record had, who set it, when and why."""

    attendance = models.ForeignKey(Attendance, on_delete=models.CASCADE, related_name="changes")
    old_status = models.CharField(_("이전"), max_length=10, choices=AttendanceStatus.choices, blank=True)
    new_status = models.CharField(_("변경"), max_length=10, choices=AttendanceStatus.choices)
    method = models.CharField(_("방법"), max_length=10, choices=AttendanceMethod.choices)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField(_("변경 시각"), auto_now_add=True)
    reason = models.CharField(_("사유"), max_length=300, blank=True, validators=[reject_rrn])

    class Meta:
        ordering = ["attendance", "changed_at", "id"]
        verbose_name = _("출결 변경 기록")
        verbose_name_plural = _("출결 변경 기록")

    def __str__(self) -> str:
        return f"{self.attendance_id}: {self.old_status or '-'} → {self.new_status}"


# --- completion -------------------------------------------------------------------------------------


class CompletionRule(models.Model):
    """What an offering asks for completion. An empty threshold is not applied."""

    offering = models.OneToOneField("courses.Offering", on_delete=models.CASCADE, related_name="completion_rule")
    min_attendance_percent = models.PositiveSmallIntegerField(_("최소 출석률(%)"), null=True, blank=True, default=80)
    min_quiz_average = models.PositiveSmallIntegerField(_("최소 퀴즈 평균(점)"), null=True, blank=True, default=60)
    require_all_lessons = models.BooleanField(_("모든 필수 차시 완료"), default=True)

    class Meta:
        verbose_name = _("수료 기준")
        verbose_name_plural = _("수료 기준")
        constraints = [
            models.CheckConstraint(
                condition=Q(min_attendance_percent__lte=100) | Q(min_attendance_percent__isnull=True),
                name="learning_rule_attendance_le_100",
            ),
            models.CheckConstraint(
                condition=Q(min_quiz_average__lte=100) | Q(min_quiz_average__isnull=True),
                name="learning_rule_quiz_le_100",
            ),
        ]

    def __str__(self) -> str:
        return str(self.offering_id)


class Completion(TimeStampedModel):
    """The decision on one enrollment when its offering ended, with the evidence it rested on."""

    enrollment = models.OneToOneField("enrollment.Enrollment", on_delete=models.CASCADE, related_name="completion")
    passed = models.BooleanField(_("수료"))
    evidence = models.JSONField(_("근거"), default=dict)
    decided_at = models.DateTimeField(_("판정 시각"))
    overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    override_reason = models.CharField(_("조정 사유"), max_length=300, blank=True, validators=[reject_rrn])
    credential = models.OneToOneField(
        "credentials.IssuedCredential", on_delete=models.PROTECT, null=True, blank=True, related_name="completion"
    )

    class Meta:
        ordering = ["enrollment"]
        verbose_name = _("수료 판정")
        verbose_name_plural = _("수료 판정")
        constraints = [
            models.CheckConstraint(
                condition=Q(overridden_by__isnull=True) | ~Q(override_reason=""),
                name="learning_override_has_reason",
            )
        ]

    def __str__(self) -> str:
        return f"{self.enrollment_id}: {'pass' if self.passed else 'fail'}"


class CompletionOverride(models.Model):
    """Log of the coordinator's overrides."""

    completion = models.ForeignKey(Completion, on_delete=models.CASCADE, related_name="overrides")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    from_passed = models.BooleanField()
    to_passed = models.BooleanField()
    reason = models.CharField(_("사유"), max_length=300, validators=[reject_rrn])

    class Meta:
        ordering = ["completion", "at", "id"]
        verbose_name = _("수료 판정 조정 기록")
        verbose_name_plural = _("수료 판정 조정 기록")

    def __str__(self) -> str:
        return f"{self.completion_id}: {self.from_passed} → {self.to_passed}"
