"""Timetabling pages: runs (queue one, watch it, see the proposal), accept, re-run with adjustments.

Web requests never solve: they queue a run and the worker (``manage.py scheduling_worker``) solves it.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sanhak.accounts.models import Role
from sanhak.common.errors import DomainError
from sanhak.common.permissions import AuthedRequest, role_required

from . import selectors, services
from .forms import AcceptForm, AdjustForm, RunStartForm
from .models import Room, SchedulingRun
from .problem import Options

STAFF = (Role.COORDINATOR, Role.PROGRAM_ADMIN)


def _rooms(request: AuthedRequest) -> QuerySet[Room]:
    return Room.objects.filter(institution__in=selectors.institutions_schedulable(request.user), is_active=True)


@role_required(*STAFF)
def index(request: AuthedRequest) -> HttpResponse:
    institutions = selectors.institutions_schedulable(request.user)
    form = RunStartForm(
        request.POST or None,
        institutions=institutions,
        all_allowed=request.user.is_program_admin,
        rooms=_rooms(request),
    )
    if request.method == "POST" and form.is_valid():
        try:
            run = services.scheduling_run_start(
                term=form.cleaned_data["term"],
                institution=form.cleaned_data["institution"],
                created_by=request.user,
                time_limit=form.cleaned_data["time_limit"],
                options=form.options(),
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("편성을 대기열에 넣었습니다. / The run is queued."))
            return redirect("scheduling:run", pk=run.pk)
    runs = Paginator(selectors.runs_visible(request.user), 30).get_page(request.GET.get("page"))
    return render(request, "scheduling/index.html", {"form": form, "page": runs})


def _adjust_form(request: AuthedRequest, run: SchedulingRun) -> AdjustForm:
    options = Options.from_json(run.options)
    return AdjustForm(
        rooms=_rooms(request),
        initial={
            "time_limit": run.time_limit,
            "students_saturday": options.students_saturday,
            "widen_minutes": options.widen_minutes,
            "exclude_rooms": list(options.exclude_rooms),
        },
    )


@role_required(*STAFF)
def run_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    run = selectors.run_for_user(request.user, pk)
    if getattr(request, "htmx", False):
        response = render(request, "scheduling/_status.html", {"run": run, "run_message": selectors.run_message(run)})
        if not run.is_active:
            response["HX-Refresh"] = "true"
        return response
    context = {
        "run": run,
        "grids": selectors.timetable(run.result) if run.result.get("assignments") else None,
        "figures": run.result.get("figures", {}),
        "run_message": selectors.run_message(run),
        "explanation": selectors.run_explanation(run),
        "adjust": _adjust_form(request, run),
        "accept": AcceptForm(),
        "may_act": selectors.may_schedule(request.user, run.institution),
    }
    return render(request, "scheduling/run.html", context)


@require_POST
@role_required(*STAFF)
def run_accept(request: AuthedRequest, pk: int) -> HttpResponse:
    run = selectors.run_for_user(request.user, pk)
    if not selectors.may_schedule(request.user, run.institution):
        raise PermissionDenied(_("이 편성을 확정할 권한이 없습니다. / You may not accept this timetable."))
    form = AcceptForm(request.POST)
    form.is_valid()
    try:
        sessions = services.scheduling_run_accept(
            run=run, by=request.user, replace_future=bool(form.cleaned_data.get("replace_future"))
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("수업 %(n)d개를 만들었습니다. / %(n)d sessions created.") % {"n": len(sessions)})
    return redirect("scheduling:run", pk=run.pk)


@require_POST
@role_required(*STAFF)
def run_rerun(request: AuthedRequest, pk: int) -> HttpResponse:
    run = selectors.run_for_user(request.user, pk)
    form = AdjustForm(request.POST, rooms=_rooms(request))
    if not form.is_valid():
        messages.error(request, _("조정한 조건을 확인하세요. / Check the adjusted constraints."))
        return redirect("scheduling:run", pk=run.pk)
    try:
        new = services.scheduling_run_rerun(
            run=run, by=request.user, options=form.options(), time_limit=form.cleaned_data["time_limit"]
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("scheduling:run", pk=run.pk)
    messages.success(request, _("조건을 바꿔 다시 편성합니다. / Re-running with the adjusted constraints."))
    return redirect("scheduling:run", pk=new.pk)
