"""PIPA: record who viewed or exported other people's personal data, when, from which address
(접속기록: 식별자, 접속일시, 접속지 정보, 처리한 정보주체, 수행업무)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import connection
from django.db.models import BooleanField, QuerySet
from django.db.models.expressions import RawSQL
from django.http import HttpRequest
from django.utils import timezone

from sanhak.accounts.models import User
from sanhak.common import audit_spool
from sanhak.common.client_ip import client_ip
from sanhak.common.models import PersonalDataAccess
from sanhak.common.prepared import PreparedInsert

_log = PreparedInsert(PersonalDataAccess)  # written on every view of a page with others' personal data


def personal_data_viewed(
    *, request: HttpRequest, purpose: str, subject_ids: Iterable[int | None], viewer: User | None = None
) -> None:
    """`viewer` defaults to the session user; API calls authenticated by token pass the token's owner.

    `subject_ids` are the people the page shows; the viewer is not among the subjects (their own data
    is not someone else's), and nothing is written when nobody else is shown."""
    if viewer is None and request.user.is_authenticated:
        viewer = request.user
    own = viewer.pk if viewer is not None else None
    ids = sorted({pk for pk in subject_ids if pk is not None and pk != own})
    if ids:
        _write(request, viewer, purpose, ids)


def own_record_exported(request: HttpRequest, user: User) -> None:
    """A person downloaded their own record (`accounts:export`): logged too, naming them as its subject."""
    _write(request, user, "self_export", [user.pk])


SUBJECTS_PER_ROW = 1000


def _write(request: HttpRequest, viewer: User | None, purpose: str, ids: list[int]) -> None:
    """One row per 1,000 people shown (an export can name thousands): every person stays findable.
    Spooled where there is a spool (`common.audit_spool`), else inserted."""
    now = timezone.now()
    for start in range(0, len(ids), SUBJECTS_PER_ROW):
        chunk = ids[start : start + SUBJECTS_PER_ROW]
        row = {
            "viewer_id": viewer.pk if viewer is not None else None,
            "purpose": purpose,
            "subject_count": len(chunk),
            "subject_ids": chunk,
            "path": request.path[:300],
            "ip_address": client_ip(request),
            "created_at": now,
        }
        if not audit_spool.append(row):
            _log(**row)


def log_rows() -> QuerySet[PersonalDataAccess]:
    """The access log, for reading: every row written so far is in it (the spool moved in first)."""
    audit_spool.drain_for_reading()
    return PersonalDataAccess.objects.all()


def naming(rows: QuerySet[PersonalDataAccess], person_id: int) -> QuerySet[PersonalDataAccess]:
    """The access-log rows among `rows` whose subjects include `person_id`."""
    if connection.vendor == "postgresql":
        return rows.filter(subject_ids__contains=[person_id])
    # SQLite has no JSON containment lookup: look through the array. Constant SQL, the id a parameter.
    sql = 'EXISTS (SELECT 1 FROM json_each("common_personaldataaccess"."subject_ids") WHERE value = %s)'
    found: Any = RawSQL(sql, [person_id], output_field=BooleanField())  # noqa: S611 - placeholders only
    return rows.filter(found)
