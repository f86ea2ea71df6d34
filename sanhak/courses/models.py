"""Programs, courses, their offerings in a term, and the sessions of an offering."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from sanhak.common.i18n import NamedInLanguage, in_language, in_other_language
from sanhak.common.models import TimeStampedModel

if TYPE_CHECKING:
    from sanhak.competencies.models import Competency

EVENING_START = dt.time(18, 0)


class Mode(models.TextChoices):
    ONLINE = "online", _("온라인")
    OFFLINE = "offline", _("오프라인")
    BLENDED = "blended", _("블렌디드")


class Program(NamedInLanguage, models.Model):
    name_ko = models.CharField(_("이름"), max_length=150)
    name_en = models.CharField(_("영문 이름"), max_length=200, blank=True)
    track = models.ForeignKey("competencies.Track", on_delete=models.PROTECT, related_name="programs")
    institution = models.ForeignKey("accounts.Institution", on_delete=models.PROTECT, related_name="programs")

    class Meta:
        ordering = ["name_ko"]
        verbose_name = _("프로그램")
        verbose_name_plural = _("프로그램")
        constraints = [models.UniqueConstraint(fields=["institution", "name_ko"], name="program_unique_name")]

    def __str__(self) -> str:
        return self.name


class Course(TimeStampedModel):
    code = models.CharField(_("과목 코드"), max_length=30, unique=True)
    title_ko = models.CharField(_("과목명"), max_length=200)
    title_en = models.CharField(_("영문 과목명"), max_length=250, blank=True)
    description = models.TextField(_("설명"), blank=True)
    institution = models.ForeignKey(
        "accounts.Institution", on_delete=models.PROTECT, related_name="courses", verbose_name=_("운영 기관")
    )
    program = models.ForeignKey(
        Program, on_delete=models.SET_NULL, null=True, blank=True, related_name="courses", verbose_name=_("프로그램")
    )
    track = models.ForeignKey(
        "competencies.Track", on_delete=models.PROTECT, related_name="courses", verbose_name=_("트랙")
    )
    mode = models.CharField(_("운영 방식"), max_length=10, choices=Mode.choices)
    hours = models.PositiveSmallIntegerField(_("교육 시간"))
    competencies: models.ManyToManyField[Competency, CourseCompetency] = models.ManyToManyField(
        "competencies.Competency", through="CourseCompetency", related_name="courses", verbose_name=_("역량")
    )
    prerequisites = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="unlocks", verbose_name=_("선수 과목")
    )
    # Kiwi morphemes of the title, description and competency names, space-delimited with a
    # leading space (" 산업 용 로봇 운용"), so that a query morpheme matches a word prefix.
    search_tokens = models.TextField(editable=False, default="")
    is_active = models.BooleanField(_("운영 중"), default=True)

    class Meta:
        ordering = ["code"]
        indexes = [models.Index(fields=["updated_at"])]
        verbose_name = _("과목")
        verbose_name_plural = _("과목")
        constraints = [models.CheckConstraint(condition=Q(hours__gt=0), name="course_hours_positive")]

    def __str__(self) -> str:
        return f"{self.title} ({self.code})"

    @property
    def title(self) -> str:
        return in_language(self.title_ko, self.title_en)

    @property
    def title_other(self) -> str:
        return in_other_language(self.title_ko, self.title_en)


class CourseCompetency(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="course_competencies")
    competency = models.ForeignKey(
        "competencies.Competency", on_delete=models.PROTECT, related_name="course_competencies"
    )
    target_level = models.PositiveSmallIntegerField(_("목표 수준"))

    class Meta:
        ordering = ["competency__code"]
        verbose_name = _("과목 역량")
        verbose_name_plural = _("과목 역량")
        constraints = [
            models.UniqueConstraint(fields=["course", "competency"], name="course_competency_unique"),
            models.CheckConstraint(condition=Q(target_level__gte=1, target_level__lte=8), name="target_level_1_8"),
        ]

    def __str__(self) -> str:
        return f"{self.course_id}:{self.competency_id}@{self.target_level}"


class OfferingQuerySet(models.QuerySet["Offering"]):
    def with_open_seats(self) -> OfferingQuerySet:
        return self.filter(approved_count__lt=F("capacity"))


class Offering(TimeStampedModel):
    """A course run in a term: dates, seats, instructors, place and sessions."""

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="offerings", verbose_name=_("과목"))
    term = models.CharField(_("학기"), max_length=20, help_text=_("예: 2026-2"))
    start_date = models.DateField(_("시작일"))
    end_date = models.DateField(_("종료일"))
    capacity = models.PositiveIntegerField(_("정원"))
    # Maintained by the enrollment services in the same transaction as the enrollment row;
    # the check constraint below makes over-filling impossible even if code is wrong.
    approved_count = models.PositiveIntegerField(_("승인 인원"), default=0, editable=False)
    instructors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="taught_offerings", verbose_name=_("강사")
    )
    location = models.CharField(_("장소"), max_length=200, blank=True)
    has_evening = models.BooleanField(_("평일 저녁"), default=False, editable=False)
    has_weekend = models.BooleanField(_("주말"), default=False, editable=False)
    is_open = models.BooleanField(_("신청 가능"), default=True)

    objects = OfferingQuerySet.as_manager()

    class Meta:
        ordering = ["start_date", "id"]
        verbose_name = _("개설 강좌")
        verbose_name_plural = _("개설 강좌")
        indexes = [
            models.Index(fields=["course", "start_date"]),
            models.Index(fields=["updated_at"]),
            models.Index(fields=["end_date"], name="offering_end_date_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(approved_count__lte=F("capacity")), name="offering_not_over_capacity"),
            models.CheckConstraint(condition=Q(end_date__gte=F("start_date")), name="offering_dates_ordered"),
            models.CheckConstraint(condition=Q(capacity__gt=0), name="offering_capacity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.course.title_ko} {self.term}"

    @property
    def seats_left(self) -> int:
        return max(self.capacity - self.approved_count, 0)


class Session(models.Model):
    offering = models.ForeignKey(Offering, on_delete=models.CASCADE, related_name="sessions")
    date = models.DateField(_("날짜"))
    start_time = models.TimeField(_("시작"))
    end_time = models.TimeField(_("종료"))
    room = models.CharField(_("강의실"), max_length=100, blank=True)

    class Meta:
        ordering = ["date", "start_time"]
        verbose_name = _("수업")
        verbose_name_plural = _("수업")
        constraints = [
            models.CheckConstraint(condition=Q(end_time__gt=F("start_time")), name="session_end_after_start")
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.start_time:%H:%M}–{self.end_time:%H:%M}"

    @property
    def is_weekend(self) -> bool:
        return self.date.weekday() >= 5

    @property
    def is_evening(self) -> bool:
        return not self.is_weekend and self.start_time >= EVENING_START
