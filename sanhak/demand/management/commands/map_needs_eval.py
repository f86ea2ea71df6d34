"""`manage.py map_needs_eval [--learn] [FILE.csv ...]`: how well the need mapper ranks labelled statements."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from sanhak.demand.mapping import (
    HELDOUT_FILE,
    Accuracy,
    Labelled,
    accuracy,
    default_mapper,
    learning_curve,
    read_labelled,
    transfer,
)


def _line(label: str, result: Accuracy) -> str:
    return (
        f"{label}: top-1 {result.top1}/{result.n} ({result.top1_rate:.1%}), "
        f"top-3 {result.top3}/{result.n} ({result.top3_rate:.1%})"
    )


class Command(BaseCommand):
    help = (
        "라벨된 수요 문장(id,text_ko,gold_codes; 첫 코드가 주 역량)에 대한 매핑 정확도(top-1, top-3)를 출력합니다. "
        "--learn: k겹 교차로 확인된 문장을 학습하기 전과 후의 정확도. 파일을 주지 않으면 내장 검증 세트를 씁니다. / "
        "Top-1/top-3 accuracy of the need mapper on labelled statements (id,text_ko,gold_codes; first = primary); "
        "--learn: k-fold accuracy on held-back statements before and after learning from the confirmed ones. "
        "Defaults to the bundled held-out set."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="*", help="labelled CSV file(s); default: the bundled held-out set")
        parser.add_argument("--learn", action="store_true", help="k-fold before/after learning / 학습 전후 비교")
        parser.add_argument("--folds", type=int, default=5, help="number of folds (default 5)")
        parser.add_argument("--seed", type=int, default=0, help="fold shuffling seed (default 0)")
        parser.add_argument(
            "--learn-from",
            nargs="+",
            default=[],
            metavar="FILE.csv",
            help="learn from these labelled files and compare before/after on FILE(s) / 이 파일들을 학습한 전후 비교",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        paths = [Path(p) for p in options["files"]] or [HELDOUT_FILE]
        rows = self._read(paths)
        rows = [row for row in rows if row.codes]
        if not rows:
            raise CommandError(_("평가할 문장이 없습니다 / No labelled statements to evaluate"))
        mapper = default_mapper()
        self.stdout.write(_("문장 / statements: %(n)d") % {"n": len(rows)})
        self.stdout.write(_line(_("정확도 / accuracy"), accuracy(mapper.rank_codes, rows)))
        if options["learn"]:
            before, after = learning_curve(mapper, rows, folds=options["folds"], seed=options["seed"])
            self.stdout.write(
                _(
                    "%(folds)d겹 교차: 나머지 문장의 확인된 코드를 학습한 전후 / %(folds)d-fold, learning from the other folds' confirmed codes"
                )
                % {"folds": max(2, min(options["folds"], len(rows)))}
            )
            self.stdout.write(_line(_("학습 전 / before"), before))
            self.stdout.write(_line(_("학습 후 / after"), after))
        if options["learn_from"]:
            learn_from = [row for row in self._read([Path(p) for p in options["learn_from"]]) if row.codes]
            before, after = transfer(mapper, learn_from, rows)
            self.stdout.write(
                _(
                    "다른 파일의 확인된 문장 %(n)d개를 학습한 전후 / learning from %(n)d confirmed statements of the other file(s)"
                )
                % {"n": len(learn_from)}
            )
            self.stdout.write(_line(_("학습 전 / before"), before))
            self.stdout.write(_line(_("학습 후 / after"), after))

    @staticmethod
    def _read(paths: list[Path]) -> list[Labelled]:
        rows: list[Labelled] = []
        for path in paths:
            try:
                rows += read_labelled(path)
            except (OSError, UnicodeDecodeError, KeyError) as exc:
                raise CommandError(
                    _(
                        "라벨 파일을 읽을 수 없습니다(id,text_ko,gold_codes UTF-8 CSV) / Cannot read the labelled file (UTF-8 CSV id,text_ko,gold_codes): %(path)s (%(error)s)"
                    )
                    % {"path": path, "error": exc}
                ) from exc
        return rows
