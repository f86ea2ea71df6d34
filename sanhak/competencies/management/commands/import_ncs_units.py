"""`manage.py import_ncs_units FILE [--dry-run]`: the NCS unit import (XLSX or CSV) from a shell."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sanhak.common.errors import DomainError
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
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            raise CommandError(f"파일을 읽을 수 없습니다 / Cannot read the file: {path} ({exc.strerror})") from exc
        try:
            result = ncs_units_import(data=data, filename=path, dry_run=options["dry_run"])
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        if result.errors:
            for error in result.errors:
                self.stderr.write(str(error))
            raise CommandError(result.summary())
        self.stdout.write(self.style.SUCCESS(result.summary()))
