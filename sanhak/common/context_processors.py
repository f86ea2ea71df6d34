"""Template context shared by every page: the current user's roles and unread notifications."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.http import HttpRequest
from django.utils.functional import LazyObject

from sanhak.accounts.models import Role, RoleAssignment

_NAV_STATE = "_sanhak_nav_state"

# Every logged-in request needs the user's role assignments (permissions, navigation) and every page
# the unread count: one round trip for both, without the ORM's per-query overhead (this runs on every
# logged-in request). The row with no id carries the count.
_NAV_SQL = (
    "SELECT id, user_id, role, institution_id, company_id FROM accounts_roleassignment WHERE user_id = %s "
    "UNION ALL SELECT NULL, NULL, CAST(COUNT(*) AS VARCHAR(20)), NULL, NULL FROM common_notification "
    "WHERE user_id = %s AND read_at IS NULL"
)
_ROLE_FIELDS = ["id", "user_id", "role", "institution_id", "company_id"]


def nav_state(request: HttpRequest) -> tuple[tuple[str, ...], int]:
    """The logged-in user's roles (sorted) and unread notification count, read once per request.

    Also fills the user's `role_assignments` (and so `role_set` and the scoped ids), so the
    permission checks of the view ask nothing more."""
    state: tuple[tuple[str, ...], int] | None = getattr(request, _NAV_STATE, None)
    if state is None:
        user = request.user
        with connection.cursor() as cursor:
            cursor.execute(_NAV_SQL, [user.pk, user.pk])
            rows = cursor.fetchall()
        assignments = [row for row in rows if row[0] is not None]  # the count's row has no id (rows come unordered)
        unread = next(row[2] for row in rows if row[0] is None)
        real: Any = getattr(user, "_wrapped", user) if isinstance(user, LazyObject) else user  # loaded above
        if "role_assignments" not in real.__dict__:  # pre-fills the cached property
            real.__dict__["role_assignments"] = [
                RoleAssignment.from_db(connection.alias, _ROLE_FIELDS, row) for row in sorted(assignments)
            ]
        state = (tuple(sorted(r[2] for r in assignments)), int(unread))
        setattr(request, _NAV_STATE, state)
    return state


def nav_state_forget(request: HttpRequest) -> None:
    """After the view changed the user's notifications, the page reads them again."""
    if hasattr(request, _NAV_STATE):
        delattr(request, _NAV_STATE)


def navigation(request: HttpRequest) -> dict[str, Any]:
    if not request.user.is_authenticated:
        return {"nav_roles": frozenset(), "Role": Role, "nav_unread": 0}
    roles, unread = nav_state(request)
    return {"nav_roles": frozenset(roles), "Role": Role, "nav_unread": unread}
