from django.contrib import admin

from sanhak.common.admin_audit import PersonalDataAdmin
from sanhak.learning.models import (
    Attendance,
    AttendanceChange,
    Choice,
    Completion,
    CompletionOverride,
    CompletionRule,
    Lesson,
    Module,
    Question,
    Quiz,
    QuizAttempt,
)


class LessonInline(admin.TabularInline):
    model = Lesson
    extra = 0
    fields = ["position", "title", "kind", "file", "duration_seconds", "required"]


@admin.register(Module)
class ModuleAdmin(admin.ModelAdmin):
    list_display = ["title", "offering", "position"]
    list_select_related = ["offering__course"]
    raw_id_fields = ["offering"]
    inlines = [LessonInline]


class ChoiceInline(admin.TabularInline):
    model = Choice
    extra = 2


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["text", "quiz", "kind", "points"]
    list_select_related = ["quiz"]
    raw_id_fields = ["quiz"]
    inlines = [ChoiceInline]


@admin.register(Quiz)
class QuizAdmin(admin.ModelAdmin):
    list_display = ["title", "offering", "max_attempts", "time_limit_minutes", "questions_per_attempt"]
    list_select_related = ["offering__course"]
    raw_id_fields = ["offering", "module"]


@admin.register(QuizAttempt)
class QuizAttemptAdmin(PersonalDataAdmin):
    subject = "enrollment.trainee_id"
    list_select_related = ["quiz", "enrollment"]
    list_display = ["quiz", "enrollment", "number", "score", "max_score", "submitted_at"]
    raw_id_fields = ["quiz", "enrollment"]
    readonly_fields = ["plan", "started_at", "deadline", "submitted_at", "score", "max_score", "timed_out"]


class AttendanceChangeInline(admin.TabularInline):
    model = AttendanceChange
    extra = 0
    can_delete = False
    readonly_fields = ["old_status", "new_status", "method", "changed_by", "changed_at", "reason"]

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Attendance)
class AttendanceAdmin(PersonalDataAdmin):
    subject = "enrollment.trainee_id"
    list_select_related = ["session", "enrollment"]
    list_display = ["session", "enrollment", "status", "method", "checked_in_at"]
    raw_id_fields = ["session", "enrollment"]
    readonly_fields = ["status", "method", "checked_in_at"]
    inlines = [AttendanceChangeInline]


@admin.register(CompletionRule)
class CompletionRuleAdmin(admin.ModelAdmin):
    list_display = ["offering", "min_attendance_percent", "min_quiz_average", "require_all_lessons"]
    raw_id_fields = ["offering"]


class CompletionOverrideInline(admin.TabularInline):
    model = CompletionOverride
    extra = 0
    can_delete = False
    readonly_fields = ["by", "at", "from_passed", "to_passed", "reason"]


@admin.register(Completion)
class CompletionAdmin(PersonalDataAdmin):
    subject = "enrollment.trainee_id"
    list_select_related = ["enrollment", "overridden_by"]
    list_display = ["enrollment", "passed", "decided_at", "overridden_by"]
    raw_id_fields = ["enrollment", "credential"]
    readonly_fields = ["passed", "evidence", "decided_at", "overridden_by", "override_reason"]
    inlines = [CompletionOverrideInline]
