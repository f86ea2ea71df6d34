"""Pagination that logs (PIPA) the other people on the page actually returned."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest

from sanhak.api.auth import caller
from sanhak.api.schemas import Pagination
from sanhak.common.audit import personal_data_viewed


class AuditedPagination(Pagination):
    """`Pagination` whose served items are logged: `@paginate(AuditedPagination, purpose=..., subject=...)`,
    `subject(item)` being the id of the person an item shows. The caller's own items are not logged;
    a page showing nobody else writes nothing."""

    def __init__(self, *, purpose: str, subject: Callable[[Any], int | None], **kwargs: Any) -> None:
        self.purpose = purpose
        self.subject = subject
        super().__init__(**kwargs)

    def paginate_queryset(self, queryset: QuerySet[Any], pagination: Any, request: HttpRequest, **params: Any) -> Any:
        result = super().paginate_queryset(queryset, pagination, request, **params)
        items = list(result[self.items_attribute])  # evaluated once: the response reads the same rows
        result[self.items_attribute] = items
        shown = [self.subject(item) for item in items]
        personal_data_viewed(request=request, viewer=caller(request), purpose=self.purpose, subject_ids=shown)
        return result
