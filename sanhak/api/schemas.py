"""Pieces every router uses: the error body, database ids, free text about people, and the error responses to
document."""

from __future__ import annotations

from typing import Annotated, Any

from ninja import Field, P, PathEx, Schema
from ninja.pagination import LimitOffsetPagination
from pydantic import AfterValidator

from sanhak.common.validators import RRN_MESSAGE_EN, contains_rrn

# Largest value of a BigAutoField; larger ids are a 422, never a database overflow.
MAX_ID = 2**63 - 1
DbId = Annotated[int, Field(ge=1, le=MAX_ID)]
PathId = PathEx[int, P(ge=1, le=MAX_ID)]


def _no_rrn(value: str) -> str:
    if contains_rrn(value):
        raise ValueError(RRN_MESSAGE_EN)
    return value


# Free text about a person (names, reasons, purposes, notes): never a resident registration number (a 422).
PersonalText = Annotated[str, AfterValidator(_no_rrn)]


class ErrorOut(Schema):
    code: str = Field(description="stable machine-readable code, e.g. not_found, forbidden, already_enrolled")
    message: str = Field(description="Korean / English message for people")
    detail: list[dict[str, Any]] | None = Field(None, description="per-field problems (code = invalid only)")


def errors(*statuses: int) -> dict[int, type[ErrorOut]]:
    """Error responses for an operation's `response=` mapping (for the schema; handlers produce them)."""
    return dict.fromkeys(statuses, ErrorOut)


class Pagination(LimitOffsetPagination):
    """`?limit=` (1–100, default 20) and `?offset=`; the answer is `{"items": [...], "count": n}`."""

    class Input(Schema):
        limit: int = Field(20, ge=1, le=100)
        offset: int = Field(0, ge=0, le=1_000_000_000)
