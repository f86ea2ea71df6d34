"""``manage.py completions_decide [--every SECONDS]``: decide completion for every ended offering.

Safe to re-run. Once a day from cron in production, or as a long-running process with ``--every``
(``make run`` starts one that checks every hour)."""

from __future__ import annotations

import time
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from sanhak.learning.services import completions_decide_due


class Command(BaseCommand):
    help = "끝난 강좌의 수료를 판정합니다 / Decide completion for ended offerings"

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--every", type=float, default=0, help="keep running, deciding again every SECONDS (0: once)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            count = completions_decide_due()
            if options["verbosity"] > 0:
                self.stdout.write(f"{count} enrollment(s) decided")
            if options["every"] <= 0:
                return
            time.sleep(options["every"])
