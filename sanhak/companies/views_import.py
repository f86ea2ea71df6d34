"""The factory-registry import page: upload → dry-run preview → 확정(import). Program admins only."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from sanhak.accounts.models import Role
from sanhak.common.imports import ImportUploadForm, import_page
from sanhak.common.permissions import role_required
from sanhak.common.tabular import ImportResult
from sanhak.companies.importing import companies_import


class CompanyImportForm(ImportUploadForm):
    complex_name = forms.CharField(
        label=_("산업단지"),
        max_length=100,
        required=False,
        help_text=_("단지명이 비어 있는 행에 적용합니다(선택)."),
    )


def _run(data: bytes, filename: str, dry_run: bool, options: dict[str, Any]) -> ImportResult:
    return companies_import(
        data=data, filename=filename, dry_run=dry_run, complex_name=options.get("complex_name") or None
    )


@role_required(Role.PROGRAM_ADMIN)
def company_import(request: HttpRequest) -> HttpResponse:
    return import_page(
        request,
        kind="companies",
        form_class=CompanyImportForm,
        run=_run,
        template_name="companies/import.html",
        url_name="companies:import",
    )
