from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sanhak.common.errors import DomainError
from sanhak.common.validators import IN_CALENDAR, reject_rrn
from sanhak.companies.models import IndustrialComplex
from sanhak.competencies.models import Competency, Track
from sanhak.demand.models import PreferredMode, SizeBand, Urgency
from sanhak.demand.services import parse_prefixes

DATE = forms.DateInput(attrs={"type": "date"})
LEVELS = [("", "—"), *[(str(n), str(n)) for n in range(1, 9)]]


class RoundForm(forms.Form):
    title = forms.CharField(label=_("조사명"), max_length=200)
    opens_on = forms.DateField(label=_("응답 시작일"), widget=DATE, validators=IN_CALENDAR)
    closes_on = forms.DateField(label=_("응답 마감일"), widget=DATE, validators=IN_CALENDAR)
    period_start = forms.DateField(label=_("교육 수요 기간 시작"), widget=DATE, validators=IN_CALENDAR)
    period_end = forms.DateField(label=_("교육 수요 기간 끝"), widget=DATE, validators=IN_CALENDAR)
    complex = forms.ModelChoiceField(
        label=_("산업단지"), queryset=IndustrialComplex.objects.all(), required=False, empty_label=_("전체")
    )
    ksic_prefixes = forms.CharField(
        label=_("업종(KSIC) 코드"), required=False, help_text=_("쉼표로 구분, 예: 29, 303 (비우면 전체)")
    )
    size_bands = forms.MultipleChoiceField(
        label=_("규모"), choices=SizeBand.choices, required=False, widget=forms.CheckboxSelectMultiple
    )

    def clean_ksic_prefixes(self) -> str:
        """The codes as the round stores them ("29,303"): each once, in the order given."""
        try:
            return ",".join(parse_prefixes(self.cleaned_data.get("ksic_prefixes", "")))
        except DomainError as exc:
            raise forms.ValidationError(exc.message, code=exc.code) from exc

    def clean_size_bands(self) -> list[str]:
        return list(dict.fromkeys(self.cleaned_data.get("size_bands", [])))


class ItemForm(forms.Form):
    competency = forms.ModelChoiceField(
        label=_("역량"), queryset=Competency.objects.order_by("code"), required=False, empty_label="—"
    )
    headcount = forms.IntegerField(label=_("인원"), min_value=1, max_value=10000, required=False)
    target_level = forms.TypedChoiceField(
        label=_("목표 수준"), choices=LEVELS, coerce=int, empty_value=None, required=False
    )
    track = forms.ModelChoiceField(label=_("트랙"), queryset=Track.objects.all(), required=False, empty_label="—")
    urgency = forms.ChoiceField(label=_("시급성"), choices=Urgency.choices, initial=Urgency.MEDIUM)
    mode = forms.ChoiceField(label=_("선호 방식"), choices=PreferredMode.choices, initial=PreferredMode.ANY)
    weekday_day = forms.BooleanField(label=_("평일 주간"), required=False)
    weekday_evening = forms.BooleanField(label=_("평일 저녁"), required=False)
    weekend = forms.BooleanField(label=_("주말"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("competency") and not data.get("headcount"):
            self.add_error("headcount", _("인원을 입력하세요. / Enter the headcount."))
        return data


class StatementForm(forms.Form):
    text = forms.CharField(
        label=_("필요한 것을 자유롭게 적어 주세요"),
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": _("예: 라인이 자주 서는데 원인을 찾을 사람이 없어요")}),
        required=False,
        max_length=2000,
        validators=[reject_rrn],
    )
    headcount = forms.IntegerField(label=_("인원"), min_value=1, max_value=10000, initial=1, required=False)
    track = forms.ModelChoiceField(label=_("트랙"), queryset=Track.objects.all(), required=False, empty_label="—")


ItemFormSet = forms.formset_factory(ItemForm, extra=3, max_num=60)
StatementFormSet = forms.formset_factory(StatementForm, extra=2, max_num=30)


class ReopenForm(forms.Form):
    reason = forms.CharField(label=_("재개 사유"), max_length=300, validators=[reject_rrn])
