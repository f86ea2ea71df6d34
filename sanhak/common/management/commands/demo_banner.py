"""Print where to open the platform and the demo logins (used by `make run`)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from sanhak.common.personas import DEMO_PASSWORD

DEMO_LOGINS = [
    ("admin@sanhak.test", "사업단 관리자 / program admin"),
    ("coordinator@sanhak.test", "기관 운영담당자 / institution coordinator"),
    ("instructor@sanhak.test", "강사 / instructor"),
    ("manager@sanhak.test", "기업 담당자 / company manager"),
    ("worker@sanhak.test", "재직자 교육생 / incumbent worker"),
    ("student@sanhak.test", "대학원생 교육생 / graduate student"),
    ("labmanager@sanhak.test", "장비 관리자 / lab manager"),
]


class Command(BaseCommand):
    help = "Print the URL and the demo logins."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8000)

    def handle(self, *args: Any, port: int, **options: Any) -> None:
        self.stdout.write("")
        self.stdout.write(f"  산학 sanhak: http://127.0.0.1:{port}/")
        self.stdout.write(f"  API docs:    http://127.0.0.1:{port}/api/docs")
        self.stdout.write(f"  데모 비밀번호 / demo password: {DEMO_PASSWORD}")
        for email, role in DEMO_LOGINS:
            self.stdout.write(f"    {email:<26} {role}")
        self.stdout.write("")
