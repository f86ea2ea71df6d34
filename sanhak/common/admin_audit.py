"""PIPA in Django's admin: a list or a record of people's personal data is logged as viewed, like the
pages (`sanhak.common.audit`). Admin classes name the person a row is about with `subject`."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse

from sanhak.common.audit import personal_data_viewed


class PersonalDataAdmin(admin.ModelAdmin):
    """`subject`: the attribute path from a row to the id of the person it is about ("pk" for users,
    "user_id", "enrollment.trainee_id"); list the relations on the way in `list_select_related`."""

    subject = "user_id"
    # These are the big tables (a row per person, enrollment, booking…): newest first by the primary
    # key, which needs no sort, and no second COUNT(*) of the whole table beside a filtered one.
    ordering = ["-pk"]
    show_full_result_count = False

    def _subject_id(self, row: Any) -> Any:
        for name in self.subject.split("."):
            row = getattr(row, name, None)
        return row

    def _subject_ids(self, row: Any) -> list[Any]:
        """The people a row shown names (one, by `subject`, unless a class names more)."""
        return [self._subject_id(row)]

    def _log(self, request: HttpRequest, rows: Any) -> None:
        ids = [pk for row in rows for pk in self._subject_ids(row)]
        personal_data_viewed(request=request, purpose=f"admin_{self.model._meta.model_name}", subject_ids=ids)

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl")
        if changelist is not None:  # the page of rows shown (not a redirect after an action)
            self._log(request, changelist.result_list)
        return response

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        return self._logging_one(request, super().changeform_view(request, object_id, form_url, extra_context))

    def history_view(self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None) -> Any:
        return self._logging_one(request, super().history_view(request, object_id, extra_context), "object")

    def delete_view(self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None) -> Any:
        return self._logging_one(request, super().delete_view(request, object_id, extra_context), "object")

    def _logging_one(self, request: HttpRequest, response: Any, key: str = "original") -> Any:
        """A page about one record (its form, history or delete confirmation) names its person: logged when
        the record was shown, not for the redirect after saving."""
        shown = getattr(response, "context_data", {}).get(key)
        if shown is not None:
            self._log(request, [shown])
        return response
