from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import OuterRef, Prefetch, Subquery
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sanhak.accounts.models import TraineeProfile, User
from sanhak.common import access
from sanhak.common.audit import personal_data_viewed
from sanhak.common.errors import DomainError
from sanhak.common.pagecache import anonymous_page_cache, fingerprint, private_page
from sanhak.common.permissions import AuthedRequest, login_required_view
from sanhak.common.prepared import Prepared
from sanhak.courses.forms import CatalogForm, NominateForm
from sanhak.courses.models import Course, Offering
from sanhak.courses.selectors import catalog_offerings, catalog_version, competencies_prefetch
from sanhak.demand.selectors import course_demand
from sanhak.enrollment import services as enrollment_services
from sanhak.enrollment.models import Enrollment, Status
from sanhak.enrollment.selectors import EnrollmentStatus

CATALOG_CACHE_SECONDS = 300


def _catalog_results(request: HttpRequest, form: CatalogForm) -> str:
    """The results table, cached per (filters, page, language, day, catalog version): the catalog is
    read far more often than it changes, and any change moves the version."""
    filters = form.filters()
    page_number = request.GET.get("page", "1")[:10]
    key = (
        "catalog:"
        + hashlib.sha256(
            repr((filters, page_number, get_language(), timezone.localdate(), catalog_version())).encode()
        ).hexdigest()
    )
    html = cache.get(key)
    if html is None:
        page = Paginator(catalog_offerings(filters), 20).get_page(page_number)
        query = request.GET.copy()
        query.pop("page", None)
        html = render_to_string("courses/_catalog_results.html", {"page": page, "query": query.urlencode()})
        cache.set(key, html, CATALOG_CACHE_SECONDS)
    return html


@anonymous_page_cache(catalog_version)
def catalog(request: HttpRequest) -> HttpResponse:
    form = CatalogForm(request.GET or None)
    results = _catalog_results(request, form)
    if getattr(request, "htmx", False):
        return HttpResponse(results)
    return render(request, "courses/catalog.html", {"form": form, "results": mark_safe(results)})  # noqa: S308 - our own rendered template


@anonymous_page_cache(catalog_version)
def course_detail(request: HttpRequest, code: str) -> HttpResponse:
    course = get_object_or_404(
        Course.objects.select_related("institution", "track", "program").prefetch_related(
            "course_competencies__competency", "prerequisites"
        ),
        code=code,
    )
    offerings = course.offerings.order_by("-start_date")[:20]
    # The demand it answers is not in catalog_version: an anonymous visitor's cached copy may show it up
    # to the page cache's lifetime (60 s) late; logged-in visitors always get it fresh.
    return render(
        request,
        "courses/course_detail.html",
        {"course": course, "offerings": offerings, "trace": course_demand(course)},
    )


@anonymous_page_cache(catalog_version)
def offering_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    if not user.is_authenticated:
        return render(request, "courses/offering_detail.html", {"offering": _offering_for_detail(pk)})
    # Logged in: what is the user's own (their application; a manager's workers and their applications;
    # whether they run or teach it) is read lean; the public part is rendered only when the catalog or that changed.
    ctx: dict[str, object] = {}
    shown: list[int] = []  # the workers listed with their status (PIPA: logged on every view)

    def inputs() -> Any:
        nonlocal shown
        head = access.offering_or_404(pk)  # a 404 here; a kept page found current existed, and nothing changed
        if user.is_trainee:
            mine = _MY_STATUS(head.pk, user.pk)
            ctx["my_enrollment"] = EnrollmentStatus(mine[0][0]) if mine else None
        if (company_id := user.managed_company_id) is not None:
            workers = [(Worker(pk, name, title), status) for pk, name, title, status in _WORKERS(head.pk, company_id)]
            shown = [w.pk for w, _status in workers]
            ctx["nominees"] = [w for w, status in workers if status is None]
            ctx["already_nominated"] = [(w, EnrollmentStatus(status)) for w, status in workers if status is not None]
            ctx["show_nominate"] = True
        ctx["can_manage"] = access.can_manage_offering(user, head)
        ctx["can_teach"] = ctx["can_manage"] or access.can_teach_offering(user, head)
        return catalog_version(), fingerprint(ctx)

    def page() -> tuple[HttpResponse, list[int]]:
        context = {"offering": _offering_for_detail(pk), **ctx}
        return render(request, "courses/offering_detail.html", context), shown

    # The catalog version moves with every course and offering change; names of institutions, tracks,
    # competencies and instructors shown here move nothing, so the page (like the anonymous one) is kept
    # for a minute only.
    response, shown = private_page(request, inputs=inputs, render=page, seconds=60)
    personal_data_viewed(request=request, purpose="offering_workers", subject_ids=shown)
    return response


# The logged-in offering page's own part, read on every view (prepared: see sanhak.common.prepared).
_MY_STATUS = Prepared(
    lambda offering_id, user_id: (
        Enrollment.objects.filter(offering_id=offering_id, trainee_id=user_id)
        .active()
        .order_by("id")
        .values_list("status")[:1]
    )
)
# a manager's incumbent workers, each with their active application to the offering (or None)
_WORKERS = Prepared(
    lambda offering_id, company_id: (
        User.objects.filter(
            trainee_profile__employer_id=company_id, trainee_profile__kind=TraineeProfile.Kind.INCUMBENT, is_active=True
        )
        .annotate(
            status=Subquery(
                Enrollment.objects.filter(offering_id=offering_id, trainee_id=OuterRef("pk"))
                .active()
                .order_by("id")
                .values("status")[:1]
            )
        )
        .order_by("name", "id")
        .values_list("id", "name", "trainee_profile__job_title", "status")
    )
)


@dataclass(frozen=True)
class Worker:
    """A manager's incumbent worker, as the nominate form lists them."""

    pk: int
    name: str
    job_title: str


def _offering_for_detail(pk: int) -> Offering:
    return get_object_or_404(
        Offering.objects.select_related("course__institution", "course__track").prefetch_related(
            "sessions",
            Prefetch("instructors", queryset=User.objects.only("id", "name")),
            competencies_prefetch("course__course_competencies"),
            Prefetch("course__prerequisites", queryset=Course.objects.only("id", "code", "title_ko", "title_en")),
        ),
        pk=pk,
    )


@require_POST
@login_required_view
def offering_apply(request: AuthedRequest, pk: int) -> HttpResponse:
    offering = get_object_or_404(Offering.objects.select_related("course"), pk=pk)
    try:
        enrollment = enrollment_services.enrollment_apply(offering=offering, trainee=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        if enrollment.status == Status.WAITLISTED:
            messages.warning(
                request, _("정원이 차서 대기자로 등록되었습니다. / The offering is full: you are on the waitlist.")
            )
        else:
            messages.success(request, _("신청했습니다. 승인을 기다려 주세요. / Applied; awaiting approval."))
    return redirect("courses:offering", pk=offering.pk)


@require_POST
@login_required_view
def offering_nominate(request: AuthedRequest, pk: int) -> HttpResponse:
    manager = access.require_company_manager(request.user)
    offering = get_object_or_404(Offering.objects.select_related("course"), pk=pk)
    company = access.managed_company(manager)
    workers = access.workers_visible(manager, company)
    form = NominateForm(request.POST, workers=workers)
    if not form.is_valid():
        for error in form.errors.get("trainees", []):
            messages.error(request, str(error))
        return redirect("courses:offering", pk=offering.pk)
    try:
        created = enrollment_services.enrollment_nominate(
            offering=offering, trainees=list(form.cleaned_data["trainees"]), by=manager
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(n)d명을 추천했습니다. / Nominated %(n)d worker(s).") % {"n": len(created)})
    return redirect("courses:offering", pk=offering.pk)
