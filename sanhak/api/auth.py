"""Who is calling: a personal access token (`Authorization: Bearer shk_…`) or the pages' session.

Views read the caller with `caller(request)`, never `request.user`: a browser that holds a session
for one person may send another person's token, and the token wins.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer, SessionAuth

from sanhak.accounts.models import User
from sanhak.accounts.tokens import api_token_authenticate


class InvalidTokenError(AuthenticationError):
    """A bearer token was sent but is unknown, revoked, or its user is inactive."""


class BearerToken(HttpBearer):
    openapi_description = "Personal access token from the profile page or `manage.py create_api_token EMAIL`."

    def authenticate(self, request: HttpRequest, token: str) -> User:
        user = api_token_authenticate(token.strip())
        if user is None:
            # Raising (rather than returning None) stops the session from being tried: a bad token
            # is a 401 even for a browser that is logged in.
            raise InvalidTokenError()
        request.user = user
        return user


class SessionCookie(SessionAuth):
    """The logged-in session of the pages; unsafe methods need the CSRF token (X-CSRFToken header).

    Anonymous requests are not CSRF-checked, so that they get a 401 and not a 403.
    """

    openapi_description = "The session of the web pages; POST requests also need the X-CSRFToken header."

    def __call__(self, request: HttpRequest) -> Any:
        if not request.user.is_authenticated:
            return None
        return super().__call__(request)


AUTH = [BearerToken(), SessionCookie()]


def caller(request: HttpRequest) -> User:
    """The authenticated user of an endpoint that requires authentication."""
    user = getattr(request, "auth", None)
    if not isinstance(user, User):  # only reachable if an endpoint forgot its auth
        raise AuthenticationError()
    return user
