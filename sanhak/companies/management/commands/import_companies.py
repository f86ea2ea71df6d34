"""`manage.py import_companies FILE [--dry-run] [--complex NAME]`: the factory-registry import from a shell."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from sanhak.common.imports import import_command_run
from sanhak.companies.importing import companies_import


class Command(BaseCommand):
    help = (
        "공장등록현황(CSV/XLSX)에서 기업을 가져옵니다. 다시 실행하면 갱신합니다. / "
        "Import companies from a factory-registry export; re-running updates them."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="CSV (UTF-8 / CP949) or XLSX")
        parser.add_argument("--dry-run", action="store_true", help="검사만 하고 저장하지 않음 / validate only")
        parser.add_argument("--complex", dest="complex_name", default=None, help="단지명이 빈 행의 산업단지")

    def handle(self, *args: Any, **options: Any) -> None:
        path: str = options["file"]
        import_command_run(
            self,
            path,
            lambda data: companies_import(
                data=data, filename=path, dry_run=options["dry_run"], complex_name=options["complex_name"]
            ),
        )
