"""Project middleware.

RejectNulBytesMiddleware: reject NUL bytes in the URL, the parameters or a JSON body up front: PostgreSQL
cannot store or compare them, so a stray %00 or \u0000 would otherwise surface as a database error deep
inside a query.
NavigationStateMiddleware: the logged-in user's roles and unread count, once per request.
ContentSecurityPolicyMiddleware: django-csp's policy on the HTML pages."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, cast

from csp.constants import HEADER
from csp.utils import build_policy
from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.utils.functional import LazyObject

from sanhak.common.context_processors import nav_state

MESSAGE = "요청에 허용되지 않는 문자(NUL)가 있습니다. / The request contains a NUL character, which is not allowed."


# A JSON string's \u0000 escape (its backslash not itself escaped), or a raw NUL byte.
_JSON_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000|\x00")


def _has_nul(request: HttpRequest) -> bool:
    if "\x00" in request.path:
        return True
    content_type = request.content_type or ""
    try:
        sources = [request.GET]
        if content_type.endswith("json"):
            if _JSON_NUL.search(request.body):
                return True
        elif request.method == "POST":
            sources.append(request.POST)  # a multipart body's fields (its files are left to the forms)
        return any(
            "\x00" in key or any("\x00" in v for v in values) for params in sources for key, values in params.lists()
        )
    except SuspiciousOperation:
        return False  # too many fields, a body too large: the view's own reading answers that (a 400 or 413)


class RejectNulBytesMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _has_nul(request):
            if request.path.startswith("/api/"):
                return JsonResponse({"code": "invalid", "message": MESSAGE}, status=400)
            return HttpResponseBadRequest(MESSAGE, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


class NavigationStateMiddleware:
    """After authentication: a logged-in user's roles and unread count (read with the session), before
    the view asks for either (see `context_processors.nav_state`).

    The user, now loaded, replaces Django's lazy wrapper on the request: every attribute read through
    the wrapper costs a failed lookup and a proxy call, and a page reads the user's attributes dozens
    of times."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        authenticated = request.user.is_authenticated  # loads Django's lazy user (with the session)
        if isinstance(request.user, LazyObject):
            request.user = cast(Any, request.user)._wrapped
        if authenticated:
            nav_state(request)
        return self.get_response(request)


class ContentSecurityPolicyMiddleware:
    """The `Content-Security-Policy` of settings.CONTENT_SECURITY_POLICY, on HTML pages only: the files
    served inline (a lesson's PDF in its frame, its video) keep the browser's own viewers, which a policy
    written for pages (`object-src 'none'`) would block; JSON and downloads are not documents.

    The policy is the same for every page (no nonces, no per-view changes), so django-csp builds the
    header once, here, rather than on every response as its own middleware does (about 0.1 ms each)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.header = "; ".join(sorted(build_policy().split("; ")))  # one order, whatever the set iteration

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.get("Content-Type", "").startswith("text/html") and HEADER not in response:
            response[HEADER] = self.header
        return response
