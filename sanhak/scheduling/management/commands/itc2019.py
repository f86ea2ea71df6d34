"""``manage.py itc2019 validate INSTANCE SOLUTION`` and ``manage.py itc2019 solve INSTANCE --time-limit S --out FILE``.

Both print one JSON line: valid, hard_violations, time, room, distribution, student, total.
"""

from __future__ import annotations

import json
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from sanhak.scheduling.itc2019.validator import ValidationResult
from sanhak.scheduling.services import Itc2019InputError, itc2019_solve, itc2019_validate


class Command(BaseCommand):
    help = "ITC 2019 시간표: 해답 검증(validate) 또는 풀이(solve) / ITC 2019 timetabling: validate or solve"

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        validate = sub.add_parser("validate", help="validate a solution against an instance")
        validate.add_argument("instance", type=Path)
        validate.add_argument("solution", type=Path)
        solve = sub.add_parser("solve", help="solve an instance and write the solution")
        solve.add_argument("instance", type=Path)
        solve.add_argument("--time-limit", type=float, required=True, dest="time_limit")
        solve.add_argument("--out", type=Path, required=True)
        solve.add_argument("--workers", type=int, default=2)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["action"] == "validate":
                result = itc2019_validate(instance=options["instance"], solution=options["solution"])
            else:
                if options["time_limit"] <= 0 or options["workers"] < 1:
                    raise CommandError(
                        "시간 제한과 작업자 수는 양수여야 합니다 / --time-limit and --workers must be positive"
                    )
                result = itc2019_solve(
                    instance=options["instance"],
                    out=options["out"],
                    time_limit=options["time_limit"],
                    workers=options["workers"],
                )
        except Itc2019InputError as exc:
            raise CommandError(str(exc)) from exc
        self._print(result)

    def _print(self, result: ValidationResult) -> None:
        self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False))
