"""Shared labs: facilities, equipment, booking rules, training records and reservations.

No double booking: an active reservation blocks its equipment from `starts_at` to `blocked_until`
(the end plus the buffer). The database refuses two overlapping blocks on one piece of equipment:
an exclusion constraint on PostgreSQL, triggers on SQLite (migration 0002).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from sanhak.common.i18n import NamedInLanguage
from sanhak.common.models import TimeStampedModel
from sanhak.common.validators import reject_rrn


class BookingRules(models.Model):
    """A named set of booking rules: the default of an equipment type, or one piece's own override."""

    name = models.CharField(_("이름"), max_length=100)
    min_minutes = models.PositiveIntegerField(_("최소 이용 시간(분)"), default=30)
    max_minutes = models.PositiveIntegerField(_("최대 이용 시간(분)"), default=240)
    slot_minutes = models.PositiveIntegerField(_("예약 단위(분)"), default=30)
    buffer_minutes = models.PositiveIntegerField(_("이용 후 정비 시간(분)"), default=0)
    min_notice_minutes = models.PositiveIntegerField(_("최소 사전 예약(분)"), default=60)
    max_notice_days = models.PositiveIntegerField(_("최대 사전 예약(일)"), default=60)
    opens_at = models.TimeField(_("운영 시작"), default=dt.time(9, 0))
    closes_at = models.TimeField(_("운영 종료"), default=dt.time(22, 0))
    open_weekdays = models.CharField(_("운영 요일"), max_length=7, default="012345", help_text=_("0=월 … 6=일"))
    closed_on_holidays = models.BooleanField(_("공휴일 휴무"), default=True)
    approval_required = models.BooleanField(_("승인 필요"), default=False)
    max_active_per_user = models.PositiveIntegerField(_("1인 최대 활성 예약 수"), default=4)
    weekly_quota_hours = models.PositiveIntegerField(
        _("1인 주간 이용 한도(시간)"), null=True, blank=True, help_text=_("비우면 한도 없음")
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("예약 규칙")
        verbose_name_plural = _("예약 규칙")
        constraints = [
            models.CheckConstraint(condition=Q(slot_minutes__gt=0), name="rules_slot_positive"),
            models.CheckConstraint(
                condition=Q(min_minutes__gt=0, max_minutes__gte=F("min_minutes")), name="rules_duration_range"
            ),
            models.CheckConstraint(condition=Q(closes_at__gt=F("opens_at")), name="rules_open_before_close"),
        ]

    def __str__(self) -> str:
        return self.name


class EquipmentType(NamedInLanguage, models.Model):
    code = models.SlugField(_("코드"), max_length=40, unique=True)
    name_ko = models.CharField(_("이름"), max_length=100)
    name_en = models.CharField(_("영문 이름"), max_length=150, blank=True)
    rules = models.ForeignKey(
        BookingRules, on_delete=models.PROTECT, related_name="+", verbose_name=_("기본 예약 규칙")
    )

    class Meta:
        ordering = ["name_ko"]
        verbose_name = _("장비 유형")
        verbose_name_plural = _("장비 유형")

    def __str__(self) -> str:
        return self.name


class Facility(TimeStampedModel):
    """A lab room of an institution."""

    institution = models.ForeignKey("accounts.Institution", on_delete=models.PROTECT, related_name="facilities")
    name = models.CharField(_("실습실"), max_length=100)
    building = models.CharField(_("건물"), max_length=100)
    room = models.CharField(_("호실"), max_length=30)

    class Meta:
        ordering = ["institution__name_ko", "name"]
        verbose_name = _("실습실")
        verbose_name_plural = _("실습실")

    def __str__(self) -> str:
        return f"{self.name} ({self.building} {self.room})"


class EquipmentStatus(models.TextChoices):
    AVAILABLE = "available", _("사용 가능")
    MAINTENANCE = "maintenance", _("점검 중")
    RETIRED = "retired", _("사용 중지")


class Equipment(TimeStampedModel):
    code = models.CharField(_("장비 번호"), max_length=40, unique=True)
    name = models.CharField(_("장비명"), max_length=150)
    type = models.ForeignKey(EquipmentType, on_delete=models.PROTECT, related_name="equipment", verbose_name=_("유형"))
    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="equipment", verbose_name=_("위치"))
    description = models.TextField(_("설명"), blank=True)
    photo = models.FileField(_("사진"), upload_to="labs/photos/", blank=True)
    manual = models.FileField(_("사용 설명서"), upload_to="labs/manuals/", blank=True)
    status = models.CharField(
        _("상태"), max_length=12, choices=EquipmentStatus.choices, default=EquipmentStatus.AVAILABLE
    )
    status_reason = models.CharField(_("상태 사유"), max_length=300, blank=True)
    expected_return = models.DateField(_("복귀 예정일"), null=True, blank=True)
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("담당자"),
    )
    rules = models.ForeignKey(
        BookingRules,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("장비별 예약 규칙"),
        help_text=_("비우면 유형의 기본 규칙"),
    )
    required_courses = models.ManyToManyField(
        "courses.Course", blank=True, related_name="+", verbose_name=_("필수 안전·장비 교육")
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("장비")
        verbose_name_plural = _("장비")
        constraints = [
            models.CheckConstraint(
                condition=Q(status="available") | ~Q(status_reason=""), name="equipment_unavailable_has_reason"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} [{self.code}]"

    @property
    def effective_rules(self) -> BookingRules:
        return self.rules or self.type.rules


class Blackout(models.Model):
    """A period when equipment (or a whole lab) cannot be booked."""

    equipment = models.ForeignKey(Equipment, on_delete=models.CASCADE, null=True, blank=True, related_name="blackouts")
    facility = models.ForeignKey(Facility, on_delete=models.CASCADE, null=True, blank=True, related_name="blackouts")
    starts_at = models.DateTimeField(_("시작"))
    ends_at = models.DateTimeField(_("종료"))
    reason = models.CharField(_("사유"), max_length=200)

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("예약 불가 기간")
        verbose_name_plural = _("예약 불가 기간")
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="blackout_end_after_start"),
            models.CheckConstraint(
                condition=Q(equipment__isnull=False) | Q(facility__isnull=False), name="blackout_has_target"
            ),
        ]

    def __str__(self) -> str:
        return self.reason


class TrainingRecord(models.Model):
    """A safety or equipment training someone completed outside the platform, entered by a lab manager."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="training_records")
    course = models.ForeignKey("courses.Course", on_delete=models.PROTECT, related_name="+", verbose_name=_("교육"))
    completed_on = models.DateField(_("이수일"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    note = models.CharField(_("비고"), max_length=200, blank=True, validators=[reject_rrn])
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("교육 이수 기록")
        verbose_name_plural = _("교육 이수 기록")
        constraints = [models.UniqueConstraint(fields=["user", "course"], name="training_record_once")]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.course_id}"


class ReservationStatus(models.TextChoices):
    PENDING = "pending", _("승인 대기")
    CONFIRMED = "confirmed", _("확정")
    CHECKED_IN = "checked_in", _("이용 중")
    COMPLETED = "completed", _("이용 완료")
    CANCELLED = "cancelled", _("취소")
    REJECTED = "rejected", _("반려")
    NO_SHOW = "no_show", _("미이용(노쇼)")


# Reservations in these states hold their time; the database constraint is written over them.
BLOCKING_STATUSES = ("pending", "confirmed", "checked_in", "completed")


class ReservationSeries(models.Model):
    """Reservations made together: a weekly recurrence, or a whole lab for a course session."""

    class Kind(models.TextChoices):
        WEEKLY = "weekly", _("매주 반복")
        LAB = "lab", _("실습실 전체")

    kind = models.CharField(max_length=10, choices=Kind.choices)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("묶음 예약")
        verbose_name_plural = _("묶음 예약")

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"


class ReservationQuerySet(models.QuerySet["Reservation"]):
    def blocking(self) -> ReservationQuerySet:
        return self.filter(status__in=BLOCKING_STATUSES)

    def overlapping(self, start: dt.datetime, end: dt.datetime) -> ReservationQuerySet:
        """Reservations whose blocked time [starts_at, blocked_until) meets [start, end)."""
        return self.filter(starts_at__lt=end, blocked_until__gt=start)


class Reservation(TimeStampedModel):
    equipment = models.ForeignKey(
        Equipment, on_delete=models.PROTECT, related_name="reservations", verbose_name=_("장비")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="lab_reservations", verbose_name=_("이용자")
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    starts_at = models.DateTimeField(_("시작"))
    ends_at = models.DateTimeField(_("종료"))
    blocked_until = models.DateTimeField(_("점유 종료(정비 시간 포함)"))
    status = models.CharField(
        _("상태"), max_length=12, choices=ReservationStatus.choices, default=ReservationStatus.CONFIRMED
    )
    purpose = models.CharField(_("용도"), max_length=200, blank=True, validators=[reject_rrn])
    session = models.ForeignKey(
        "courses.Session",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="lab_reservations",
        verbose_name=_("수업"),
    )
    company = models.ForeignKey(
        "companies.Company",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("소속 기업"),
    )
    project = models.CharField(_("과제"), max_length=150, blank=True, validators=[reject_rrn])
    series = models.ForeignKey(
        ReservationSeries, on_delete=models.SET_NULL, null=True, blank=True, related_name="reservations"
    )
    checked_in_at = models.DateTimeField(_("체크인 시각"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(_("사유"), max_length=300, blank=True, validators=[reject_rrn])

    objects = ReservationQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("장비 예약")
        verbose_name_plural = _("장비 예약")
        indexes = [
            models.Index(fields=["equipment", "starts_at"]),
            models.Index(fields=["user", "starts_at"]),
            models.Index(fields=["status", "starts_at"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="reservation_end_after_start"),
            models.CheckConstraint(condition=Q(blocked_until__gte=F("ends_at")), name="reservation_buffer_after_end"),
        ]

    def __str__(self) -> str:
        return f"{self.equipment_id} {self.starts_at:%Y-%m-%d %H:%M} {self.status}"

    @property
    def is_blocking(self) -> bool:
        return self.status in BLOCKING_STATUSES

    @property
    def hours(self) -> float:
        return (self.ends_at - self.starts_at).total_seconds() / 3600


class CalendarFeed(models.Model):
    """A person's private calendar link (their bookings as iCal, for a calendar app that cannot log in):
    the random key is the link. A new key ends the old link, for a link that was shared or leaked."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lab_calendar_feed")
    key = models.CharField(max_length=64, unique=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("개인 캘린더 주소")
        verbose_name_plural = _("개인 캘린더 주소")

    def __str__(self) -> str:
        return str(self.user)  # never the key: it is the link
