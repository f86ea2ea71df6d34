"""`manage.py map_needs INPUT.csv`: rank competency codes for need statements, CSV in, CSV out."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from sanhak.demand.mapping import NeedMapper, default_mapper

REQUIRED = ("id", "text_ko")


def read_statements(path: str) -> list[tuple[str, str]]:
    """(id, text_ko) rows of a UTF-8 CSV (a BOM is fine); a CommandError explains anything else."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise CommandError(
            _("입력 파일을 읽을 수 없습니다 / Cannot read the input file: %(path)s (%(reason)s)")
            % {"path": path, "reason": exc.strerror or exc.__class__.__name__}
        ) from exc
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CommandError(
            _(
                "입력 파일이 UTF-8이 아닙니다(%(offset)d번째 바이트). UTF-8로 저장해 주세요 / "
                "The input file is not UTF-8 (byte %(offset)d); save it as UTF-8"
            )
            % {"offset": exc.start + 1}
        ) from exc
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [name.strip() for name in reader.fieldnames or []]
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        raise CommandError(
            _(
                "입력 CSV에 %(missing)s 열이 없습니다(필요: id,text_ko) / The input CSV lacks the column(s) %(missing)s (needs id,text_ko)"
            )
            % {"missing": ", ".join(missing)}
        )
    reader.fieldnames = header
    try:
        return [((row.get("id") or "").strip(), row.get("text_ko") or "") for row in reader]
    except csv.Error as exc:
        raise CommandError(
            _("입력 CSV를 읽을 수 없습니다 / The input CSV cannot be parsed: %(error)s") % {"error": exc}
        ) from exc


class Command(BaseCommand):
    help = (
        "수요 문장 CSV(id,text_ko)를 읽어 문장마다 상위 5개 역량 코드를 CSV(id,codes; 코드는 ;로 구분)로 출력합니다. / "
        "Read need statements (CSV id,text_ko) and print the top 5 competency codes of each (CSV id,codes)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("input", help="UTF-8 CSV with columns id,text_ko")

    def handle(self, *args: Any, **options: Any) -> None:
        rows = read_statements(options["input"])
        mapper: NeedMapper = default_mapper()
        if not mapper.codes:
            raise CommandError(
                _(
                    "역량 카탈로그가 비어 있습니다. manage.py migrate를 실행하세요 / The competency catalog is empty; run manage.py migrate"
                )
            )
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["id", "codes"])
        for row_id, text in rows:
            codes = mapper.rank_codes(text, 5) if text.strip() else []
            writer.writerow([row_id, ";".join(codes)])
        self.stdout.write(out.getvalue(), ending="")
