from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sanhak.accounts.models import TraineeProfile, User
from sanhak.common.validators import reject_rrn
from sanhak.companies.models import Company, KsicCode


class CompanyForm(forms.ModelForm):
    ksic = forms.CharField(
        label=_("업종 코드(KSIC 10차)"),
        required=False,
        help_text=_("5자리 코드, 여러 개는 쉼표로 구분 (예: 29229, 25921)"),
    )

    class Meta:
        model = Company
        fields = ["name", "employees", "address", "complex", "smart_factory_level", "products", "phone"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["ksic"].initial = ", ".join(self.instance.ksic_codes.values_list("code", flat=True))

    def clean_ksic(self) -> list[KsicCode]:
        raw = self.cleaned_data.get("ksic") or ""
        codes = [c for c in raw.replace(";", ",").replace(" ", ",").split(",") if c]
        found = {k.code: k for k in KsicCode.objects.filter(code__in=codes, level=5)}
        unknown = [c for c in codes if c not in found]
        if unknown:
            raise forms.ValidationError(
                _("알 수 없는 KSIC 10차 세세분류 코드: %(codes)s / Unknown KSIC rev. 10 codes: %(codes)s")
                % {"codes": ", ".join(unknown)}
            )
        return [found[c] for c in dict.fromkeys(codes)]


class WorkerForm(forms.ModelForm):
    """What a company manager may change about one of their workers."""

    class Meta:
        model = TraineeProfile
        fields = ["job_title", "prefers_evening", "prefers_weekend"]


class WorkerInviteForm(forms.Form):
    name = forms.CharField(label=_("이름"), max_length=60, validators=[reject_rrn])
    email = forms.EmailField(label=_("이메일"), max_length=254)  # as the user model stores it
    job_title = forms.CharField(label=_("직무"), max_length=60, required=False, validators=[reject_rrn])

    def clean_email(self) -> str:
        email: str = self.cleaned_data["email"].lower()
        if User.objects.filter(email=email).exists():
            raise forms.ValidationError(
                _(
                    "이미 가입된 이메일입니다. 본인이 가입할 때 회사 사업자등록번호를 입력하면 직원으로 연결됩니다. / This e-mail is already registered."
                )
            )
        return email
