from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sanhak.accounts.models import Role
from sanhak.common import access
from sanhak.common.audit import personal_data_viewed
from sanhak.common.errors import DomainError
from sanhak.common.export import csv_response, xlsx_response
from sanhak.common.pagecache import fingerprint, private_page
from sanhak.common.permissions import AuthedRequest, login_required_view, role_required
from sanhak.common.redirects import redirect_back
from sanhak.enrollment import selectors, services
from sanhak.enrollment.forms import RejectForm
from sanhak.enrollment.models import Enrollment, Status


@login_required_view
def my_courses(request: AuthedRequest) -> HttpResponse:
    enrollments = (
        Enrollment.objects.filter(trainee=request.user)
        .select_related("offering__course__institution")
        .order_by("-offering__start_date", "-id")
    )
    return render(request, "enrollment/my_courses.html", {"enrollments": enrollments})


@role_required(Role.COMPANY_MANAGER)
def company_enrollments(request: AuthedRequest) -> HttpResponse:
    company = access.managed_company(request.user)
    workers = access.workers_visible(request.user, company)
    status = request.GET.get("status", "")
    qs = (
        Enrollment.objects.filter(trainee__in=workers)
        .select_related("trainee__trainee_profile", "offering__course__institution")
        .order_by("-created_at", "-id")
    )
    if status in Status.values:
        qs = qs.filter(status=status)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    personal_data_viewed(request=request, purpose="company_enrollments", subject_ids=[e.trainee_id for e in page])
    return render(
        request,
        "enrollment/company.html",
        {"company": company, "page": page, "status": status, "statuses": Status.choices},
    )


@role_required(Role.COORDINATOR, Role.PROGRAM_ADMIN)
def queue(request: AuthedRequest) -> HttpResponse:
    offerings = access.offerings_manageable(request.user)
    qs = (
        Enrollment.objects.filter(offering__in=offerings, status=Status.PENDING)
        .select_related("trainee__trainee_profile__employer", "offering__course")
        .order_by("created_at", "id")
    )
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    personal_data_viewed(request=request, purpose="approval_queue", subject_ids=[e.trainee_id for e in page])
    return render(request, "enrollment/queue.html", {"page": page, **_decision_context(request)})


def _decision_context(request: HttpRequest) -> dict[str, Any]:
    """What the approve/reject/cancel forms of a list need, computed once rather than per row."""
    return {"enrollment_base": reverse("enrollment:my_courses").removesuffix("my/"), "here": request.get_full_path()}


@login_required_view
def roster(request: AuthedRequest, pk: int) -> HttpResponse:
    # The access check is part of the page's inputs: a page kept for this user and URL passed it, and
    # while the database has not changed (`private_page`) it passes again, with nothing read.
    offering: Any = None
    can_manage = False
    rows: list[tuple[Any, ...]] = []

    def inputs() -> tuple[Any, ...]:
        nonlocal offering, can_manage, rows
        offering = access.offering_roster_visible(request.user, pk)
        can_manage = access.can_manage_offering(request.user, offering)
        rows = selectors.roster_rows(offering)
        return fingerprint(offering), can_manage, rows

    def page() -> tuple[HttpResponse, list[int]]:
        # Rejected and cancelled applicants are shown only to those who decide (PIPA: an instructor teaches
        # the enrolled, and needs nobody else's details).
        show_all = request.GET.get("all") == "1" and can_manage
        groups = selectors.roster_groups(selectors.roster_entries(rows), include_closed=show_all)
        context = {"offering": offering, "groups": groups, "can_manage": can_manage, **_decision_context(request)}
        return render(request, "enrollment/roster.html", context), [e.trainee_id for g in groups for e in g["rows"]]

    response, shown = private_page(request, inputs=inputs, render=page)
    personal_data_viewed(request=request, purpose="roster", subject_ids=shown)
    return response


@login_required_view
def roster_export(request: AuthedRequest, pk: int, fmt: str) -> HttpResponse:
    offering = access.offering_roster_visible(request.user, pk)
    entries = selectors.roster(offering)
    if not access.can_manage_offering(request.user, offering):  # as on the page: the enrolled only
        entries = [e for e in entries if e.status not in selectors.CLOSED_STATUSES]
    rows = selectors.roster_table(entries)
    personal_data_viewed(
        request=request,
        purpose=f"roster_export_{fmt}",
        subject_ids=[e.trainee_id for e in entries],
    )
    filename = f"roster-{offering.course.code}-{offering.term}"
    if fmt == "xlsx":
        return xlsx_response(rows, filename, sheet=offering.course.code)
    return csv_response(rows, filename)


@require_POST
@login_required_view
def approve(request: AuthedRequest, pk: int) -> HttpResponse:
    enrollment = access.enrollment_manageable(request.user, pk)
    try:
        result = services.enrollment_approve(enrollment=enrollment, by=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        if result.status == Status.APPROVED:
            messages.success(request, _("%(name)s 님을 승인했습니다. / Approved.") % {"name": result.trainee.name})
        else:
            messages.warning(
                request,
                _("정원이 차서 %(name)s 님을 대기자로 올렸습니다. / Full: waitlisted.") % {"name": result.trainee.name},
            )
    return redirect_back(request, "enrollment:roster", pk=enrollment.offering_id)


@require_POST
@login_required_view
def reject(request: AuthedRequest, pk: int) -> HttpResponse:
    enrollment = access.enrollment_manageable(request.user, pk)
    form = RejectForm(request.POST)
    if not form.is_valid():
        messages.error(request, form.refusal(_("반려 사유를 입력하세요. / A reason is required to reject.")))
        return redirect_back(request, "enrollment:roster", pk=enrollment.offering_id)
    try:
        services.enrollment_reject(enrollment=enrollment, by=request.user, reason=form.cleaned_data["reason"])
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("%(name)s 님의 신청을 반려했습니다. / Rejected.") % {"name": enrollment.trainee.name}
        )
    return redirect_back(request, "enrollment:roster", pk=enrollment.offering_id)


@require_POST
@login_required_view
def cancel(request: AuthedRequest, pk: int) -> HttpResponse:
    enrollment = access.enrollment_own(request.user, pk)
    try:
        services.enrollment_cancel(enrollment=enrollment, by=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("신청을 취소했습니다. / Cancelled."))
    return redirect_back(request, "enrollment:my_courses")
