"""The NCS unit import page: upload → dry-run preview → 확정(import). Program admins only."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse

from sanhak.accounts.models import Role
from sanhak.common.imports import ImportUploadForm, import_page
from sanhak.common.permissions import role_required
from sanhak.common.tabular import ImportResult
from sanhak.competencies.importing import COLUMNS, LEVEL, ncs_units_import


def _run(data: bytes, filename: str, dry_run: bool, options: dict[str, Any]) -> ImportResult:
    return ncs_units_import(data=data, filename=filename, dry_run=dry_run)


@role_required(Role.PROGRAM_ADMIN)
def ncs_import(request: HttpRequest) -> HttpResponse:
    return import_page(
        request,
        kind="ncs_units",
        form_class=ImportUploadForm,
        run=_run,
        template_name="competencies/ncs_import.html",
        url_name="competencies:ncs_import",
        context={"columns": [*COLUMNS, LEVEL]},
    )
