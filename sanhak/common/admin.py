from typing import Any

from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.db.models import QuerySet
from django.http import HttpRequest

from sanhak.common.admin_audit import PersonalDataAdmin
from sanhak.common.models import Notification, PersonalDataAccess


class _AccessLogList(ChangeList):
    """The list leaves out the subject ids (up to 1,000 a row, shown on the record's page)."""

    def get_queryset(self, request: HttpRequest, exclude_parameters: Any = None) -> QuerySet[Any]:
        return super().get_queryset(request, exclude_parameters).defer("subject_ids")


@admin.register(PersonalDataAccess)
class PersonalDataAccessAdmin(admin.ModelAdmin):
    """The access log, for the program office's periodic review (접속기록 점검): by period, purpose, viewer
    (search by e-mail or name), page or address."""

    list_display = ["created_at", "viewer", "purpose", "subject_count", "path", "ip_address"]
    list_select_related = ["viewer"]
    list_filter = [("created_at", admin.DateFieldListFilter), "purpose"]
    search_fields = ["viewer__email", "viewer__name", "path", "ip_address"]
    ordering = ["-pk"]  # newest first without a sort: -created_at would add -pk and sort the whole log
    show_full_result_count = False
    readonly_fields = ["viewer", "purpose", "subject_count", "subject_ids", "path", "ip_address", "created_at"]

    def get_changelist(self, request: HttpRequest, **kwargs: Any) -> type[ChangeList]:
        return _AccessLogList

    # The access log is evidence: nobody adds, changes or deletes its rows, not even a superuser.
    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Notification)
class NotificationAdmin(PersonalDataAdmin):
    list_display = ["user", "message", "created_at", "read_at"]
    raw_id_fields = ["user"]
