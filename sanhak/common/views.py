from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from sanhak.common.dashboard import home_context


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "home.html", home_context(request.user))


def healthz(request: HttpRequest) -> HttpResponse:
    """For load balancers (and the benchmark's trivial-view baseline): no database, no template."""
    return HttpResponse("ok", content_type="text/plain")
