from django.contrib import admin

from sanhak.common.admin_audit import PersonalDataAdmin
from sanhak.common.admin_site import ViewOnlyAdmin
from sanhak.labs.models import (
    Blackout,
    BookingRules,
    Equipment,
    EquipmentType,
    Facility,
    Reservation,
    TrainingRecord,
)


@admin.register(BookingRules)
class BookingRulesAdmin(admin.ModelAdmin):
    list_display = ["name", "min_minutes", "max_minutes", "slot_minutes", "buffer_minutes", "approval_required"]


@admin.register(EquipmentType)
class EquipmentTypeAdmin(admin.ModelAdmin):
    list_display = ["code", "name_ko", "rules"]


@admin.register(Facility)
class FacilityAdmin(admin.ModelAdmin):
    list_display = ["name", "institution", "building", "room"]
    list_filter = ["institution"]


class BlackoutInline(admin.TabularInline):
    model = Blackout
    fk_name = "equipment"
    extra = 0


@admin.register(Equipment)
class EquipmentAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "type", "facility", "status"]
    list_filter = ["type", "status", "facility__institution"]
    search_fields = ["code", "name"]
    raw_id_fields = ["responsible"]
    autocomplete_fields = ["required_courses"]  # thousands of courses: searched, not listed
    inlines = [BlackoutInline]


@admin.register(Blackout)
class BlackoutAdmin(admin.ModelAdmin):
    list_display = ["reason", "equipment", "facility", "starts_at", "ends_at"]
    list_select_related = ["equipment", "facility"]


@admin.register(TrainingRecord)
class TrainingRecordAdmin(PersonalDataAdmin):
    list_display = ["user", "course", "completed_on", "recorded_by"]
    list_select_related = ["user", "course", "recorded_by"]
    raw_id_fields = ["user", "recorded_by"]
    autocomplete_fields = ["course"]


@admin.register(Reservation)
class ReservationAdmin(ViewOnlyAdmin, PersonalDataAdmin):
    """Read-only: bookings go through the pages and the API, where the rules are checked."""

    list_display = ["equipment", "user", "starts_at", "ends_at", "status"]
    list_filter = ["status", "equipment__type"]
    raw_id_fields = ["equipment", "user", "created_by", "decided_by", "session", "company", "series"]
