from typing import Any

from django.core.management.base import BaseCommand

from sanhak.labs.services import no_shows_release


class Command(BaseCommand):
    help = (
        "장비 예약 정리: 노쇼 해제, 미승인 만료, 이용 완료 처리 (cron에서 몇 분마다) / "
        "Settle bookings: release no-shows, expire unapproved ones, complete finished ones (run from cron)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        changed = no_shows_release()
        self.stdout.write(f"{changed}")
