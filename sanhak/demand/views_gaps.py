"""The demand reads: the gap analysis with its drill-downs and export (program office, coordinators), and
the demand-based recommendations (incumbent workers and company managers)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sanhak.accounts.models import TraineeProfile
from sanhak.common import access
from sanhak.common.audit import personal_data_viewed
from sanhak.common.export import xlsx_response
from sanhak.common.permissions import AuthedRequest, login_required_view
from sanhak.companies.models import Company, KsicCode
from sanhak.competencies.models import Competency, Track
from sanhak.demand import selectors
from sanhak.demand.models import SizeBand

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MAX_PERIOD_DAYS = 366 * 5


class GapFilterForm(forms.Form):
    start = forms.DateField(label=gettext_lazy("기간 시작"), widget=DATE)
    end = forms.DateField(label=gettext_lazy("기간 끝"), widget=DATE)
    ksic = forms.ChoiceField(label=gettext_lazy("업종(KSIC 중분류)"), required=False)
    size = forms.ChoiceField(label=gettext_lazy("규모"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        divisions = KsicCode.objects.filter(level=2).order_by("code").values_list("code", "name")
        self.fields["ksic"].choices = [("", _("전체")), *((c, f"{c} {n}") for c, n in divisions)]  # type: ignore[attr-defined]
        self.fields["size"].choices = [("", _("전체")), *SizeBand.choices]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                raise forms.ValidationError(_("기간의 끝이 시작보다 빠릅니다. / The period ends before it starts."))
            if (end - start).days > MAX_PERIOD_DAYS:
                raise forms.ValidationError(_("기간은 5년까지입니다. / The period is at most five years."))
        return data

    @staticmethod
    def default_period(today: dt.date) -> tuple[dt.date, dt.date]:
        """This calendar year."""
        return dt.date(today.year, 1, 1), dt.date(today.year, 12, 31)

    def filters(self) -> selectors.GapFilters:
        """The valid filters, or this year without industry and size filters."""
        if self.is_bound and self.is_valid():
            d = self.cleaned_data
            return selectors.GapFilters(d["start"], d["end"], d.get("ksic") or "", d.get("size") or "")
        return selectors.GapFilters(*self.default_period(timezone.localdate()))


def _filter_form(request: AuthedRequest) -> GapFilterForm:
    if {"start", "end"} & set(request.GET):
        return GapFilterForm(request.GET)
    start, end = GapFilterForm.default_period(timezone.localdate())
    return GapFilterForm(initial={"start": start, "end": end})


@login_required_view
def gaps(request: AuthedRequest) -> HttpResponse:
    access.require_demand_staff(request.user)
    form = _filter_form(request)
    filters = form.filters()
    table = selectors.gap_table(filters)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(
            selectors.gap_export_rows(table),
            f"demand-gaps-{filters.start:%Y%m%d}-{filters.end:%Y%m%d}",
            sheet=_("수요-공급 격차"),
        )
    # The drill-down links are built from one reversed prefix rather than 2 × cells {% url %} calls.
    return render(
        request,
        "demand/gaps.html",
        {"form": form, "table": table, "query": urlencode(filters.query()), "base": reverse("demand_gaps:gaps")},
    )


def _cell(code: str, track: str) -> tuple[Competency, Track]:
    return get_object_or_404(Competency, code=code), get_object_or_404(Track, code=track)


@login_required_view
def gap_demand(request: AuthedRequest, code: str, track: str) -> HttpResponse:
    access.require_demand_staff(request.user)
    competency, track_obj = _cell(code, track)
    form = _filter_form(request)
    filters = form.filters()
    sources = selectors.demand_sources(filters, competency, track_obj)
    return render(
        request,
        "demand/gaps_demand.html",
        {
            "form": form,
            "filters": filters,
            "competency": competency,
            "track": track_obj,
            "page": Paginator(sources, 100).get_page(request.GET.get("page")),
            "size_label": SizeBand(filters.size_band).label if filters.size_band else "",
            "total": sum(s.headcount for s in sources),
            "companies": len(sources),
            "query": urlencode(filters.query()),
        },
    )


@login_required_view
def gap_supply(request: AuthedRequest, code: str, track: str) -> HttpResponse:
    access.require_demand_staff(request.user)
    competency, track_obj = _cell(code, track)
    form = _filter_form(request)
    filters = form.filters()
    offerings = list(selectors.supply_sources(filters, competency, track_obj))
    return render(
        request,
        "demand/gaps_supply.html",
        {
            "form": form,
            "filters": filters,
            "competency": competency,
            "track": track_obj,
            "offerings": offerings,
            "seats": sum(o.capacity for o in offerings),
            "query": urlencode(filters.query()),
        },
    )


@login_required_view
def recommendations(request: AuthedRequest) -> HttpResponse:
    audience, subject = access.recommendation_audience(request.user)
    if audience == "manager":
        assert isinstance(subject, Company)
        workers = access.workers_visible(request.user, subject)
        result = selectors.company_recommendations(subject, workers)
        personal_data_viewed(request=request, purpose="demand_recommendations", subject_ids=result.shown_worker_ids)
        return render(request, "demand/recommend_company.html", {"result": result})
    if audience == "worker":
        assert isinstance(subject, TraineeProfile)
        return render(
            request,
            "demand/recommend_worker.html",
            {"result": selectors.worker_recommendations(request.user, subject)},
        )
    assert subject is None or isinstance(subject, TraineeProfile)
    return render(
        request,
        "demand/recommend_student.html",
        {"result": selectors.student_recommendations(request.user, subject)},
    )
