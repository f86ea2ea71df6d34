from django.contrib import admin

from sanhak.common.admin_audit import PersonalDataAdmin
from sanhak.common.models import Notification, PersonalDataAccess


@admin.register(PersonalDataAccess)
class PersonalDataAccessAdmin(admin.ModelAdmin):
    list_display = ["created_at", "viewer", "purpose", "subject_count", "path"]
    list_filter = ["purpose"]
    readonly_fields = ["viewer", "purpose", "subject_count", "subject_ids", "path", "created_at"]

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
