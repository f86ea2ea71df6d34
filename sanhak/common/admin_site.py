"""Django's admin for the program office: the site every `admin.py` registers with.

Who may enter is what the platform's roles say: a program admin (사업단 관리자, a role assigned in
the platform) may, with every model permission; so may a superuser (the technical operator) and a
staff account given model permissions by one, as in Django. Anyone else gets the admin's login page,
which tells a logged-in user why. Every check reads the user of this request, so a revoked role
closes the admin on the very next request.
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from sanhak.common.audit import personal_data_viewed


class AuditedAutocompleteJsonView(AutocompleteJsonView):
    """The admin's search-as-you-type answers name people ("name <email>") when they search users: each
    answer is logged as a view of the people it lists (PIPA), as the user list is."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().get(request, *args, **kwargs)
        if response.status_code == 200 and self.model_admin.model is get_user_model():
            shown = [int(row["id"]) for row in json.loads(response.content)["results"]]
            personal_data_viewed(request=request, purpose="admin_autocomplete_user", subject_ids=shown)
        return response


def may_use_admin(user: Any) -> bool:
    """An active program admin, superuser or staff account."""
    if not (user.is_authenticated and user.is_active):
        return False
    return bool(user.is_staff or user.is_superuser or user.is_program_admin)


class ViewOnlyAdmin(admin.ModelAdmin):
    """Records changed only through the platform's services, where the rules are checked (bookings,
    signed credentials) or never (the access log): shown here, not added or edited."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class AdminLoginForm(AdminAuthenticationForm):
    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "invalid_login": _(
            "관리 화면을 쓸 수 있는 계정의 이메일과 비밀번호를 입력하세요. / "
            "Enter the email and password of an account that may use the administration."
        ),
    }

    def confirm_login_allowed(self, user: Any) -> None:
        if not user.is_active:
            raise ValidationError(self.error_messages["inactive"], code="inactive")
        if not may_use_admin(user):
            raise ValidationError(self.error_messages["invalid_login"], code="invalid_login")


class SanhakAdminSite(admin.AdminSite):
    site_header = _("산학 관리")
    site_title = _("산학 관리")
    index_title = _("사업 데이터 관리")
    login_form = AdminLoginForm

    def autocomplete_view(self, request: HttpRequest) -> HttpResponse:
        return AuditedAutocompleteJsonView.as_view(admin_site=self)(request)  # type: ignore[return-value]

    def has_permission(self, request: HttpRequest) -> bool:
        return may_use_admin(request.user)
