"""Access is scoped here, in one place: helpers take the user and raise 403/404.

Views and API endpoints never fetch a scoped object by a bare id from the URL; they call these.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from sanhak.accounts.models import User

F = TypeVar("F", bound=Callable[..., HttpResponseBase])


def require_role(user: Any, *roles: str) -> User:
    """Return the user if they are logged in and hold one of `roles`; raise PermissionDenied otherwise."""
    if not getattr(user, "is_authenticated", False) or not user.has_role(*roles):
        raise PermissionDenied(_("이 작업을 할 권한이 없습니다. / You do not have permission to do this."))
    return user


def role_required(*roles: str) -> Callable[[F], F]:
    """View decorator: anonymous users go to the login page, users without the role get 403."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            require_role(request.user, *roles)
            return view(request, *args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorator


def login_required_view(view: F) -> F:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapper  # type: ignore[return-value]


if TYPE_CHECKING:

    class AuthedRequest(HttpRequest):
        """A request whose user is logged in (views behind login_required_view / role_required)."""

        user: User

else:
    AuthedRequest = HttpRequest
