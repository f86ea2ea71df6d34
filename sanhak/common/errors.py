"""Domain errors carry a stable code and a bilingual (Korean / English) message."""

from __future__ import annotations


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


class ConflictError(DomainError):
    code = "conflict"
    status = 409
