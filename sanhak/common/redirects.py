"""Where a form sends its user back to."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme


def redirect_back(request: HttpRequest, default: str, **kwargs: Any) -> HttpResponse:
    """To the page the form was on (the POSTed `next`, a path on this site), else to the view `default`.

    Never `redirect(next)`: Django would take a word such as "abc" for a view's name (a 500), and never
    another host (an open redirect)."""
    target = request.POST.get("next", "")
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return HttpResponseRedirect(target)
    return redirect(default, **kwargs)
