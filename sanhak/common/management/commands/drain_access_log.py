"""Move the access log's spooled rows into the table now (what each process's thread does every second)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from sanhak.common import audit_spool


class Command(BaseCommand):
    help = "Move the PIPA access log's spooled rows into the table (ACCESS_LOG_SPOOL_DIR)."

    def handle(self, *args: Any, **options: Any) -> None:
        directory = audit_spool.spool_dir()
        if directory is None:
            self.stdout.write("접속기록 스풀 없음 (ACCESS_LOG_SPOOL_DIR 미설정) / no access-log spool configured")
            return
        stored = audit_spool.drain()
        self.stdout.write(f"접속기록 {stored:,}건 이동 / {stored:,} access-log rows moved from {directory}")
