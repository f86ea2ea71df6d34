"""``manage.py scheduling_worker [--once]``: solve queued timetabling runs (safe to run several)."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from sanhak.scheduling.jobs import run_pending


class Command(BaseCommand):
    help = "시간표 편성 작업자: 대기 중인 편성을 풉니다 / Timetabling worker: solves queued runs"

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--once", action="store_true", help="solve what is queued, then exit")
        parser.add_argument("--poll", type=float, default=2.0, help="seconds between looks at the queue")

    def handle(self, *args: Any, **options: Any) -> None:
        done = run_pending(once=options["once"], poll=options["poll"])
        self.stdout.write(f"{done} run(s) solved")
