"""`manage.py credential_verify FILE.json`: prints `valid` (exit 0) or `invalid: <reason>` (exit 1)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from sanhak.credentials.verify import MALFORMED, Result, credential_verify


class Command(BaseCommand):
    help = "Verify a verifiable credential (eddsa-rdfc-2022 DataIntegrityProof) offline."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the credential, a JSON file")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            text = Path(options["file"]).read_bytes()
        except OSError:
            result = Result(valid=False, reason=MALFORMED)
        else:
            result = credential_verify(text)
        self.stdout.write(str(result))
        if not result.valid:
            sys.exit(1)
