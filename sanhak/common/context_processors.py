"""Template context shared by every page: the current user's roles and unread notifications."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from sanhak.accounts.backends import PRELOADED_UNREAD, roles_and_unread
from sanhak.accounts.models import Role

_NAV_STATE = "_sanhak_nav_state"


def nav_state(request: HttpRequest) -> tuple[tuple[str, ...], int]:
    """The logged-in user's roles (sorted) and unread notification count, read once per request.

    Also fills the user's `role_assignments` (and so `role_set` and the scoped ids), so the
    permission checks of the view ask nothing more."""
    state: tuple[tuple[str, ...], int] | None = getattr(request, _NAV_STATE, None)
    if state is None:
        user: Any = request.user  # loaded (`NavigationStateMiddleware` unwraps Django's lazy user)
        unread = user.__dict__.pop(PRELOADED_UNREAD, None)  # read with the user (accounts.backends), once
        if unread is None or "role_assignments" not in user.__dict__:
            unread = _read_nav_state(user)
        state = (tuple(sorted(a.role for a in user.role_assignments)), int(unread))
        setattr(request, _NAV_STATE, state)
    return state


def _read_nav_state(user: Any) -> int:
    """The unread count of a user loaded some other way (an API token), filling their `role_assignments`."""
    assignments, unread = roles_and_unread(user.pk)
    user.__dict__.setdefault("role_assignments", assignments)  # pre-fills the cached property
    return unread


def nav_state_forget(request: HttpRequest) -> None:
    """After the view changed the user's notifications, the page reads them again."""
    if hasattr(request, _NAV_STATE):
        delattr(request, _NAV_STATE)


def navigation(request: HttpRequest) -> dict[str, Any]:
    if not request.user.is_authenticated:
        return {"nav_roles": frozenset(), "Role": Role, "nav_unread": 0}
    roles, unread = nav_state(request)
    return {"nav_roles": frozenset(roles), "Role": Role, "nav_unread": unread}
