"""Tell a user something: an in-app notification now, an e-mail after the transaction commits."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from sanhak.common.models import Notification

if TYPE_CHECKING:
    from sanhak.accounts.models import User


def notification_send(*, user: User, message: str, url: str = "") -> Notification | None:
    """None for a closed account (회원 탈퇴): nobody to tell, and its address is a placeholder."""
    if user.withdrawn_at is not None:
        return None
    notification = Notification.objects.create(user=user, message=message, url=url)
    email = user.email

    def _mail() -> None:
        send_mail(
            subject=f"[sanhak] {message[:60]}",
            message=f"{message}\n\n{url}".strip(),
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[email],
            fail_silently=True,
        )

    transaction.on_commit(_mail)
    return notification


def notifications_mark_read(*, user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())
