"""PIPA: record who viewed or exported other people's personal data."""

from __future__ import annotations

from collections.abc import Iterable

from django.http import HttpRequest

from sanhak.accounts.models import User
from sanhak.common.models import PersonalDataAccess
from sanhak.common.prepared import PreparedInsert

_log = PreparedInsert(PersonalDataAccess)  # written on every view of a page with others' personal data


def personal_data_viewed(
    *, request: HttpRequest, purpose: str, subject_ids: Iterable[int], viewer: User | None = None
) -> None:
    """`viewer` defaults to the session user; API calls authenticated by token pass the token's owner.

    Nothing is written when nobody is shown (an empty page, or only the viewer's own data)."""
    ids = sorted(set(subject_ids))
    if not ids:
        return
    if viewer is None and request.user.is_authenticated:
        viewer = request.user
    _log(
        viewer=viewer,
        purpose=purpose,
        subject_count=len(ids),
        subject_ids=ids[:1000],
        path=request.path[:300],
    )
