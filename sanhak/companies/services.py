"""Writes to companies."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction

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
