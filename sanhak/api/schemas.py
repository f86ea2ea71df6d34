"""Pieces every router uses: the error body, database ids, free text about people, and the error responses to
document."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.db.models import QuerySet
from django.db.models.query import ModelIterable
from django.http import HttpRequest
from ninja import Field, P, PathEx, Schema
from ninja.pagination import LimitOffsetPagination
from pydantic import AfterValidator, WithJsonSchema

from sanhak.common.validators import RRN_MESSAGE_EN, contains_rrn

# Largest value of a BigAutoField; larger ids are a 422, never a database overflow.
MAX_ID = 2**63 - 1
DbId = Annotated[int, Field(ge=1, le=MAX_ID)]
PathId = PathEx[int, P(ge=1, le=MAX_ID)]


def _no_rrn(value: str) -> str:
    if contains_rrn(value):
        raise ValueError(RRN_MESSAGE_EN)
    return value


# A time of day in Korea (Asia/Seoul), "19:00:00": JSON Schema's `format: time` would demand an offset.
LocalTime = Annotated[
    dt.time,
    WithJsonSchema(
        {
            "type": "string",
            "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]$",
            "description": "local time in Korea (Asia/Seoul), HH:MM:SS",
            "examples": ["19:00:00"],
        }
    ),
]

# Free text about a person (names, reasons, purposes, notes): never a resident registration number (a 422).
PersonalText = Annotated[str, AfterValidator(_no_rrn)]


class ReasonIn(Schema):
    """A decision's reason (rejecting an application or a booking, revoking a certificate), shown to the
    person it concerns. Blank after trimming: refused by the decision itself (a 400)."""

    reason: Annotated[PersonalText, Field(min_length=1, max_length=300)]


class ErrorOut(Schema):
    code: str = Field(description="stable machine-readable code, e.g. not_found, forbidden, already_enrolled")
    message: str = Field(description="Korean / English message for people")
    detail: list[dict[str, Any]] | None = Field(None, description="per-field problems (code = invalid only)")


def errors(*statuses: int) -> dict[int, type[ErrorOut]]:
    """Error responses for an operation's `response=` mapping (for the schema; handlers produce them)."""
    return dict.fromkeys(statuses, ErrorOut)


class Pagination(LimitOffsetPagination):
    """`?limit=` (1–100, default 20) and `?offset=`; the answer is `{"items": [...], "count": n}`.

    A page of a queryset is read in two steps: the primary keys at that offset, in the list's order (an
    index walk, without the joins the output needs), then those rows with their joins. With the joins
    in the offset query, the database joins every row it skips: page 25,000 of all enrollments took
    seconds on the national demo data."""

    class Input(Schema):
        limit: int = Field(20, ge=1, le=100)
        offset: int = Field(0, ge=0, le=1_000_000_000)

    def paginate_queryset(self, queryset: QuerySet[Any], pagination: Any, request: HttpRequest, **params: Any) -> Any:
        if (
            not isinstance(queryset, QuerySet)
            or queryset.query.combinator
            or queryset._iterable_class is not ModelIterable
        ):
            return super().paginate_queryset(queryset, pagination, request, **params)  # lists, unions, values()
        offset, limit = pagination.offset, min(pagination.limit, self.max_limit)
        keys = list(queryset.values_list("pk", flat=True)[offset : offset + limit])
        rows = {row.pk: row for row in queryset.order_by().filter(pk__in=keys)} if keys else {}
        return {self.items_attribute: [rows[key] for key in keys if key in rows], "count": self._items_count(queryset)}
