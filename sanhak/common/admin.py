from django.contrib import admin

from sanhak.common.models import Notification, PersonalDataAccess


@admin.register(PersonalDataAccess)
class PersonalDataAccessAdmin(admin.ModelAdmin):
    list_display = ["created_at", "viewer", "purpose", "subject_count", "path"]
    list_filter = ["purpose"]
    readonly_fields = ["viewer", "purpose", "subject_count", "subject_ids", "path", "created_at"]

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["user", "message", "created_at", "read_at"]
    raw_id_fields = ["user"]
