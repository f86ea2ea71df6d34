"""Survey pages: the office opens rounds and follows up; companies answer; staff confirm statement mappings."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sanhak.accounts.models import Role, RoleAssignment
from sanhak.common import access
from sanhak.common.audit import personal_data_viewed
from sanhak.common.errors import DomainError
from sanhak.common.export import xlsx_response
from sanhak.common.forms import refusal
from sanhak.common.permissions import AuthedRequest, login_required_view, role_required
from sanhak.common.redirects import redirect_back
from sanhak.competencies.models import Competency
from sanhak.demand import services
from sanhak.demand.forms import ItemFormSet, ReopenForm, RoundForm, StatementFormSet
from sanhak.demand.models import NeedStatement, ResponseStatus, SurveyResponse, SurveyRound

CODE_MAX = Competency._meta.get_field("code").max_length or 20  # a mapped competency's code


def _raise(exc: DomainError) -> None:
    if exc.status == 403:
        raise PermissionDenied(exc.message) from exc


# --- the program office ----------------------------------------------------------------------------------


@role_required(Role.PROGRAM_ADMIN)
def rounds(request: AuthedRequest) -> HttpResponse:
    form = RoundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            survey = services.survey_round_open(by=request.user, **data)
        except DomainError as exc:
            _raise(exc)
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _("수요조사를 열었습니다: 대상 기업 %(n)d곳 / Survey opened for %(n)d companies.")
                % {"n": survey.responses.count()},
            )
            return redirect("demand:round", pk=survey.pk)
    listing = SurveyRound.objects.annotate(
        targets=Count("responses"), submitted=Count("responses", filter=Q(responses__status=ResponseStatus.SUBMITTED))
    )
    return render(
        request, "demand/rounds.html", {"rounds": listing, "form": form, "gaps_url": reverse("demand_gaps:gaps")}
    )


@role_required(Role.PROGRAM_ADMIN)
def round_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    survey = get_object_or_404(SurveyRound, pk=pk)
    status = request.GET.get("status", "")
    responses = survey.responses.select_related("company").order_by("company__name", "id")
    counts = dict(survey.responses.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    if status in ResponseStatus.values:
        responses = responses.filter(status=status)
    if request.GET.get("format") == "xlsx":  # the follow-up list: who has not answered, and whom to call
        return _nonresponders_xlsx(request, survey)
    page = Paginator(responses, 100).get_page(request.GET.get("page"))
    return render(
        request,
        "demand/round.html",
        {
            "survey": survey,
            "page": page,
            "status": status,
            "statuses": ResponseStatus.choices,
            "counts": {value: counts.get(value, 0) for value, _label in ResponseStatus.choices},
            "total": sum(counts.values()),
            "reopen_form": ReopenForm(),
        },
    )


def _nonresponders_xlsx(request: HttpRequest, survey: SurveyRound) -> HttpResponse:
    pending = list(
        survey.responses.exclude(status=ResponseStatus.SUBMITTED)
        .select_related("company")
        .prefetch_related(
            Prefetch(
                "company__managers",
                queryset=RoleAssignment.objects.filter(role=Role.COMPANY_MANAGER).select_related("user"),
                to_attr="manager_roles",
            )
        )
        .order_by("company__name")
    )
    rows: list[list[Any]] = [[_("회사명"), _("사업자등록번호"), _("상태"), _("담당자"), _("이메일"), _("회사 전화")]]
    people: list[int] = []
    for response in pending:
        managers = [ra.user for ra in getattr(response.company, "manager_roles", [])]
        people.extend(m.pk for m in managers)
        rows.append(
            [
                response.company.name,
                response.company.brn,
                response.get_status_display(),
                ", ".join(m.name for m in managers),
                ", ".join(m.email for m in managers),
                response.company.phone,
            ]
        )
    personal_data_viewed(request=request, purpose="survey_nonresponders", subject_ids=people)
    return xlsx_response(rows, f"nonresponders-{survey.pk}", sheet=_("미응답"))


@require_POST
@role_required(Role.PROGRAM_ADMIN)
def response_reopen(request: AuthedRequest, pk: int) -> HttpResponse:
    response = access.survey_response_for(request.user, pk)
    form = ReopenForm(request.POST)
    if not form.is_valid():
        messages.error(request, refusal(form, "reason", _("재개 사유를 입력하세요. / Give a reason to reopen.")))
    else:
        try:
            services.response_reopen(response=response, by=request.user, reason=form.cleaned_data["reason"])
            messages.success(request, _("응답을 다시 열었습니다. / Response reopened."))
        except DomainError as exc:
            messages.error(request, exc.message)
    return redirect("demand:round", pk=response.round_id)


# --- companies ------------------------------------------------------------------------------------------------


@role_required(Role.COMPANY_MANAGER, Role.PROGRAM_ADMIN)
def my_surveys(request: AuthedRequest) -> HttpResponse:
    if not request.user.has_role(Role.COMPANY_MANAGER):
        return redirect("demand:rounds")  # a program admin's side of the surveys: every company's answers
    company = access.managed_company(request.user)
    responses = SurveyResponse.objects.filter(company=company).select_related("round").order_by("-round__opens_on")
    return render(
        request, "demand/my_surveys.html", {"company": company, "responses": responses, "today": timezone.localdate()}
    )


def _initial(response: SurveyResponse) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    items = [
        {
            "competency": i.competency,
            "headcount": i.headcount,
            "target_level": i.target_level,
            "track": i.track if i.target_level is None else None,
            "urgency": i.urgency,
            "mode": i.mode,
            "weekday_day": i.weekday_day,
            "weekday_evening": i.weekday_evening,
            "weekend": i.weekend,
        }
        for i in response.items.select_related("competency", "track")
    ]
    statements = [{"text": s.text, "headcount": s.headcount, "track": s.track} for s in response.statements.all()]
    return items, statements


@login_required_view
def response_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    response = access.survey_response_for(request.user, pk)
    own = response.company_id in request.user.managed_company_ids
    editable = own and response.status != ResponseStatus.SUBMITTED
    initial_items, initial_statements = _initial(response)
    items = ItemFormSet(request.POST or None, initial=initial_items, prefix="item")
    statements = StatementFormSet(request.POST or None, initial=initial_statements, prefix="statement")
    if request.method == "POST":
        if not own:
            raise PermissionDenied(_("회사 담당자만 응답합니다. / Only the company's managers answer."))
        if items.is_valid() and statements.is_valid():
            try:
                services.response_save(
                    response=response,
                    items=[services.ItemIn(**f.cleaned_data) for f in items if f.cleaned_data.get("competency")],
                    statements=[
                        services.StatementIn(
                            text=f.cleaned_data["text"],
                            headcount=f.cleaned_data.get("headcount") or 1,
                            track=f.cleaned_data.get("track"),
                        )
                        for f in statements
                        if f.cleaned_data.get("text")
                    ],
                    by=request.user,
                    submit="submit" in request.POST,
                )
            except DomainError as exc:
                _raise(exc)
                messages.error(request, exc.message)
            else:
                messages.success(
                    request,
                    _("제출했습니다. 감사합니다. / Submitted, thank you.")
                    if "submit" in request.POST
                    else _("임시 저장했습니다. / Draft saved."),
                )
                return redirect("demand:response", pk=response.pk)
    return render(
        request,
        "demand/response.html",
        {
            "response": response,
            "items": items,
            "statements": statements,
            "editable": editable,
            "saved_items": response.items.select_related("competency", "track"),
            "saved_statements": response.statements.select_related("track").prefetch_related("confirmed"),
        },
    )


# --- staff: statements -------------------------------------------------------------------------------------


@login_required_view
def statements(request: AuthedRequest) -> HttpResponse:
    access.require_demand_staff(request.user)
    show = request.GET.get("show", "open")
    qs = (
        NeedStatement.objects.filter(response__status=ResponseStatus.SUBMITTED)
        .select_related("response__company", "response__round", "track", "confirmed_by")
        .prefetch_related("confirmed")
        .order_by("confirmed_at" if show == "done" else "id", "id")
    )
    qs = qs.filter(confirmed_at__isnull=False) if show == "done" else qs.filter(confirmed_at__isnull=True)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    names = {c.code: c.name for c in Competency.objects.only("code", "name_ko", "name_en")}
    for statement in page:
        confirmed = {c.code for c in statement.confirmed.all()}
        statement.rows = [  # type: ignore[attr-defined]
            {
                "code": sug["code"],
                "name": names.get(sug["code"], ""),
                "evidence": sug.get("evidence", []),
                "checked": sug["code"] in confirmed if statement.confirmed_at else n == 0,
            }
            for n, sug in enumerate(statement.suggestions)
        ]
    return render(
        request, "demand/statements.html", {"page": page, "show": show, "competencies": sorted(names.items())}
    )


@require_POST
@login_required_view
def statement_confirm(request: AuthedRequest, pk: int) -> HttpResponse:
    access.require_demand_staff(request.user)
    statement = get_object_or_404(NeedStatement, pk=pk, response__status=ResponseStatus.SUBMITTED)
    codes = request.POST.getlist("codes")
    extra = request.POST.get("other", "").strip()
    if extra:
        codes.append(extra)
    if any(len(code.strip()) > CODE_MAX for code in codes):  # no competency has such a code
        messages.error(
            request,
            _("역량 코드는 %(max)d자까지입니다. / A competency code has at most %(max)d characters.")
            % {"max": CODE_MAX},
        )
        return redirect_back(request, "demand:statements")
    try:
        services.statement_confirm(statement=statement, codes=codes, by=request.user)
        messages.success(request, _("매핑을 확정했습니다. / Mapping confirmed."))
    except DomainError as exc:
        _raise(exc)
        messages.error(request, exc.message)
    return redirect_back(request, "demand:statements")
