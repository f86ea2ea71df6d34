"""Domain errors carry a stable code and a bilingual (Korean / English) message."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

# The one "no permission" message: pages (PermissionDenied), services (`forbidden()`) and the API's 403.
FORBIDDEN = gettext_noop("이 작업을 할 권한이 없습니다. / You do not have permission to do this.")


class DomainError(Exception):
    """A rule the user broke: shown as a message on pages, as JSON {code, message} in the API."""

    code = "invalid"
    status = 400

    def __init__(self, message: str, *, code: str | None = None, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        if status:
            self.status = status

    def __str__(self) -> str:
        return self.message


def forbidden() -> DomainError:
    """The 403 a service raises for a user who may not do what they asked."""
    return DomainError(_(FORBIDDEN), code="forbidden", status=403)


class ConflictError(DomainError):
    code = "conflict"
    status = 409
