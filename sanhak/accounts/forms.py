from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import authenticate, password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from sanhak.accounts.models import Institution, TraineeProfile, User
from sanhak.common.validators import reject_rrn
from sanhak.companies.models import Company, brn_is_valid, normalize_brn


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("이메일"),
        max_length=254,  # no account has a longer one; the throttle's log of failed logins keeps it
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )


class _SignupBase(forms.Form):
    name = forms.CharField(label=_("이름"), max_length=60, validators=[reject_rrn])
    email = forms.EmailField(label=_("이메일"), max_length=254)  # as the user model stores it
    password = forms.CharField(label=_("비밀번호"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    consent = forms.BooleanField(
        label=_(
            "개인정보 수집·이용에 동의합니다(필수): 이름, 이메일, 소속, 수강 이력. 주민등록번호는 수집하지 않습니다."
        ),
        required=True,
        error_messages={"required": _("개인정보 수집·이용 동의가 필요합니다. / Consent is required.")},
    )

    def clean_email(self) -> str:
        email: str = self.cleaned_data["email"].lower()
        if User.objects.filter(email=email).exists():
            raise forms.ValidationError(_("이미 가입된 이메일입니다. / This e-mail is already registered."))
        return email

    def clean_password(self) -> str:
        password: str = self.cleaned_data["password"]
        password_validation.validate_password(password)
        return password


class TraineeSignupForm(_SignupBase):
    kind = forms.ChoiceField(label=_("구분"), choices=TraineeProfile.Kind.choices)
    employer_brn = forms.CharField(
        label=_("재직 기업 사업자등록번호"), required=False, help_text=_("재직자만 입력 (예: 124-81-00998)")
    )
    institution = forms.ModelChoiceField(
        label=_("소속 학교"), queryset=Institution.objects.exclude(kind=Institution.Kind.PROGRAM_OFFICE), required=False
    )
    prefers_evening = forms.BooleanField(label=_("평일 저녁 수업 선호"), required=False)
    prefers_weekend = forms.BooleanField(label=_("주말 수업 선호"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == TraineeProfile.Kind.INCUMBENT:
            brn = normalize_brn(data.get("employer_brn") or "")
            company = Company.objects.filter(brn=brn).first() if brn else None
            if company is None:
                self.add_error(
                    "employer_brn",
                    _(
                        "등록된 기업의 사업자등록번호를 입력하세요. / Enter the registration number of a registered company."
                    ),
                )
            data["employer"] = company
        elif data.get("kind") and not data.get("institution"):
            self.add_error("institution", _("소속 학교를 선택하세요. / Choose your school."))
        return data


class ManagerSignupForm(_SignupBase):
    company_name = forms.CharField(label=_("회사명"), max_length=150)
    brn = forms.CharField(label=_("사업자등록번호"), max_length=12, help_text=_("예: 124-81-00998"))
    employees = forms.IntegerField(label=_("종업원 수"), min_value=0, max_value=1_000_000)
    address = forms.CharField(label=_("공장 주소"), max_length=300, required=False)

    def clean_brn(self) -> str:
        brn = normalize_brn(self.cleaned_data["brn"])
        if not brn_is_valid(brn):
            raise forms.ValidationError(
                _("사업자등록번호가 올바르지 않습니다. / Invalid business registration number.")
            )
        if Company.objects.filter(brn=brn).exists():
            raise forms.ValidationError(
                _(
                    "이미 등록된 기업입니다. 기존 담당자나 사업단에 문의하세요. / This company is already registered; ask its manager or the program office."
                )
            )
        return brn


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["name", "phone"]


class TokenForm(forms.Form):
    name = forms.CharField(label=_("토큰 이름"), max_length=60)


class InviteAcceptForm(forms.Form):
    password = forms.CharField(label=_("비밀번호"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    consent = _SignupBase.base_fields["consent"]

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password: str = self.cleaned_data["password"]
        password_validation.validate_password(password, self.user)
        return password


class WithdrawForm(forms.Form):
    """Closing one's own account: the password again, and a plain yes."""

    password = forms.CharField(
        label=_("비밀번호"), widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}), strip=False
    )
    confirm = forms.BooleanField(
        label=_("위 내용을 확인했으며 탈퇴합니다."),
        required=True,
        error_messages={"required": _("탈퇴하려면 확인란을 선택하세요. / Tick the box to close your account.")},
    )

    def __init__(self, *args: Any, user: User, request: HttpRequest, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user, self.request = user, request

    def clean_password(self) -> str:
        password: str = self.cleaned_data["password"]
        # through the login backends, so that the throttle counts wrong guesses here as at the login page
        if authenticate(self.request, username=self.user.email, password=password) is None:
            raise forms.ValidationError(
                _("비밀번호가 맞지 않습니다. / The password is not correct."), code="password_incorrect"
            )
        return password
