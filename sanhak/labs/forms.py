from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sanhak.accounts.models import Institution
from sanhak.common.validators import IN_CALENDAR, reject_rrn
from sanhak.courses.models import Course, Session
from sanhak.labs.models import EquipmentStatus, EquipmentType
from sanhak.labs.selectors import GROUPS, SlotQuery

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time", "step": 600}, format="%H:%M")


class BookingForm(forms.Form):
    date = forms.DateField(label=_("날짜"), widget=DATE, validators=IN_CALENDAR)
    start = forms.TimeField(label=_("시작"), widget=TIME)
    end = forms.TimeField(label=_("종료"), widget=TIME)
    purpose = forms.CharField(label=_("용도"), max_length=200, required=False, validators=[reject_rrn])
    project = forms.CharField(label=_("과제"), max_length=150, required=False, validators=[reject_rrn])
    weeks = forms.IntegerField(
        label=_("매주 반복(주)"), min_value=1, max_value=26, initial=1, help_text=_("1이면 한 번만 예약합니다.")
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["end"] <= data["start"]:
            raise forms.ValidationError(
                _("종료 시각이 시작 시각보다 늦어야 합니다. / The end must be after the start.")
            )
        return data

    def times(self) -> tuple[dt.datetime, dt.datetime]:
        tz = timezone.get_current_timezone()
        d = self.cleaned_data
        return (
            dt.datetime.combine(d["date"], d["start"], tzinfo=tz),
            dt.datetime.combine(d["date"], d["end"], tzinfo=tz),
        )


DURATIONS = [
    (30, _("30분")),
    (60, _("1시간")),
    (90, _("1시간 30분")),
    (120, _("2시간")),
    (180, _("3시간")),
    (240, _("4시간")),
]


class FindForm(forms.Form):
    type = forms.ModelChoiceField(label=_("장비 유형"), queryset=EquipmentType.objects.all(), empty_label=None)
    institution = forms.ModelChoiceField(
        label=_("기관"), queryset=Institution.objects.all(), required=False, empty_label=_("전체")
    )
    date_from = forms.DateField(label=_("시작일"), widget=DATE, validators=IN_CALENDAR)
    date_to = forms.DateField(
        label=_("종료일"),
        widget=DATE,
        required=False,
        help_text=_("비우면 하루"),
        validators=IN_CALENDAR,
    )
    window_start = forms.TimeField(label=_("희망 시간대 시작"), widget=TIME, initial=dt.time(9, 0))
    window_end = forms.TimeField(label=_("희망 시간대 끝"), widget=TIME, initial=dt.time(22, 0))
    duration = forms.TypedChoiceField(label=_("이용 시간"), choices=DURATIONS, coerce=int, initial=120)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to") or data.get("date_from")
        if start and end:
            if end < start:
                raise forms.ValidationError(_("종료일이 시작일보다 빠릅니다. / The end date is before the start date."))
            if (end - start).days > 13:
                raise forms.ValidationError(_("한 번에 14일까지 찾을 수 있습니다. / Search at most 14 days at a time."))
            data["date_to"] = end
        if data.get("window_start") and data.get("window_end") and data["window_end"] <= data["window_start"]:
            raise forms.ValidationError(
                _("시간대의 끝이 시작보다 늦어야 합니다. / The window must end after it starts.")
            )
        return data

    def query(self) -> SlotQuery:
        d = self.cleaned_data
        return SlotQuery(d["date_from"], d["date_to"], d["window_start"], d["window_end"], d["duration"])


class LabBookingForm(forms.Form):
    session: forms.ModelChoiceField[Session] = forms.ModelChoiceField(
        label=_("수업"), queryset=Session.objects.none(), empty_label=None
    )

    def __init__(self, *args: Any, sessions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["session"].queryset = sessions  # type: ignore[attr-defined]
        self.fields["session"].label_from_instance = lambda s: (  # type: ignore[attr-defined]
            f"{s.offering.course.title} · {s.date:%Y-%m-%d} {s.start_time:%H:%M}–{s.end_time:%H:%M}"
        )


class TrainingRecordForm(forms.Form):
    email = forms.EmailField(label=_("이수자 이메일"))
    course = forms.ModelChoiceField(label=_("교육"), queryset=Course.objects.none(), empty_label=None)
    completed_on = forms.DateField(label=_("이수일"), widget=DATE, validators=IN_CALENDAR)
    note = forms.CharField(label=_("비고"), max_length=200, required=False, validators=[reject_rrn])

    def __init__(self, *args: Any, courses: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = courses  # type: ignore[attr-defined]


class ReportForm(forms.Form):
    date_from = forms.DateField(label=_("시작일"), widget=DATE, validators=IN_CALENDAR)
    date_to = forms.DateField(label=_("종료일"), widget=DATE, validators=IN_CALENDAR)
    group = forms.ChoiceField(
        label=_("기준"),
        choices=list(
            zip(
                GROUPS,
                [_("장비"), _("장비 유형"), _("기관"), _("기업"), _("교육과정"), _("과제")],
                strict=True,
            )
        ),
        initial="equipment",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("date_from") and data.get("date_to"):
            if data["date_to"] < data["date_from"]:
                raise forms.ValidationError(_("종료일이 시작일보다 빠릅니다. / The end date is before the start date."))
            if (data["date_to"] - data["date_from"]).days > 366:
                raise forms.ValidationError(_("기간은 1년까지입니다. / The period can be at most a year."))
        return data


class EquipmentStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("상태"), choices=EquipmentStatus.choices)
    reason = forms.CharField(label=_("사유"), max_length=300, required=False, validators=[reject_rrn])
    expected_return = forms.DateField(label=_("복귀 예정일"), widget=DATE, required=False, validators=IN_CALENDAR)
