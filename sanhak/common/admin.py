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
    list_display = ["created_at", "viewer", "purpose", "subject_count", "path", "ip_address"]
    list_select_related = ["viewer"]
    ordering = ["-pk"]  # newest first without a sort: -created_at would add -pk and sort the whole log
    show_full_result_count = False

    def get_changelist(self, request: HttpRequest, **kwargs: Any) -> type[ChangeList]:
        return _AccessLogList

    list_filter = ["purpose"]
    readonly_fields = ["viewer", "purpose", "subject_count", "subject_ids", "path", "ip_address", "created_at"]

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
