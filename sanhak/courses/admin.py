from django.contrib import admin

from sanhak.courses.models import Course, CourseCompetency, Offering, Program, Session
from sanhak.courses.services import course_reindex


class CourseCompetencyInline(admin.TabularInline):
    model = CourseCompetency
    extra = 0


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    list_display = ["code", "title_ko", "institution", "track", "mode", "hours"]
    search_fields = ["code", "title_ko"]
    list_filter = ["institution", "track", "mode"]
    inlines = [CourseCompetencyInline]
    autocomplete_fields = ["prerequisites"]  # thousands of courses: searched, not listed

    def save_related(self, request, form, formsets, change):  # type: ignore[no-untyped-def]
        """Title, description and competencies feed the catalog search index: rebuild it after an edit."""
        super().save_related(request, form, formsets, change)
        course_reindex(course=form.instance)


class SessionInline(admin.TabularInline):
    model = Session
    extra = 0


@admin.register(Offering)
class OfferingAdmin(admin.ModelAdmin):
    list_display = ["course", "term", "start_date", "end_date", "capacity", "approved_count", "is_open"]
    list_filter = ["term", "is_open"]
    search_fields = ["course__title_ko", "course__code"]
    raw_id_fields = ["course", "instructors"]
    readonly_fields = ["approved_count"]
    inlines = [SessionInline]


admin.site.register(Program)
