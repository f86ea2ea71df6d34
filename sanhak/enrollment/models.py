"""Applications, nominations, decisions and waitlists for offerings."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sanhak.common.models import TimeStampedModel
from sanhak.common.validators import reject_rrn


class Status(models.TextChoices):
    PENDING = "pending", _("승인 대기")
    APPROVED = "approved", _("승인")
    WAITLISTED = "waitlisted", _("대기자")
    REJECTED = "rejected", _("반려")
    CANCELLED = "cancelled", _("취소")
    COMPLETED = "completed", _("수료")


ACTIVE_STATUSES = (Status.PENDING, Status.APPROVED, Status.WAITLISTED, Status.COMPLETED)


class Source(models.TextChoices):
    APPLICATION = "application", _("본인 신청")
    NOMINATION = "nomination", _("기업 추천")


class EnrollmentQuerySet(models.QuerySet["Enrollment"]):
    def active(self) -> EnrollmentQuerySet:
        return self.filter(status__in=ACTIVE_STATUSES)

    def waitlist(self) -> EnrollmentQuerySet:
        return self.filter(status=Status.WAITLISTED).order_by("waitlisted_at", "id")


class Enrollment(TimeStampedModel):
    offering = models.ForeignKey("courses.Offering", on_delete=models.PROTECT, related_name="enrollments")
    trainee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="enrollments")
    status = models.CharField(_("상태"), max_length=12, choices=Status.choices, default=Status.PENDING)
    source = models.CharField(_("경로"), max_length=12, choices=Source.choices, default=Source.APPLICATION)
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    waitlisted_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(_("사유"), max_length=300, blank=True, validators=[reject_rrn])

    objects = EnrollmentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("수강 신청")
        verbose_name_plural = _("수강 신청")
        indexes = [
            models.Index(fields=["offering", "status"]),
            models.Index(fields=["trainee", "status"]),
            # the default order (lists, the API's pages): read in order instead of sorting every enrollment
            models.Index(fields=["created_at", "id"], name="enrollment_created_order"),
            # the approval queue (pending applications, oldest first), read in order without stepping
            # over the decided ones (at national scale 520,000 of 600,000 enrollments: 60 ms a page)
            models.Index(fields=["created_at", "id"], condition=Q(status="pending"), name="enrollment_pending_order"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["offering", "trainee"],
                condition=Q(status__in=["pending", "approved", "waitlisted", "completed"]),
                name="enrollment_one_active_per_trainee",
            ),
            models.CheckConstraint(
                condition=~Q(status="waitlisted") | Q(waitlisted_at__isnull=False), name="waitlist_has_time"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.trainee_id}@{self.offering_id} {self.status}"
