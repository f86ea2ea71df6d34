"""Authentication backend: the user of a logged-in request, with their role assignments and unread
notification count, in one query.

Every logged-in request needs all three (the session check, the permission checks, the navigation
badge). Django's ModelBackend reads the user with the ORM; the roles and the count would be two more
round trips. Nothing is cached across requests: a deactivated user, a revoked role or a changed password
takes effect on the very next request.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.db import router
from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from sanhak.accounts.models import RoleAssignment, User
from sanhak.common.prepared import Prepared

# set on the user loaded for a request; `common.context_processors.nav_state` takes it (once)
PRELOADED_UNREAD = "_sanhak_preloaded_unread"

_ROLE_COLUMNS = ["id", "role", "institution_id", "company_id"]


def _user_with_roles_and_unread(user_id: int) -> QuerySet[User, tuple[Any, ...]]:
    from sanhak.common.models import Notification

    unread = (
        Notification.objects.filter(user_id=OuterRef("pk"), read_at__isnull=True)
        .order_by()
        .values("user_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    return (
        User.objects.filter(pk=user_id)
        .annotate(unread=Coalesce(Subquery(unread), 0))
        .values_list(*_user_fields(), *(f"roles__{c}" for c in _ROLE_COLUMNS), "unread")
    )


def _user_fields() -> list[str]:
    return [f.attname for f in User._meta.concrete_fields]


# one row per role assignment (one row with no role when the user has none)
_USER_ROWS = Prepared(_user_with_roles_and_unread)


def user_for_request(user_id: Any) -> User | None:
    """The user with `role_assignments` filled and the unread count attached, or None."""
    try:
        pk = int(user_id)
    except (TypeError, ValueError):  # a tampered session is simply no user
        return None
    rows = _USER_ROWS(pk)
    if not rows:
        return None
    fields = _user_fields()
    n = len(fields)
    alias = router.db_for_read(User)
    user = User.from_db(alias, fields, rows[0][:n])
    user.__dict__["role_assignments"] = [
        RoleAssignment.from_db(alias, ["user_id", *_ROLE_COLUMNS], [user.pk, *row[n : n + len(_ROLE_COLUMNS)]])
        for row in sorted(rows, key=lambda r: r[n] or 0)
        if row[n] is not None
    ]
    setattr(user, PRELOADED_UNREAD, rows[0][-1])
    return user


class UserBackend(ModelBackend):
    """ModelBackend (email and password, active users only) whose `get_user` is `user_for_request`."""

    def get_user(self, user_id: Any) -> User | None:
        user = user_for_request(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
