"""`manage.py import_companies FILE [--dry-run] [--complex NAME]`: the factory-registry import from a shell."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sanhak.common.errors import DomainError
from sanhak.common.tabular import ImportResult
from sanhak.companies.importing import companies_import


def read_file(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise CommandError(f"파일을 읽을 수 없습니다 / Cannot read the file: {path} ({exc.strerror})") from exc


def report(command: BaseCommand, result: ImportResult) -> None:
    """Print the summary, or every error as "line N: column: message" and fail (nothing was saved)."""
    if result.errors:
        for error in result.errors:
            command.stderr.write(str(error))
        raise CommandError(result.summary())
    command.stdout.write(command.style.SUCCESS(result.summary()))


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
        try:
            result = companies_import(
                data=read_file(path), filename=path, dry_run=options["dry_run"], complex_name=options["complex_name"]
            )
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        report(self, result)
