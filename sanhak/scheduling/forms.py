from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from sanhak.accounts.models import Institution

from .models import Room
from .problem import Options
from .services import default_time_limit


class AdjustForm(forms.Form):
    """The constraints a coordinator may adjust for a run."""

    time_limit = forms.IntegerField(label=_("시간 제한(초)"), min_value=1, max_value=600)
    students_saturday = forms.BooleanField(label=_("학생 과정도 토요일 허용"), required=False)
    widen_minutes = forms.IntegerField(
        label=_("운영 시간대 확대(분)"),
        min_value=0,
        max_value=180,
        initial=0,
        required=False,
        help_text=_("모든 운영 시간대를 이만큼 일찍 열고 늦게 닫습니다."),
    )
    exclude_rooms = forms.ModelMultipleChoiceField(
        label=_("제외할 강의실"), queryset=Room.objects.none(), required=False
    )

    def __init__(self, *args: Any, rooms: QuerySet[Room], **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("time_limit", default_time_limit())
        super().__init__(*args, **kwargs)
        self.fields["exclude_rooms"].queryset = rooms  # type: ignore[attr-defined]

    def options(self) -> Options:
        data = self.cleaned_data
        return Options(
            students_saturday=bool(data.get("students_saturday")),
            widen_minutes=int(data.get("widen_minutes") or 0),
            exclude_rooms=tuple(sorted(r.pk for r in data.get("exclude_rooms") or [])),
        )


class RunStartForm(AdjustForm):
    term = forms.CharField(label=_("학기"), max_length=20, help_text=_("예: 2026-2"))
    institution = forms.ModelChoiceField(
        label=_("기관"), queryset=Institution.objects.none(), required=False, empty_label=_("모든 기관")
    )
    field_order = ["term", "institution", "time_limit", "students_saturday", "widen_minutes", "exclude_rooms"]

    def __init__(self, *args: Any, institutions: QuerySet[Institution], all_allowed: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["institution"]
        field.queryset = institutions  # type: ignore[attr-defined]
        field.required = not all_allowed
        if not all_allowed:
            field.empty_label = None  # type: ignore[attr-defined]


class AcceptForm(forms.Form):
    replace_future = forms.BooleanField(
        label=_("기존 예정 수업 대체"),
        required=False,
        help_text=_("이 강좌들의 오늘 이후 수업을 지우고 새 시간표로 바꿉니다"),
    )
