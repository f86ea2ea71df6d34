from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sanhak.accounts import services, tokens
from sanhak.accounts.forms import (
    EmailAuthenticationForm,
    InviteAcceptForm,
    ManagerSignupForm,
    ProfileForm,
    TokenForm,
    TraineeSignupForm,
    WithdrawForm,
)
from sanhak.accounts.models import ApiToken, User
from sanhak.common.audit import own_record_exported
from sanhak.common.errors import DomainError
from sanhak.common.forms import refusal
from sanhak.common.permissions import AuthedRequest, login_required_view


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


class PasswordChangeView(auth_views.PasswordChangeView):
    """A logged-in user changes their password with the current one; this session stays logged in, every
    other session of theirs ends (Django re-keys the session hash)."""

    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:profile")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        messages.success(self.request, _("비밀번호를 변경했습니다. / Password changed."))
        return response


def signup(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/signup.html")


def _signup_done(request: HttpRequest, user: User) -> HttpResponse:
    login(request, user, backend="sanhak.accounts.backends.UserBackend")
    messages.success(request, _("가입을 환영합니다. / Welcome to sanhak."))
    return redirect("home")


def signup_trainee(request: HttpRequest) -> HttpResponse:
    form = TraineeSignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        user = services.user_signup_trainee(
            email=d["email"],
            name=d["name"],
            password=d["password"],
            kind=d["kind"],
            employer=d.get("employer"),
            institution=d.get("institution"),
            prefers_evening=d["prefers_evening"],
            prefers_weekend=d["prefers_weekend"],
        )
        return _signup_done(request, user)
    return render(request, "accounts/signup_form.html", {"form": form, "heading": _("교육생 가입")})


def signup_manager(request: HttpRequest) -> HttpResponse:
    form = ManagerSignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        user = services.user_signup_company_manager(
            email=d["email"],
            name=d["name"],
            password=d["password"],
            brn=d["brn"],
            company_name=d["company_name"],
            employees=d["employees"],
            address=d["address"],
        )
        return _signup_done(request, user)
    return render(request, "accounts/signup_form.html", {"form": form, "heading": _("기업 담당자 가입")})


@login_required_view
def profile(request: AuthedRequest) -> HttpResponse:
    user = request.user
    form = ProfileForm(request.POST or None, instance=user)
    if request.method == "POST" and form.is_valid():
        services.user_update_profile(user=user, name=form.cleaned_data["name"], phone=form.cleaned_data["phone"])
        messages.success(request, _("저장했습니다. / Saved."))
        return redirect("accounts:profile")
    return render(
        request,
        "accounts/profile.html",
        {
            "form": form,
            "token_form": TokenForm(),
            "tokens": ApiToken.objects.filter(user=user),
            "new_token": request.session.pop("new_token", None),
            "consents": user.privacy_consents.all(),
        },
    )


@require_POST
@login_required_view
def token_create(request: AuthedRequest) -> HttpResponse:
    form = TokenForm(request.POST)
    if form.is_valid():
        _token, raw = tokens.api_token_create(user=request.user, name=form.cleaned_data["name"])
        request.session["new_token"] = raw
        messages.success(
            request, _("새 토큰을 만들었습니다. 지금 한 번만 보입니다. / New token created; it is shown only once.")
        )
    else:
        messages.error(request, refusal(form, "name", _("토큰 이름을 입력하세요. / Enter a token name.")))
    return redirect("accounts:profile")


@require_POST
@login_required_view
def token_revoke(request: AuthedRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    tokens.api_token_revoke(token=token, by=request.user)
    messages.success(request, _("토큰을 폐기했습니다. / Token revoked."))
    return redirect("accounts:profile")


@login_required_view
def export_my_record(request: AuthedRequest) -> HttpResponse:
    body = services.user_export_record(user=request.user)
    own_record_exported(request, request.user)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="sanhak-my-record.json"'
    return response


@login_required_view
def withdraw(request: AuthedRequest) -> HttpResponse:
    """회원 탈퇴: what closing the account ends, erases and keeps; then, with the password, closed."""
    user = request.user
    refused = services.withdrawal_refusal(user)
    form = WithdrawForm(request.POST or None, user=user, request=request)
    if request.method == "POST" and refused is None and form.is_valid():
        try:
            services.user_withdraw(user=user)
        except DomainError as exc:  # closed in another tab meanwhile, a role given meanwhile
            refused = exc.message
        else:
            logout(request)
            messages.success(request, _("탈퇴했습니다. 그동안 이용해 주셔서 감사합니다. / Your account is closed."))
            return redirect("home")
    status = 403 if refused is not None and request.method == "POST" else 200
    return render(request, "accounts/withdraw.html", {"form": form, "refused": refused}, status=status)


def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/privacy.html", {"policy_version": settings.PRIVACY_POLICY_VERSION})


def invite_accept(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """An invited worker sets a password and consents; the link works once."""
    try:
        user = User.objects.get(pk=int(force_str(urlsafe_base64_decode(uidb64))))
    except (User.DoesNotExist, ValueError, TypeError, OverflowError):
        user = None
    if user is None or not services.invitation_tokens.check_token(user, token):
        return render(request, "accounts/invite_invalid.html", status=404)
    form = InviteAcceptForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        services.invite_accept(user=user, password=form.cleaned_data["password"])
        return _signup_done(request, user)
    return render(request, "accounts/invite_accept.html", {"form": form, "invited": user})
