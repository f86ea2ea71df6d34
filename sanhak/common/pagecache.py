"""Whole-page caches: for anonymous visitors, and per user for logged-in pages.

The public catalog is read by many anonymous visitors and changes rarely; every change to it moves
a version read from the database (`courses.selectors.catalog_version`), so a page kept with the
version it was rendered at is served only while the version has not moved.

The CSRF token is the one per-visitor part of such a page (the language switch is a POST form): the
page is rendered with a placeholder in its place, and each response gets the visitor's own token.

Logged-in pages (`private_page`) are kept per user with the data they show: the view reads its
source rows with a lean query (what it needs anyway), and only the rendering, the expensive part, is
skipped when the page kept for that user, URL and language was rendered from rows equal to these, with
the same navigation. The data itself is compared, so no write can leave a page stale and no
invalidation is needed; side effects (the PIPA access log) stay in the view and run on every request.
Nor are the rows read again while the database has not changed at all since they were last read and
found equal: the database's version, read with the session before the view reads anything
(`common.dbversion`), says so.

Pages are kept in this process's memory (a bounded least-recently-used store, each page for at most
its `seconds`), not in Django's cache: comparing the rows in place costs microseconds, where a shared
cache would serialize them and the page on every request. Each worker process renders a page once.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar

from cachetools import TLRUCache
from django.conf import settings
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH, get_token
from django.utils import timezone
from django.utils.translation import get_language

from sanhak.common.context_processors import nav_state

F = TypeVar("F", bound=Callable[..., HttpResponse])
T = TypeVar("T")

CSRF_PLACEHOLDER = "sanhakcsrftokenplaceholder"  # letters only, like a real token: never escaped
_PLACEHOLDER = CSRF_PLACEHOLDER.encode()
_RENDERING = "_sanhak_page_cache_render"
MAX_BYTES = 64 * 1024 * 1024  # per process


@dataclass(slots=True)
class _Page:
    inputs: Any  # what it was rendered from: served again only for equal inputs
    parts: tuple[bytes, ...]  # the body, split where the visitor's CSRF token goes
    content_type: str
    extra: Any
    seconds: int
    current_at: Any  # the database version and date at which `inputs` were last read (None: unknown)


def _page_size(page: _Page) -> int:
    return sum(map(len, page.parts)) + 1024


_clock = time.monotonic  # the store's time (tests move it)


def _now() -> float:
    return _clock()


_pages: TLRUCache[tuple[Any, ...], _Page] = TLRUCache(
    maxsize=MAX_BYTES, ttu=lambda _slot, page, now: now + page.seconds, timer=_now, getsizeof=_page_size
)
_pages_lock = threading.Lock()  # cachetools' caches are not thread-safe (runserver, threaded workers)


def clear() -> None:
    """Forget every kept page (tests; what the pages' lifetime does)."""
    with _pages_lock:
        _pages.clear()


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
            slot = _slot(request, f"{view.__module__}.{view.__qualname__}", None)
            return _cached(request, slot, version, lambda: (view(request, *args, **kwargs), None), seconds)[0]

        return wrapper  # type: ignore[return-value]

    return decorator


def _slot(request: HttpRequest, kind: str, user_pk: Any) -> tuple[Any, ...]:
    """Where a page is kept: one page per view, URL, language, htmx or not, and user."""
    return (kind, request.get_full_path(), get_language(), request.headers.get("HX-Request", ""), user_pk)


def _messages_waiting(request: HttpRequest) -> bool:
    session = getattr(request, "session", None)
    return "messages" in request.COOKIES or (session is not None and "_messages" in session)


def private_page(
    request: HttpRequest, *, inputs: Callable[[], Any], render: Callable[[], tuple[HttpResponse, T]], seconds: int = 600
) -> tuple[HttpResponse, T]:
    """A logged-in user's page, rendered by `render()` only when `inputs()` (every value the page shows
    that is not in the request, as plain values compared with ==) or the user's navigation changed.

    `inputs()` is called only when the database may have changed since the kept page's inputs were last
    read: it reads the database and nothing else that moves (the date is part of the key already; a view
    that reads the clock keeps its page briefly: `seconds`). The view's access checks that read the
    database belong in it too: a page kept for this user and URL passed them, and passes them again while
    nothing changed; a refusal (403, 404) raised there is never kept. `render()` is called only after `inputs()`,
    and may use what it read. `render` returns the response and a value kept with it (the ids of the
    people it showed, for the access log); both come back on a hit. Non-GET requests and waiting flash
    messages always render.
    """
    if request.method != "GET" or _messages_waiting(request):
        inputs()
        response, extra = render()
        return response, extra
    user: Any = request.user  # logged in (the views' login check)
    roles, unread = nav_state(request)  # read with the session and the version, as the user's name
    today = timezone.localdate()
    version = getattr(request.session, "database_version", None)

    def full() -> tuple[Any, ...]:
        return (user.get_full_name(), roles, unread, today, inputs())

    current = None if version is None else (version, today)
    return _cached(request, _slot(request, "private", user.pk), full, render, seconds, current=current)


def _cached(
    request: HttpRequest,
    slot: tuple[Any, ...],
    inputs: Callable[[], Any],
    render: Callable[[], tuple[HttpResponse, T]],
    seconds: int,
    *,
    current: Any = None,
) -> tuple[HttpResponse, T]:
    """The page kept in `slot` if it was rendered from inputs equal to `inputs()` (not called when the
    kept page was found current at `current`, the database version now); else rendered (with the CSRF
    placeholder) and kept. A page that is not a plain 200 (a redirect, a file, one setting cookies) is
    returned as rendered and not kept."""
    with _pages_lock:
        page = _pages.get(slot)
    if page is not None and current is not None and page.current_at == current:
        return _served(request, page), page.extra
    now = inputs()
    if page is None or page.inputs != now:
        setattr(request, _RENDERING, True)
        try:
            response, extra = render()
        finally:
            setattr(request, _RENDERING, False)
        if response.status_code != 200 or response.streaming or response.cookies:
            return _with_token(request, response), extra
        page = _Page(
            now, tuple(response.content.split(_PLACEHOLDER)), response["Content-Type"], extra, seconds, current
        )
        with _pages_lock:
            _pages[slot] = page
    elif current is not None:
        page.current_at = current  # in place: the page keeps its lifetime
    return _served(request, page), page.extra


def fingerprint(value: Any, _path: frozenset[int] = frozenset()) -> Any:
    """Plain values standing for `value` in a page's key: model instances become their loaded fields,
    annotations and cached values, and the related objects loaded with them (select_related,
    prefetch_related), recursively; containers keep their shape. A template that shows only what was
    loaded is fully described by it."""
    if isinstance(value, QuerySet):
        value = list(value)  # evaluated once: the template then reads the same rows from its result cache
    if isinstance(value, Model):
        if id(value) in _path:  # a reverse one-to-one cache pointing back at its parent
            return (type(value).__name__, value.pk)
        path = _path | {id(value)}
        # fields, annotations (a queryset's counts) and cached properties: everything set on the instance
        loaded = tuple(sorted((k, fingerprint(v, path)) for k, v in value.__dict__.items() if not k.startswith("_")))
        related = tuple(sorted((k, fingerprint(v, path)) for k, v in value._state.fields_cache.items()))
        prefetched = getattr(value, "_prefetched_objects_cache", {})
        many = tuple(sorted((k, fingerprint(list(v), path)) for k, v in prefetched.items()))
        return (type(value).__name__, loaded, related, many)
    if isinstance(value, dict):
        return tuple(sorted((str(k), fingerprint(v, _path)) for k, v in value.items()))
    if isinstance(value, list | tuple | set | frozenset):
        items = [fingerprint(v, _path) for v in value]
        return tuple(sorted(items, key=repr)) if isinstance(value, set | frozenset) else tuple(items)
    return value


def _served(request: HttpRequest, page: _Page) -> HttpResponse:
    response = HttpResponse(content_type=page.content_type)
    response.content = _csrf_token(request).encode().join(page.parts) if len(page.parts) > 1 else page.parts[0]
    return response


def _with_token(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """A page rendered with the placeholder but not cached still gets the visitor's token."""
    if not response.streaming and _PLACEHOLDER in response.content:
        response.content = response.content.replace(_PLACEHOLDER, _csrf_token(request).encode())
    return response


_CSRF_INDEX = {c: i for i, c in enumerate(CSRF_ALLOWED_CHARS)}
_CSRF_UNBIASED = 256 - 256 % len(CSRF_ALLOWED_CHARS)  # random bytes below this map evenly onto the characters


def _csrf_token(request: HttpRequest) -> str:
    """What Django's `get_token` returns (the visitor's secret, masked afresh: mask + secret shifted by
    the mask, the form Django's CSRF check unmasks), with the mask drawn from one read of the system's
    random source rather than one per character (32 reads: a tenth of a kept page's time). A visitor
    without a valid secret yet gets Django's own."""
    secret = request.META.get("CSRF_COOKIE")
    if not isinstance(secret, str) or len(secret) != CSRF_SECRET_LENGTH or not set(secret) <= _CSRF_INDEX.keys():
        return get_token(request)
    request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True  # as get_token: the cookie is sent again (its expiry renewed)
    chars, n = CSRF_ALLOWED_CHARS, len(CSRF_ALLOWED_CHARS)
    mask: list[int] = []
    while len(mask) < CSRF_SECRET_LENGTH:
        mask += [b % n for b in os.urandom(2 * CSRF_SECRET_LENGTH) if b < _CSRF_UNBIASED]
    mask = mask[:CSRF_SECRET_LENGTH]
    cipher = (chars[(_CSRF_INDEX[c] + m) % n] for c, m in zip(secret, mask, strict=True))
    return "".join(chars[m] for m in mask) + "".join(cipher)
