"""Import NCS competency units (능력단위) from the official export, and link competencies to them.

Same rules as the company import: every row is validated first and every problem reported with its
line; any error and nothing is saved; re-importing updates units matched by 능력단위코드.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from sanhak.common.errors import ConflictError, DomainError
from sanhak.common.tabular import (
    CellError,
    ImportResult,
    Row,
    RowError,
    Table,
    bulk_update_fast,
    chunked,
    code_text,
    control_character_errors,
    excerpt,
    is_check_violation,
    parse_int,
    read_table,
    too_long,
)
from sanhak.competencies.models import Competency, NcsUnit

# column → (model field, zero-padded width of a numeric cell, required)
COLUMNS: dict[str, tuple[str, int, bool]] = {
    "대분류코드": ("major_code", 2, True),
    "대분류명": ("major_name", 0, True),
    "중분류코드": ("middle_code", 2, True),
    "중분류명": ("middle_name", 0, True),
    "소분류코드": ("minor_code", 2, True),
    "소분류명": ("minor_name", 0, True),
    "세분류코드": ("detail_code", 2, True),
    "세분류명": ("detail_name", 0, True),
    "능력단위분류번호": ("classification_no", 0, False),
    "능력단위코드": ("code", 0, True),
    "능력단위명": ("name", 0, True),
}
LEVEL = "수준"
CODE = "능력단위코드"
# the file's own column names; the preview adds a translated "변경 항목" (what changes)
PREVIEW_COLUMNS = [CODE, "능력단위명", LEVEL, "대분류명", "중분류명", "소분류명", "세분류명"]
_FIELDS = [f for f, _w, _r in COLUMNS.values()] + ["level"]
_COLUMN_OF = {f: column for column, (f, _w, _r) in COLUMNS.items()} | {"level": LEVEL}


def _max_length(field_name: str) -> int | None:
    return NcsUnit._meta.get_field(field_name).max_length  # type: ignore[union-attr]


def _parse_row(row: Row, table: Table) -> tuple[dict[str, Any], list[RowError]]:
    values: dict[str, Any] = {}
    errors = control_character_errors(row, table, [*COLUMNS, LEVEL])
    refused = {e.column for e in errors}  # one error per cell: nothing more to say about these
    for column, (field_name, width, required) in COLUMNS.items():
        text = code_text(row.get(column), width=width)
        if table.label(column) in refused:
            values[field_name] = ""  # not looked up: the database cannot take it (NUL)
            continue
        values[field_name] = text
        if required and not text:
            errors.append(RowError(row.line, table.label(column), _("값이 비어 있습니다. / The value is empty.")))
        problem = too_long(text, _max_length(field_name))
        if problem:
            errors.append(RowError(row.line, table.label(column), problem))
    level_error = _(
        "수준은 1~8 사이의 정수여야 합니다: '%(value)s' / The level must be a whole number from 1 to 8: '%(value)s'"
    ) % {"value": excerpt(row.get(LEVEL))}
    try:
        level = parse_int(row.get(LEVEL))
    except CellError:
        level = None
    if (level is None or not 1 <= level <= 8) and table.label(LEVEL) not in refused:
        errors.append(RowError(row.line, table.label(LEVEL), level_error))
    values["level"] = level
    return values, errors


def ncs_units_import(*, data: bytes, filename: str, dry_run: bool) -> ImportResult:
    """Validate every row of an NCS unit export and, unless `dry_run` or any row is bad, save it.

    Raises DomainError when the file cannot be read at all (encoding, format, missing columns).
    """
    required = [c for c, (_f, _w, req) in COLUMNS.items() if req] + [LEVEL]
    table = read_table(data, filename, required=required)
    if dry_run:
        return _run(table, dry_run=True)
    try:
        with transaction.atomic():
            return _run(table, dry_run=False)
    except IntegrityError as exc:
        if is_check_violation(exc):  # not a concurrent change: the validation missed a rule
            raise
        raise ConflictError(
            _(
                "다른 변경과 충돌했습니다(같은 능력단위코드). 다시 시도해 주세요. / "
                "The import collided with another change to the same NCS units; try again."
            )
        ) from exc


def _run(table: Table, *, dry_run: bool) -> ImportResult:
    result = ImportResult(dry_run=dry_run, total=len(table.rows), preview_columns=[*PREVIEW_COLUMNS, _("변경 항목")])
    parsed: list[tuple[int, dict[str, Any]]] = []
    first_line: dict[str, int] = {}
    for row in table.rows:
        values, errors = _parse_row(row, table)
        code = values["code"]
        if code and code in first_line:
            errors.append(
                RowError(
                    row.line,
                    table.label(CODE),
                    _("%(first)d행과 능력단위코드가 같습니다. / Same unit code as line %(first)d.")
                    % {"first": first_line[code]},
                )
            )
        elif code:
            first_line[code] = row.line
        result.errors.extend(errors)
        if not errors:
            parsed.append((row.line, values))

    existing: dict[str, NcsUnit] = {}
    for chunk in chunked(list(first_line)):
        qs = NcsUnit.objects.filter(code__in=chunk)
        existing.update({u.code: u for u in (qs if dry_run else qs.select_for_update())})

    creates: list[NcsUnit] = []
    updates: list[NcsUnit] = []
    changed_fields: set[str] = set()
    for line, values in parsed:
        cells = [values[f] for f in ("code", "name", "level", "major_name", "middle_name", "minor_name", "detail_name")]
        unit = existing.get(values["code"])
        if unit is None:
            creates.append(NcsUnit(**values))
            result.add_preview(line, "create", [*cells, ""])
            continue
        changed = [f for f in _FIELDS if getattr(unit, f) != values[f]]
        for f in changed:
            setattr(unit, f, values[f])
        if changed:
            updates.append(unit)
            changed_fields.update(changed)
            result.add_preview(line, "update", [*cells, ", ".join(_COLUMN_OF[f] for f in changed)])
        else:
            result.add_preview(line, "unchanged", [*cells, ""])

    if result.errors:
        result.created = result.updated = result.unchanged = 0
        return result
    if not dry_run:
        NcsUnit.objects.bulk_create(creates, batch_size=500)
        bulk_update_fast(NcsUnit, updates, sorted(changed_fields))
    return result


@transaction.atomic
def competency_link_ncs(*, competency: Competency, units: Iterable[NcsUnit]) -> int:
    """Link NCS units to a competency (existing links are kept); return how many links are new.

    A unit whose level lies outside the competency's level range is refused: it would misstate what
    the competency trains.
    """
    units = list(units)
    outside = [u for u in units if not competency.level_min <= u.level <= competency.level_max]
    if outside:
        raise DomainError(
            _(
                "역량 %(competency)s의 수준 범위(%(low)d~%(high)d)를 벗어난 능력단위: %(units)s / "
                "NCS units outside the level range %(low)d-%(high)d of %(competency)s: %(units)s"
            )
            % {
                "competency": competency.code,
                "low": competency.level_min,
                "high": competency.level_max,
                "units": ", ".join(f"{u.code}({u.level})" for u in outside),
            },
            code="ncs_level_mismatch",
        )
    through = Competency.ncs_units.through
    current = set(through.objects.filter(competency=competency).values_list("ncsunit_id", flat=True))
    new = [u for u in {u.pk: u for u in units}.values() if u.pk not in current]
    through.objects.bulk_create(
        [through(competency_id=competency.pk, ncsunit_id=u.pk) for u in new], ignore_conflicts=True
    )
    return len(new)
