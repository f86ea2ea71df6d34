"""Writes to companies."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction

from sanhak.accounts.models import TraineeProfile
from sanhak.companies.models import Company, KsicCode


@transaction.atomic
def company_update(*, company: Company, ksic_codes: Sequence[KsicCode] | None = None, **fields: Any) -> Company:
    for name, value in fields.items():
        setattr(company, name, value)
    company.full_clean()
    company.save()
    if ksic_codes is not None:
        company.ksic_codes.set(ksic_codes)
    return company


def worker_update(
    *, profile: TraineeProfile, job_title: str, prefers_evening: bool, prefers_weekend: bool
) -> TraineeProfile:
    profile.job_title = job_title
    profile.prefers_evening = prefers_evening
    profile.prefers_weekend = prefers_weekend
    profile.save(update_fields=["job_title", "prefers_evening", "prefers_weekend"])
    return profile
