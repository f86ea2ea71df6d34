"""Template context shared by every page: the current user's roles and unread notifications."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from sanhak.accounts.models import Role
from sanhak.common.models import Notification


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    if not user.is_authenticated:
        return {"nav_roles": frozenset(), "Role": Role, "nav_unread": 0}
    return {
        "nav_roles": user.role_set,
        "Role": Role,
        "nav_unread": Notification.objects.filter(user=user, read_at__isnull=True).count(),
    }
