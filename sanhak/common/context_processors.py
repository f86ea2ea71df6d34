"""Template context shared by every page: the current user's roles and unread notifications."""

from __future__ import annotations

from typing import Any, cast

from django.db import connection
from django.http import HttpRequest
from django.utils.functional import LazyObject

from sanhak.accounts.backends import PRELOADED_UNREAD
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
        user: Any = request.user
        if user.pk is not None and isinstance(user, LazyObject):  # reading pk has loaded a lazy user
            user = cast(Any, user)._wrapped
        unread = user.__dict__.pop(PRELOADED_UNREAD, None)  # read with the user (accounts.backends), once
        if unread is None or "role_assignments" not in user.__dict__:
            unread = _read_nav_state(user)
        state = (tuple(sorted(a.role for a in user.role_assignments)), int(unread))
        setattr(request, _NAV_STATE, state)
    return state


def _read_nav_state(user: Any) -> int:
    """The unread count of a user loaded some other way (an API token), filling their `role_assignments`."""
    with connection.cursor() as cursor:
        cursor.execute(_NAV_SQL, [user.pk, user.pk])
        rows = cursor.fetchall()
    assignments = [row for row in rows if row[0] is not None]  # the count's row has no id (rows come unordered)
    if "role_assignments" not in user.__dict__:  # pre-fills the cached property
        user.__dict__["role_assignments"] = [
            RoleAssignment.from_db(connection.alias, _ROLE_FIELDS, row) for row in sorted(assignments)
        ]
    return int(next(row[2] for row in rows if row[0] is None))


def nav_state_forget(request: HttpRequest) -> None:
    """After the view changed the user's notifications, the page reads them again."""
    if hasattr(request, _NAV_STATE):
        delattr(request, _NAV_STATE)


def navigation(request: HttpRequest) -> dict[str, Any]:
    if not request.user.is_authenticated:
        return {"nav_roles": frozenset(), "Role": Role, "nav_unread": 0}
    roles, unread = nav_state(request)
    return {"nav_roles": frozenset(roles), "Role": Role, "nav_unread": unread}
