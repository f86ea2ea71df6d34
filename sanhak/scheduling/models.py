"""The platform side of timetabling: rooms, campuses, instructors' availability, offering plans and runs.

A run's problem is translated into an ITC 2019 problem (:mod:`.problem`) and solved by the ITC 2019
solver core (:mod:`.itc2019`); its result is kept as JSON until a coordinator accepts it, which
creates the offering sessions (and lab reservations).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from sanhak.common.models import TimeStampedModel


class Room(models.Model):
    """A teaching room or lab of an institution, on one of its campuses."""

    institution = models.ForeignKey("accounts.Institution", on_delete=models.PROTECT, related_name="rooms")
    campus = models.CharField(_("캠퍼스"), max_length=60)
    building = models.CharField(_("건물"), max_length=100)
    name = models.CharField(_("강의실"), max_length=60)
    capacity = models.PositiveIntegerField(_("수용 인원"))
    is_lab = models.BooleanField(_("실습실"), default=False)
    facility = models.ForeignKey(
        "labs.Facility",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="rooms",
        verbose_name=_("연결된 실습실(장비 예약)"),
    )
    is_active = models.BooleanField(_("사용"), default=True)

    class Meta:
        ordering = ["institution_id", "campus", "building", "name"]
        verbose_name = _("강의실")
        verbose_name_plural = _("강의실")
        constraints = [
            models.UniqueConstraint(fields=["institution", "campus", "building", "name"], name="room_unique_name"),
            models.CheckConstraint(condition=Q(capacity__gt=0), name="room_capacity_positive"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return f"{self.campus} {self.building} {self.name}"


class CampusTravel(models.Model):
    """Minutes an instructor needs between two campuses of an institution (or of two institutions)."""

    campus_a = models.CharField(_("캠퍼스 A"), max_length=60)
    campus_b = models.CharField(_("캠퍼스 B"), max_length=60)
    minutes = models.PositiveIntegerField(_("이동 시간(분)"))

    class Meta:
        ordering = ["campus_a", "campus_b"]
        verbose_name = _("캠퍼스 간 이동 시간")
        verbose_name_plural = _("캠퍼스 간 이동 시간")
        constraints = [
            models.UniqueConstraint(fields=["campus_a", "campus_b"], name="campus_travel_unique"),
            models.CheckConstraint(condition=Q(campus_a__lt=F("campus_b")), name="campus_travel_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.campus_a}–{self.campus_b}: {self.minutes}"


class InstructorAvailability(models.Model):
    """When an instructor CAN teach; an instructor without any row may teach at any time of the windows."""

    instructor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="availability")
    weekday = models.PositiveSmallIntegerField(_("요일"), help_text=_("0=월 … 6=일"))
    start = models.TimeField(_("시작"))
    end = models.TimeField(_("종료"))

    class Meta:
        ordering = ["instructor_id", "weekday", "start"]
        verbose_name = _("강사 가능 시간")
        verbose_name_plural = _("강사 가능 시간")
        constraints = [
            models.CheckConstraint(condition=Q(weekday__lte=6), name="availability_weekday_0_6"),
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="availability_end_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.instructor_id} {self.weekday} {self.start:%H:%M}–{self.end:%H:%M}"


class Cohort(models.TextChoices):
    INCUMBENT = "incumbent", _("재직자")
    STUDENT = "student", _("학생")


class OfferingPlan(models.Model):
    """How an offering should meet each week; the scheduler chooses the days, times and rooms."""

    offering = models.OneToOneField("courses.Offering", on_delete=models.CASCADE, related_name="plan")
    weekly_sessions = models.PositiveSmallIntegerField(_("주당 수업 수"), default=1)
    session_minutes = models.PositiveSmallIntegerField(_("수업 시간(분)"), default=180)
    cohort = models.CharField(_("대상"), max_length=12, choices=Cohort.choices, default=Cohort.INCUMBENT)
    cohort_group = models.CharField(
        _("수강 집단"),
        max_length=60,
        blank=True,
        help_text=_("같은 집단의 강좌는 시간이 겹치지 않습니다"),
    )
    needs_lab = models.BooleanField(_("실습실 필요"), default=False)

    class Meta:
        verbose_name = _("강좌 편성 계획")
        verbose_name_plural = _("강좌 편성 계획")
        constraints = [
            models.CheckConstraint(
                condition=Q(weekly_sessions__gte=1, weekly_sessions__lte=6), name="plan_weekly_sessions_1_6"
            ),
            models.CheckConstraint(
                condition=Q(session_minutes__gte=30, session_minutes__lte=600), name="plan_session_minutes_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.offering_id}: {self.weekly_sessions}×{self.session_minutes}"


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("대기")
    RUNNING = "running", _("계산 중")
    DONE = "done", _("완료")
    FAILED = "failed", _("실패")
    INFEASIBLE = "infeasible", _("해 없음")


class SchedulingRun(TimeStampedModel):
    """One solver run for a term (one institution, or all): queued by a page, solved by the worker."""

    term = models.CharField(_("학기"), max_length=20)
    institution = models.ForeignKey(
        "accounts.Institution",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="scheduling_runs",
        verbose_name=_("기관"),
        help_text=_("비우면 모든 기관"),
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("상태"), max_length=12, choices=RunStatus.choices, default=RunStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(_("진행률"), default=0)
    message = models.TextField(_("메시지"), blank=True)
    time_limit = models.PositiveIntegerField(_("시간 제한(초)"), default=60)
    options: models.JSONField[dict[str, Any]] = models.JSONField(_("조정한 조건"), default=dict, blank=True)
    result: models.JSONField[dict[str, Any]] = models.JSONField(_("결과"), default=dict, blank=True)
    started_at = models.DateTimeField(_("시작"), null=True, blank=True)
    finished_at = models.DateTimeField(_("종료"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("확정"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("시간표 편성")
        verbose_name_plural = _("시간표 편성")
        indexes = [models.Index(fields=["status", "created_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="run_progress_0_100"),
            models.CheckConstraint(condition=Q(time_limit__gte=1), name="run_time_limit_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.term} #{self.pk}"

    @property
    def is_active(self) -> bool:
        return self.status in (RunStatus.QUEUED, RunStatus.RUNNING)
