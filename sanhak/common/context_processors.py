"""Template context shared by every page: the current user's roles for the navigation."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from sanhak.accounts.models import Role


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    roles = user.role_set if user.is_authenticated else frozenset()
    unread = 0
    return {
        "nav_roles": roles,
        "Role": Role,
        "nav_unread": unread,
    }
