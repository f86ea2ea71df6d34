from django.contrib import admin

from sanhak.common.admin_audit import PersonalDataAdmin

from .models import CampusTravel, InstructorAvailability, OfferingPlan, Room, SchedulingRun


@admin.register(Room)
class RoomAdmin(admin.ModelAdmin):
    list_select_related = ["institution", "facility"]
    list_display = ["name", "building", "campus", "institution", "capacity", "is_lab", "facility", "is_active"]
    list_filter = ["institution", "is_lab", "is_active"]
    search_fields = ["name", "building", "campus"]


@admin.register(CampusTravel)
class CampusTravelAdmin(admin.ModelAdmin):
    list_display = ["campus_a", "campus_b", "minutes"]


@admin.register(InstructorAvailability)
class InstructorAvailabilityAdmin(PersonalDataAdmin):
    subject = "instructor_id"
    list_display = ["instructor", "weekday", "start", "end"]
    raw_id_fields = ["instructor"]


@admin.register(OfferingPlan)
class OfferingPlanAdmin(admin.ModelAdmin):
    list_display = ["offering", "weekly_sessions", "session_minutes", "cohort", "cohort_group", "needs_lab"]
    list_filter = ["cohort", "needs_lab"]
    raw_id_fields = ["offering"]


@admin.register(SchedulingRun)
class SchedulingRunAdmin(admin.ModelAdmin):
    list_display = ["id", "term", "institution", "status", "progress", "created_by", "created_at", "accepted_at"]
    list_select_related = ["institution", "created_by"]
    list_filter = ["status"]
    readonly_fields = ["result"]
    raw_id_fields = ["created_by", "accepted_by"]
