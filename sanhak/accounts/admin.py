from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import Exists, OuterRef, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from sanhak.accounts.models import ApiToken, Institution, PrivacyConsent, Role, RoleAssignment, TraineeProfile, User
from sanhak.common.admin_audit import PersonalDataAdmin


class RoleInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    autocomplete_fields = ["company"]


class TraineeProfileInline(admin.StackedInline):
    model = TraineeProfile
    extra = 0
    autocomplete_fields = ["employer"]


class RoleFilter(admin.SimpleListFilter):
    """Users holding a role: an EXISTS per user, where filtering on `roles__role` joins and needs DISTINCT
    (hundreds of milliseconds over the national demo data)."""

    title = _("역할")
    parameter_name = "role"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [(value, str(label)) for value, label in Role.choices]

    def queryset(self, request: HttpRequest, queryset: QuerySet[User]) -> QuerySet[User]:
        if self.value() not in Role.values:
            return queryset
        return queryset.filter(Exists(RoleAssignment.objects.filter(user=OuterRef("pk"), role=self.value())))


@admin.register(User)
class UserAdmin(PersonalDataAdmin, BaseUserAdmin):
    subject = "pk"
    ordering = ["email"]
    list_display = ["email", "name", "is_active", "is_staff", "date_joined"]
    search_fields = ["email", "name"]
    list_filter = ["is_active", "is_staff", RoleFilter]
    inlines = [RoleInline, TraineeProfileInline]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("개인 정보"), {"fields": ("name", "phone")}),
        (_("권한"), {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("일자"), {"fields": ("last_login", "date_joined", "withdrawn_at")}),
    )
    readonly_fields = ["withdrawn_at"]  # set only by the person closing their account
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "name", "password1", "password2")}),)

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> HttpResponse:
        return self._logging_one(request, super().user_change_password(request, id, form_url))


@admin.register(Institution)
class InstitutionAdmin(admin.ModelAdmin):
    list_display = ["code", "name_ko", "kind"]


@admin.register(PrivacyConsent)
class PrivacyConsentAdmin(PersonalDataAdmin):
    list_display = ["user", "policy_version", "consented_at"]
    raw_id_fields = ["user"]


@admin.register(ApiToken)
class ApiTokenAdmin(PersonalDataAdmin):
    list_display = ["user", "name", "prefix", "created_at", "last_used_at", "revoked_at"]
    raw_id_fields = ["user"]
    readonly_fields = ["token_hash", "prefix"]
