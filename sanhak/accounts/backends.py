"""Authentication backend: the user of a logged-in request, with their role assignments and unread
notification count, read with the session (`accounts.sessions`) or, failing that, in one query.

Every logged-in request needs all three (the session check, the permission checks, the navigation
badge). Django's ModelBackend reads the user with the ORM; the roles and the count would be two more
round trips. Nothing is cached across requests: a deactivated user, a revoked role or a changed password
takes effect on the very next request.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.db import router
from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from sanhak.accounts.models import RoleAssignment, User
from sanhak.common.prepared import Prepared

# set on the user loaded for a request; `common.context_processors.nav_state` takes it (once)
PRELOADED_UNREAD = "_sanhak_preloaded_unread"

_ROLE_COLUMNS = ["id", "role", "institution_id", "company_id"]


def user_columns(queryset: QuerySet[Any], prefix: str, user_ref: str, *leading: str) -> QuerySet[Any, tuple[Any, ...]]:
    """`queryset` as rows of `leading`, then the user's fields (reached by `prefix`), one role
    assignment and the unread count: one row per role assignment, or one with no role."""
    from sanhak.common.models import Notification

    unread = (
        Notification.objects.filter(user_id=OuterRef(user_ref), read_at__isnull=True)
        .order_by()
        .values("user_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    return queryset.annotate(unread=Coalesce(Subquery(unread), 0)).values_list(
        *leading, *(prefix + f for f in _user_fields()), *(f"{prefix}roles__{c}" for c in _ROLE_COLUMNS), "unread"
    )


def _user_fields() -> list[str]:
    return [f.attname for f in User._meta.concrete_fields]


_USER_ROWS = Prepared(lambda user_id: user_columns(User.objects.filter(pk=user_id), "", "pk"))

# The user read with this request's session (accounts.sessions), for `UserBackend.get_user`: one per
# request (each session load replaces it, get_user takes it), per thread or task.
_PRELOADED: ContextVar[User | None] = ContextVar("sanhak_preloaded_user", default=None)


def _user_from_rows(rows: list[tuple[Any, ...]], offset: int) -> User | None:
    """The user in `user_columns` rows (their columns from `offset`), with `role_assignments` filled
    and the unread count attached; None when the rows have no user."""
    fields = _user_fields()
    n = offset + len(fields)
    if not rows or rows[0][offset] is None:
        return None
    alias = router.db_for_read(User)
    user = User.from_db(alias, fields, rows[0][offset:n])
    user.__dict__["role_assignments"] = [
        RoleAssignment.from_db(alias, ["user_id", *_ROLE_COLUMNS], [user.pk, *row[n : n + len(_ROLE_COLUMNS)]])
        for row in sorted(rows, key=lambda r: r[n] or 0)
        if row[n] is not None
    ]
    setattr(user, PRELOADED_UNREAD, rows[0][-1])
    return user


def roles_and_unread(user_id: int) -> tuple[list[RoleAssignment], int]:
    """A user's role assignments and unread count, for a user loaded some other way (an API token)."""
    user = _user_from_rows(_USER_ROWS(user_id), 0)
    return (user.role_assignments, getattr(user, PRELOADED_UNREAD)) if user is not None else ([], 0)


def preload_user(rows: list[tuple[Any, ...]], offset: int) -> None:
    _PRELOADED.set(_user_from_rows(rows, offset))


def user_for_request(user_id: Any) -> User | None:
    """The user with `role_assignments` filled and the unread count attached, or None: the one read
    with this request's session when it is that user, else read now."""
    preloaded = _PRELOADED.get()
    _PRELOADED.set(None)
    try:
        pk = int(user_id)
    except (TypeError, ValueError):  # a tampered session is simply no user
        return None
    if preloaded is not None and preloaded.pk == pk:
        return preloaded
    return _user_from_rows(_USER_ROWS(pk), 0)


class UserBackend(ModelBackend):
    """ModelBackend (email and password, active users only) whose `get_user` is `user_for_request`.

    Model permissions (what Django's admin asks): a program admin has them all, as a superuser does;
    anyone else has those their groups and their own give them."""

    def get_user(self, user_id: Any) -> User | None:
        user = user_for_request(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None

    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        if obj is None and user_obj.is_active and not user_obj.is_anonymous and user_obj.is_program_admin:
            if not hasattr(user_obj, "_program_admin_perm_cache"):
                everything = Permission.objects.values_list("content_type__app_label", "codename")
                user_obj._program_admin_perm_cache = {f"{app}.{codename}" for app, codename in everything}
            return set(user_obj._program_admin_perm_cache)
        return super().get_all_permissions(user_obj, obj)
