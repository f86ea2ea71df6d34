"""Whole-page cache for anonymous visitors.

The public catalog is read by many anonymous visitors and changes rarely; every change to it moves
a version read from the database (`courses.selectors.catalog_version`), so a page cached under
(URL, language, htmx or not, version) is never stale for longer than it takes the version to move.
Logged-in users, non-GET requests and requests carrying flash messages always get a fresh page.

The CSRF token is the one per-visitor part of such a page (the language switch is a POST form): the
page is rendered with a placeholder in its place, and each response gets the visitor's own token.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils.translation import get_language

F = TypeVar("F", bound=Callable[..., HttpResponse])

CSRF_PLACEHOLDER = "sanhakcsrftokenplaceholder"  # letters only, like a real token: never escaped
_RENDERING = "_sanhak_page_cache_render"


def csrf_placeholder(request: HttpRequest) -> dict[str, Any]:
    """Context processor (after Django's csrf one): the placeholder while a page is rendered for the cache."""
    return {"csrf_token": CSRF_PLACEHOLDER} if getattr(request, _RENDERING, False) else {}


def _cacheable(request: HttpRequest) -> bool:
    """A GET by a visitor with no session (so not logged in, and no flash messages waiting)."""
    if request.method != "GET":
        return False
    return settings.SESSION_COOKIE_NAME not in request.COOKIES and "messages" not in request.COOKIES


def anonymous_page_cache(version: Callable[[], str], *, seconds: int = 60) -> Callable[[F], F]:
    """View decorator: cache the whole page for anonymous visitors under `version()`."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not _cacheable(request):
                return view(request, *args, **kwargs)
            parts = (
                view.__module__,
                view.__qualname__,
                request.get_full_path(),
                get_language(),
                request.headers.get("HX-Request", ""),
                version(),
            )
            key = "page:" + hashlib.sha256(repr(parts).encode()).hexdigest()
            hit = cache.get(key)
            if hit is None:
                setattr(request, _RENDERING, True)
                response = view(request, *args, **kwargs)
                setattr(request, _RENDERING, False)
                if response.status_code != 200 or response.streaming or response.cookies:
                    return _with_token(request, response)
                hit = (response.content.decode(response.charset), response["Content-Type"])
                cache.set(key, hit, seconds)
            body, content_type = hit
            response = HttpResponse(content_type=content_type)
            response.content = body.replace(CSRF_PLACEHOLDER, get_token(request)) if CSRF_PLACEHOLDER in body else body
            return response

        return wrapper  # type: ignore[return-value]

    return decorator


def _with_token(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """A page rendered with the placeholder but not cached still gets the visitor's token."""
    if not response.streaming and CSRF_PLACEHOLDER.encode() in response.content:
        response.content = response.content.replace(CSRF_PLACEHOLDER.encode(), get_token(request).encode())
    return response
