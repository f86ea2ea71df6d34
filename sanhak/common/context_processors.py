"""Template context shared by every page: the current user's roles and unread notifications."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.http import HttpRequest

from sanhak.accounts.models import Role

_NAV_STATE = "_sanhak_nav_state"

# Every logged-in page needs both, so they come in one round trip without building model instances
# (this runs on every request; the ORM's per-query overhead would be most of its cost).
_NAV_SQL = (
    "SELECT 'r', role FROM accounts_roleassignment WHERE user_id = %s "
    "UNION ALL SELECT 'n', CAST(COUNT(*) AS VARCHAR(20)) FROM common_notification "
    "WHERE user_id = %s AND read_at IS NULL"
)


def nav_state(request: HttpRequest) -> tuple[tuple[str, ...], int]:
    """The logged-in user's roles (sorted) and unread notification count, read once per request.

    Also fills the user's `role_set`, so the permission checks of the view ask nothing more."""
    state: tuple[tuple[str, ...], int] | None = getattr(request, _NAV_STATE, None)
    if state is None:
        user = request.user
        with connection.cursor() as cursor:
            cursor.execute(_NAV_SQL, [user.pk, user.pk])
            rows = cursor.fetchall()
        roles = tuple(sorted(value for kind, value in rows if kind == "r"))
        unread = next(int(value) for kind, value in rows if kind == "n")
        user.__dict__.setdefault("role_set", frozenset(roles))  # pre-fills the cached property
        state = (roles, unread)
        setattr(request, _NAV_STATE, state)
    return state


def navigation(request: HttpRequest) -> dict[str, Any]:
    if not request.user.is_authenticated:
        return {"nav_roles": frozenset(), "Role": Role, "nav_unread": 0}
    roles, unread = nav_state(request)
    return {"nav_roles": frozenset(roles), "Role": Role, "nav_unread": unread}
