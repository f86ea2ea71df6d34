from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import Resolver404

from sanhak.common.audit import personal_data_viewed
from sanhak.common.context_processors import nav_state_forget
from sanhak.common.dashboard import home_context, shown_people
from sanhak.common.models import Notification
from sanhak.common.notifications import notifications_mark_read
from sanhak.common.pagecache import fingerprint, private_page
from sanhak.common.permissions import AuthedRequest, login_required_view


def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return render(request, "home.html", home_context(request.user))
    context: dict[str, Any] = {}

    def inputs() -> Any:
        context.update(home_context(request.user))
        return fingerprint(context)

    response, shown = private_page(
        request, inputs=inputs, render=lambda: (render(request, "home.html", context), shown_people(context))
    )
    personal_data_viewed(request=request, purpose="home_recent_enrollments", subject_ids=shown)
    return response


def healthz(request: HttpRequest) -> HttpResponse:
    """For load balancers (and the benchmark's trivial-view baseline): no database, no template."""
    return HttpResponse("ok", content_type="text/plain")


@login_required_view
def notifications(request: AuthedRequest) -> HttpResponse:
    """The user's notifications, newest first; opening the page marks them read."""
    items = list(Notification.objects.filter(user=request.user)[:100])
    notifications_mark_read(user=request.user)
    nav_state_forget(request)
    return render(request, "common/notifications.html", {"items": items})


def _reason(exception: Exception | None) -> str:
    """The reason our code gave for a 403 or 404 (already in the page's language); none for Django's
    own: a URL that matches nothing, or get_object_or_404's "No <Model> matches the given query."."""
    if exception is None or isinstance(exception, Resolver404) or not exception.args:
        return ""
    reason = exception.args[0]
    return reason if isinstance(reason, str) and not reason.endswith("matches the given query.") else ""


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """The site's 403 page (config.urls handler403): in the site layout, with the reason and a way on."""
    return render(request, "403.html", {"reason": _reason(exception)}, status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """The site's 404 page (config.urls handler404)."""
    return render(request, "404.html", {"reason": _reason(exception)}, status=404)
