"""Issuer keys (Ed25519, seed encrypted at rest) and revocation status entries."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sanhak.accounts.models import Institution
from sanhak.common.validators import reject_rrn
from sanhak.credentials.statuslist import STATUS_LIST_BITS


class IssuerKey(models.Model):
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="issuer_keys")
    encrypted_seed = models.BinaryField(_("암호화된 개인키"))
    public_key_multibase = models.CharField(_("공개키 (Multikey)"), max_length=60)
    active = models.BooleanField(_("사용 중"), default=True)
    created_at = models.DateTimeField(_("생성일시"), auto_now_add=True)

    class Meta:
        ordering = ["institution", "pk"]
        verbose_name = _("발급 키")
        verbose_name_plural = _("발급 키")
        constraints = [
            models.UniqueConstraint(
                fields=["institution"], condition=Q(active=True), name="credentials_one_active_key_per_institution"
            )
        ]

    def __str__(self) -> str:
        return f"{self.institution.code} #{self.pk}"


class StatusEntry(models.Model):
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="status_entries")
    index = models.PositiveIntegerField(_("목록 위치"))
    revoked = models.BooleanField(_("취소됨"), default=False)
    revoked_at = models.DateTimeField(_("취소일시"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.CharField(_("사유"), max_length=300, blank=True, validators=[reject_rrn])

    class Meta:
        ordering = ["institution", "index"]
        verbose_name = _("상태 항목")
        verbose_name_plural = _("상태 항목")
        constraints = [
            models.UniqueConstraint(fields=["institution", "index"], name="credentials_status_index_unique"),
            models.CheckConstraint(condition=Q(index__lt=STATUS_LIST_BITS), name="credentials_status_index_in_list"),
        ]

    def __str__(self) -> str:
        return f"{self.institution.code}[{self.index}]"


class IssuedCredential(models.Model):
    """A credential the platform signed, kept so that its public link can be verified."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="issued_credentials")
    status_entry = models.OneToOneField(
        StatusEntry, on_delete=models.PROTECT, null=True, blank=True, related_name="credential"
    )
    document = models.JSONField(_("자격증명"))
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="credentials"
    )
    certificate_number = models.CharField(_("증서 번호"), max_length=40, unique=True, null=True, blank=True)
    shared = models.BooleanField(
        _("이름 공개"),
        default=False,
        help_text=_("공개 링크에 수령자 이름을 보여 줍니다"),
    )
    created_at = models.DateTimeField(_("발급일시"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("발급된 자격증명")
        verbose_name_plural = _("발급된 자격증명")

    def __str__(self) -> str:
        return str(self.id)

    @property
    def public_name(self) -> str:
        """The recipient's name, only if they chose to show it on the public link."""
        return self.recipient.name if self.shared and self.recipient is not None else ""
