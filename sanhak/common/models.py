"""Shared base models and cross-cutting records (notifications, personal-data access log)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("생성 시각"), auto_now_add=True)
    updated_at = models.DateTimeField(_("수정 시각"), auto_now=True)

    class Meta:
        abstract = True


class Notification(models.Model):
    """Something the platform told a user (also sent by e-mail after commit)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    message = models.TextField(_("내용"))  # it quotes what people wrote (a reason of up to 300 characters, twice)
    url = models.CharField(_("링크"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "-created_at"])]
        verbose_name = _("알림")
        verbose_name_plural = _("알림")

    def __str__(self) -> str:
        return self.message


class PersonalDataAccess(models.Model):
    """PIPA: who looked at or exported whose personal data, when, and from which address."""

    viewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    purpose = models.CharField(_("목적"), max_length=100)
    subject_count = models.PositiveIntegerField(_("대상자 수"))
    subject_ids = models.JSONField(_("대상자"), default=list)
    path = models.CharField(_("경로"), max_length=300)
    ip_address = models.GenericIPAddressField(_("접속지 IP"), null=True, blank=True)
    # when the page was viewed (a default, not auto_now_add: a row moved in from the spool keeps its time)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("개인정보 열람 기록")
        verbose_name_plural = _("개인정보 열람 기록")

    def __str__(self) -> str:
        return f"{self.viewer_id} {self.purpose} ({self.subject_count})"


class AccessLogSpool(models.Model):
    """How far one spool file of the access log has been moved into the table (`common.audit_spool`):
    written in the same transaction as the rows moved, so that each line is stored exactly once."""

    name = models.CharField(max_length=100, unique=True)
    offset = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.name} @ {self.offset}"


def refresh_planner_statistics() -> None:
    """After a bulk load: PostgreSQL plans badly on tables it has no statistics for (autovacuum may be
    off or not yet have run), SQLite's planner likewise uses ANALYZE results. Safe to call any time."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
