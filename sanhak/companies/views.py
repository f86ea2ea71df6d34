from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from sanhak.accounts import services as accounts_services
from sanhak.accounts.models import Role
from sanhak.common import access
from sanhak.common.audit import personal_data_viewed
from sanhak.common.permissions import AuthedRequest, login_required_view, role_required
from sanhak.companies.forms import CompanyForm, WorkerForm, WorkerInviteForm
from sanhak.companies.services import company_update, worker_update


@role_required(Role.PROGRAM_ADMIN)
def company_list(request: AuthedRequest) -> HttpResponse:
    q = request.GET.get("q", "")[:100]
    qs = (
        access.companies_visible(request.user)
        .search(q)
        .select_related("complex")
        .prefetch_related("ksic_codes")
        .order_by("name", "id")
    )
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "companies/list.html", {"page": page, "q": q})


@role_required(Role.COMPANY_MANAGER)
def my_company(request: AuthedRequest) -> HttpResponse:
    company = access.managed_company(request.user)
    return redirect("companies:detail", pk=company.pk)


@login_required_view
def company_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    company = access.company_for_user(request.user, pk)
    workers = list(access.workers_visible(request.user, company).order_by("name"))
    personal_data_viewed(request=request, purpose="company_workers", subject_ids=[w.pk for w in workers])
    return render(
        request,
        "companies/detail.html",
        {"company": company, "workers": workers, "ksic": company.ksic_codes.all()},
    )


@login_required_view
def company_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    company = access.company_for_user(request.user, pk)
    form = CompanyForm(request.POST or None, instance=company)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        ksic = data.pop("ksic")
        company_update(company=company, ksic_codes=ksic, **data)
        messages.success(request, _("기업 정보를 저장했습니다. / Saved."))
        return redirect("companies:detail", pk=company.pk)
    return render(request, "companies/edit.html", {"company": company, "form": form})


@login_required_view
def worker_edit(request: AuthedRequest, pk: int, user_pk: int) -> HttpResponse:
    company = access.company_for_user(request.user, pk)
    worker = get_object_or_404(access.workers_visible(request.user, company), pk=user_pk)
    profile = worker.trainee_profile
    form = WorkerForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        worker_update(profile=profile, **form.cleaned_data)
        messages.success(request, _("직원 정보를 저장했습니다. / Saved."))
        return redirect("companies:detail", pk=company.pk)
    personal_data_viewed(request=request, purpose="company_worker_edit", subject_ids=[worker.pk])
    return render(request, "companies/worker_edit.html", {"company": company, "worker": worker, "form": form})


@login_required_view
def worker_invite(request: AuthedRequest, pk: int) -> HttpResponse:
    company = access.company_for_user(request.user, pk)
    form = WorkerInviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        worker = accounts_services.worker_invite(
            company=company, by=request.user, base_url=request.build_absolute_uri("/"), **form.cleaned_data
        )
        messages.success(
            request, _("%(email)s 로 초대 메일을 보냈습니다. / Invitation sent to %(email)s.") % {"email": worker.email}
        )
        return redirect("companies:detail", pk=company.pk)
    return render(request, "companies/worker_invite.html", {"company": company, "form": form})
