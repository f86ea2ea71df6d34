"""`manage.py import_ncs_units FILE [--dry-run]`: the NCS unit import (XLSX or CSV) from a shell."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from sanhak.common.imports import import_command_run
from sanhak.competencies.importing import ncs_units_import


class Command(BaseCommand):
    help = (
        "NCS 능력단위 내보내기(XLSX/CSV)를 가져옵니다. 다시 실행하면 능력단위코드로 갱신합니다. / "
        "Import NCS competency units; re-running updates them by unit code."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="XLSX or CSV (UTF-8 / CP949)")
        parser.add_argument("--dry-run", action="store_true", help="검사만 하고 저장하지 않음 / validate only")

    def handle(self, *args: Any, **options: Any) -> None:
        path: str = options["file"]
        import_command_run(
            self, path, lambda data: ncs_units_import(data=data, filename=path, dry_run=options["dry_run"])
        )
