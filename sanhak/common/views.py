from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from sanhak.common.context_processors import nav_state_forget
from sanhak.common.dashboard import home_context
from sanhak.common.models import Notification
from sanhak.common.notifications import notifications_mark_read
from sanhak.common.pagecache import fingerprint, private_page
from sanhak.common.permissions import AuthedRequest, login_required_view


def home(request: HttpRequest) -> HttpResponse:
    context = home_context(request.user)
    if not request.user.is_authenticated:
        return render(request, "home.html", context)
    response, _ = private_page(
        request, inputs=fingerprint(context), render=lambda: (render(request, "home.html", context), None)
    )
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
