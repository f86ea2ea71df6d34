"""PIPA: record who viewed or exported other people's personal data."""

from __future__ import annotations

from collections.abc import Iterable

from django.http import HttpRequest

from sanhak.common.models import PersonalDataAccess


def personal_data_viewed(*, request: HttpRequest, purpose: str, subject_ids: Iterable[int]) -> PersonalDataAccess:
    ids = sorted(set(subject_ids))
    return PersonalDataAccess.objects.create(
        viewer=request.user if request.user.is_authenticated else None,
        purpose=purpose,
        subject_count=len(ids),
        subject_ids=ids[:1000],
        path=request.path[:300],
    )
