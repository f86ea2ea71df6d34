"""``manage.py completions_decide``: decide completion for every ended offering (run daily; safe to re-run)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from sanhak.learning.services import completions_decide_due


class Command(BaseCommand):
    help = "끝난 강좌의 수료를 판정합니다 / Decide completion for ended offerings"

    def handle(self, *args: Any, **options: Any) -> None:
        count = completions_decide_due()
        if options["verbosity"] > 0:
            self.stdout.write(f"{count} enrollment(s) decided")
