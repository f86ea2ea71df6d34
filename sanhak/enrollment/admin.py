from django.contrib import admin

from sanhak.common.admin_audit import PersonalDataAdmin
from sanhak.enrollment.models import Enrollment


@admin.register(Enrollment)
class EnrollmentAdmin(PersonalDataAdmin):
    """Read-mostly: decisions go through the pages so seats and waitlists stay consistent."""

    subject = "trainee_id"
    list_display = ["trainee", "offering", "status", "source", "created_at"]
    list_filter = ["status", "source"]
    raw_id_fields = ["trainee", "offering", "nominated_by", "decided_by"]
    readonly_fields = ["status", "waitlisted_at", "decided_at", "decided_by"]
