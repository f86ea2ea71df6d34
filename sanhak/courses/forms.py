from __future__ import annotations

from typing import Any

from django import forms
from django.core.cache import cache
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from sanhak.accounts.models import Institution, User
from sanhak.common.i18n import in_language
from sanhak.competencies.models import Competency, Track
from sanhak.courses.models import Mode
from sanhak.courses.selectors import CatalogFilters

SCHEDULE_CHOICES = [
    ("", _("전체 시간대")),
    ("evening", _("평일 저녁")),
    ("weekend", _("주말")),
    ("evening_or_weekend", _("평일 저녁 또는 주말")),
]


FILTER_CHOICES_SECONDS = 300


def filter_choices() -> tuple[list[tuple[str, str]], ...]:
    """Tracks, institutions and competencies for the filter menus (reference data: cached briefly)."""

    def load() -> tuple[list[tuple[str, str, str]], ...]:
        names = ("code", "name_ko", "name_en")
        return (
            list(Track.objects.values_list(*names)),
            list(Institution.objects.exclude(kind=Institution.Kind.PROGRAM_OFFICE).values_list(*names)),
            list(Competency.objects.values_list(*names)),
        )

    loaded = cache.get_or_set("catalog:filter-choices:ko-en", load, FILTER_CHOICES_SECONDS)
    tracks, institutions, competencies = loaded if loaded is not None else load()
    return (
        [(code, in_language(ko, en)) for code, ko, en in tracks],
        [(code, in_language(ko, en)) for code, ko, en in institutions],
        [(code, f"{code} {in_language(ko, en)}") for code, ko, en in competencies],
    )


class CatalogForm(forms.Form):
    q = forms.CharField(label=_("검색어"), required=False, max_length=100)
    track = forms.ChoiceField(label=_("트랙"), required=False)
    institution = forms.ChoiceField(label=_("기관"), required=False)
    competency = forms.ChoiceField(label=_("역량"), required=False)
    mode = forms.ChoiceField(label=_("방식"), required=False, choices=[("", _("전체 방식")), *Mode.choices])
    schedule = forms.ChoiceField(label=_("시간대"), required=False, choices=SCHEDULE_CHOICES)
    open_seats = forms.BooleanField(label=_("잔여석 있음"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        tracks, institutions, competencies = filter_choices()
        self.fields["track"].choices = [("", _("전체 트랙")), *tracks]  # type: ignore[attr-defined]
        self.fields["institution"].choices = [("", _("전체 기관")), *institutions]  # type: ignore[attr-defined]
        self.fields["competency"].choices = [("", _("전체 역량")), *competencies]  # type: ignore[attr-defined]

    def filters(self) -> CatalogFilters:
        """The valid filters; an invalid value (unknown code, NUL byte, too long) is simply ignored."""
        if not self.is_bound:
            return CatalogFilters()
        self.is_valid()
        d = self.cleaned_data
        return CatalogFilters(
            q=d.get("q", ""),
            track=d.get("track", ""),
            institution=d.get("institution", ""),
            competency=d.get("competency", ""),
            mode=d.get("mode", ""),
            schedule=d.get("schedule", ""),
            open_seats=d.get("open_seats", False),
        )


class WorkerChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.trainee_profile.job_title or '-'})"


class NominateForm(forms.Form):
    trainees = WorkerChoiceField(
        label=_("추천할 직원"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("추천할 직원을 선택하세요. / Choose at least one worker.")},
    )

    def __init__(self, *args: Any, workers: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["trainees"]
        assert isinstance(field, WorkerChoiceField)
        field.queryset = workers
