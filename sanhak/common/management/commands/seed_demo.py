"""`manage.py seed_demo --scale small|namdong|national [--if-empty] [--seed N]`: demo data, never in production."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sanhak.common.demo import (
    DEFAULT_SEED,
    SCALES,
    DemoRefusedError,
    demo_database_has_data,
    demo_guard,
    demo_seed,
)
from sanhak.common.errors import DomainError
from sanhak.common.personas import DEMO_PASSWORD


class Command(BaseCommand):
    help = "데모 데이터를 만듭니다(운영 설정에서는 거부). / Creates deterministic demo data (refused in production)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scale",
            choices=list(SCALES),
            default="small",
            help="small (~100 companies), namdong (~8,000), national (~80,000)",
        )
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED})")
        parser.add_argument(
            "--if-empty", action="store_true", help="do nothing when the database already has companies or courses"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            demo_guard()
        except DemoRefusedError as exc:
            raise CommandError(str(exc)) from exc
        if options["if_empty"] and demo_database_has_data():
            self.stdout.write(
                "데이터베이스에 이미 데이터가 있어 데모 데이터를 만들지 않았습니다. / "
                "The database already has data; demo data not created."
            )
            return
        scale = options["scale"]
        verbose = options["verbosity"] >= 1
        if verbose:
            self.stdout.write(f"seed_demo --scale {scale} --seed {options['seed']}")
        try:
            summary = demo_seed(scale=scale, seed=options["seed"], log=self.stdout.write if verbose else None)
        except DomainError as exc:
            raise CommandError(str(exc)) from exc
        if not verbose:
            return
        width = max(len(k) for k in summary.counts)
        for key, value in summary.counts.items():
            self.stdout.write(f"  {key.ljust(width)}  {value:>9,}")
        self.stdout.write(
            self.style.SUCCESS(
                f"데모 데이터 생성 완료 / demo data created: scale={summary.scale} seed={summary.seed} "
                f"in {summary.seconds:.1f} s. Demo logins (admin@, coordinator@, instructor@, manager@, worker@, "
                f"student@, labmanager@sanhak.test) use the password {DEMO_PASSWORD}"
            )
        )
