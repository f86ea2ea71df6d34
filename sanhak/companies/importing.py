"""Import tenant companies from the public factory-registry export (공장등록현황), CSV or XLSX.

All rows are validated first and every problem is reported with its line; when there is any error
nothing is saved. A clean file is written in one transaction with bulk statements. Re-importing a
file updates the companies it matched (by 공장관리번호, else 사업자등록번호) instead of duplicating them.

Update rule: a column the file does not have, or a blank cell, never erases what the platform
already knows (companies edit their own profile; public exports have gaps).
"""

from __future__ import annotations

import csv
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from sanhak.common.errors import ConflictError
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
    looks_scientific,
    parse_int,
    read_table,
    too_long,
)
from sanhak.common.validators import COMPANY_PHONE_MESSAGE, company_phone_is_valid
from sanhak.companies.models import Company, IndustrialComplex, KsicCode, brn_is_valid, normalize_brn
from sanhak.companies.reference import DATA_DIR

COLUMNS_FILE = DATA_DIR / "factory_registry_columns.csv"

FACTORY_NO = "공장관리번호"
BRN = "사업자등록번호"
NAME = "회사명"
TOTAL = "종업원합계"
EMPLOYEE_PARTS = ("남자종업원", "여자종업원", "외국인남자종업원", "외국인여자종업원")
ADDRESS = "공장주소"
ADDRESS_LOT = "공장주소_지번"
COMPLEX = "단지명"
PRODUCTS = "생산품"
PHONE = "전화번호"
KSIC_COLUMNS = ("대표업종", "업종코드")
MAX_EMPLOYEES = 2_147_483_647  # the largest integer the database column holds
# every column a row is read from: a control character (NUL, …) in any of them is refused
_READ_COLUMNS = (FACTORY_NO, BRN, NAME, TOTAL, *EMPLOYEE_PARTS, ADDRESS, ADDRESS_LOT, COMPLEX, PRODUCTS, PHONE)

# the file's own column names; the preview adds a translated "변경 항목" (what changes)
PREVIEW_COLUMNS = [FACTORY_NO, BRN, NAME, TOTAL, COMPLEX, "업종코드"]
_KSIC_SPLIT = re.compile(r"[\s,;/|·、]+")
_FIELDS = ("factory_no", "brn", "name", "employees", "address", "complex", "products", "phone")
_COLUMN_OF = {
    "factory_no": FACTORY_NO,
    "brn": BRN,
    "name": NAME,
    "employees": TOTAL,
    "address": ADDRESS,
    "complex": COMPLEX,
    "products": PRODUCTS,
    "phone": PHONE,
    "ksic_codes": "업종코드",
}


@functools.cache
def column_aliases() -> dict[str, str]:
    """Alias → canonical column, from the shipped copy of shared/data/reference/factory_registry_columns.csv."""
    aliases: dict[str, str] = {}
    with COLUMNS_FILE.open(encoding="utf-8") as fh:
        for record in csv.DictReader(fh):
            alias = (record.get("seen_alias") or "").split(" (")[0].strip()
            if alias:
                aliases[alias] = record["column_ko"].strip()
    return aliases


@dataclass
class _Parsed:
    line: int
    values: dict[str, Any] = field(default_factory=dict)  # model field → value, only what the row sets
    ksic: list[str] = field(default_factory=list)

    @property
    def factory_no(self) -> str | None:
        return self.values.get("factory_no")

    @property
    def brn(self) -> str | None:
        return self.values.get("brn")


def _max_length(field_name: str) -> int | None:
    return Company._meta.get_field(field_name).max_length  # type: ignore[union-attr]


def _parse_row(row: Row, table: Table, known_ksic: set[str], complex_default: str) -> tuple[_Parsed, list[RowError]]:
    parsed = _Parsed(line=row.line)
    errors = control_character_errors(row, table, [*_READ_COLUMNS, *KSIC_COLUMNS])
    refused = {e.column for e in errors}  # one error per cell: nothing more to say about these

    def error(column: str, message: str) -> None:
        if table.label(column) not in refused:
            errors.append(RowError(row.line, table.label(column), message))

    def text_field(column: str, field_name: str) -> str:
        value = row.text(column)
        problem = too_long(value, _max_length(field_name))
        if problem:
            error(column, problem)
        return value

    name = text_field(NAME, "name")
    if not name:
        error(NAME, _("회사명이 비어 있습니다. / The company name is empty."))
    parsed.values["name"] = name

    factory_no = code_text(row.get(FACTORY_NO))
    if looks_scientific(factory_no):
        error(FACTORY_NO, _scientific_message(factory_no))
    elif factory_no:
        problem = too_long(factory_no, _max_length("factory_no"))
        if problem:
            error(FACTORY_NO, problem)
        parsed.values["factory_no"] = factory_no

    brn_raw = code_text(row.get(BRN))
    if looks_scientific(brn_raw):
        error(BRN, _scientific_message(brn_raw))
    elif brn_raw:
        if brn_is_valid(brn_raw):
            parsed.values["brn"] = normalize_brn(brn_raw)
        else:
            error(
                BRN,
                _(
                    "사업자등록번호 '%(value)s'이(가) 올바르지 않습니다(10자리, 검증번호 확인). / "
                    "Invalid business registration number '%(value)s' (10 digits with a check digit)."
                )
                % {"value": brn_raw},
            )
    if not factory_no and not brn_raw:
        error(
            FACTORY_NO if table.has(FACTORY_NO) else BRN,
            _(
                "공장관리번호 또는 사업자등록번호가 필요합니다. / "
                "A factory management number or a business registration number is required."
            ),
        )

    employees = _employees(row, table, error)
    if employees is not None:
        parsed.values["employees"] = employees

    address = text_field(ADDRESS, "address") or text_field(ADDRESS_LOT, "address")
    if address:
        parsed.values["address"] = address
    complex_name = row.text(COMPLEX) or complex_default
    if complex_name:
        problem = too_long(complex_name, IndustrialComplex._meta.get_field("name").max_length)
        if problem:
            error(COMPLEX, problem)
        parsed.values["complex"] = complex_name
    products = text_field(PRODUCTS, "products")
    if products:
        parsed.values["products"] = products
    phone = text_field(PHONE, "phone")
    if phone and not company_phone_is_valid(phone):
        error(PHONE, f"'{phone}': {COMPANY_PHONE_MESSAGE}")
    elif phone:
        parsed.values["phone"] = phone

    for column in KSIC_COLUMNS:
        for token in _KSIC_SPLIT.split(code_text(row.get(column), width=5)):
            if not token or token in parsed.ksic:
                continue
            if not re.fullmatch(r"\d{5}", token):
                error(
                    column,
                    _("'%(code)s'은(는) 5자리 KSIC 코드가 아닙니다. / '%(code)s' is not a 5-digit KSIC code.")
                    % {"code": token},
                )
            elif token not in known_ksic:
                error(
                    column,
                    _(
                        "KSIC 코드 '%(code)s'이(가) 한국표준산업분류(10차)에 없습니다. / "
                        "Unknown KSIC (rev. 10) code '%(code)s'."
                    )
                    % {"code": token},
                )
            else:
                parsed.ksic.append(token)
    if refused:  # keep what the database cannot take (NUL) out of the look-ups of the other rows
        parsed.values = {
            name: value
            for name, value in parsed.values.items()
            if name not in _COLUMN_OF or table.label(_COLUMN_OF[name]) not in refused
        }
    return parsed, errors


def _scientific_message(value: str) -> str:
    return _(
        "'%(value)s'은(는) Excel이 지수 표기로 바꾼 값입니다. 셀 서식을 텍스트로 바꿔 다시 저장해 주세요. / "
        "'%(value)s' was turned into scientific notation by Excel; format the column as text and save again."
    ) % {"value": value}


def _employees(row: Row, table: Table, error: Callable[[str, str], None]) -> int | None:
    """종업원합계, or the sum of the four 종업원 columns when the total is missing; None when nothing is given.

    The total, each part and the sum of the parts must fit the database column: a value that does not
    is a row error here, never a failed (or silently wrapped) write at commit.
    """

    def number(column: str, value: int | None, text: str) -> int | None:
        if value is None or 0 <= value <= MAX_EMPLOYEES:
            return value
        if -MAX_EMPLOYEES <= value < 0:
            error(column, _("0 이상의 정수여야 합니다: %(value)d / Must be 0 or more: %(value)d") % {"value": value})
        else:  # the text, not the number: str() refuses integers of more than 4,300 digits
            error(
                column,
                _(
                    "0~2,147,483,647 사이의 정수여야 합니다: '%(value)s' / "
                    "Must be a whole number from 0 to 2,147,483,647: '%(value)s'"
                )
                % {"value": text},
            )
        return None

    def cell(column: str) -> int | None:
        try:
            value = parse_int(row.get(column))
        except CellError as exc:
            error(column, exc.message)
            return None
        return number(column, value, excerpt(row.get(column)))

    if table.has(TOTAL) and row.text(TOTAL):
        return cell(TOTAL)
    columns = [column for column in EMPLOYEE_PARTS if table.has(column) and row.text(column)]
    parts = [cell(column) for column in columns]
    if not parts or None in parts:
        return None
    total = sum(p for p in parts if p is not None)
    return number(" + ".join(table.label(c) for c in columns), total, str(total))


def companies_import(*, data: bytes, filename: str, dry_run: bool, complex_name: str | None = None) -> ImportResult:
    """Validate every row of a factory-registry export and, unless `dry_run` or any row is bad, save it.

    Raises DomainError when the file cannot be read at all (encoding, format, missing columns) and
    ConflictError when a concurrent change makes the commit collide with another company.
    """
    table = read_table(data, filename, aliases=column_aliases(), required=[NAME, (FACTORY_NO, BRN)])
    if dry_run:
        return _run(table, dry_run=True, complex_default=(complex_name or "").strip())
    try:
        with transaction.atomic():
            return _run(table, dry_run=False, complex_default=(complex_name or "").strip())
    except IntegrityError as exc:
        if is_check_violation(exc):  # not a concurrent change: the validation missed a rule
            raise
        raise ConflictError(
            _(
                "다른 변경과 충돌했습니다(같은 공장관리번호·사업자등록번호). 다시 시도해 주세요. / "
                "The import collided with another change to the same companies; try again."
            )
        ) from exc


def _run(table: Table, *, dry_run: bool, complex_default: str) -> ImportResult:
    result = ImportResult(dry_run=dry_run, total=len(table.rows), preview_columns=[*PREVIEW_COLUMNS, _("변경 항목")])
    known_ksic = set(KsicCode.objects.values_list("code", flat=True))
    rows: list[_Parsed] = []
    bad_lines: set[int] = set()
    for row in table.rows:
        parsed, errors = _parse_row(row, table, known_ksic, complex_default)
        rows.append(parsed)
        if errors:
            result.errors.extend(errors)
            bad_lines.add(row.line)

    # Keys must be unique within the file: the later line is the duplicate.
    first_factory: dict[str, int] = {}
    first_brn: dict[str, int] = {}
    for p in rows:
        if p.factory_no and p.factory_no in first_factory:
            first = first_factory[p.factory_no]
            _dup(result, bad_lines, p.line, label=table.label(FACTORY_NO), first=first, key=FACTORY_NO)
        elif p.brn and p.brn in first_brn:
            _dup(result, bad_lines, p.line, label=table.label(BRN), first=first_brn[p.brn], key=BRN)
        if p.factory_no:
            first_factory.setdefault(p.factory_no, p.line)
        if p.brn:
            first_brn.setdefault(p.brn, p.line)

    # Match the existing companies, one query per chunk of keys (locked when committing).
    factory_nos = list(first_factory)
    brns = list(first_brn)
    existing: dict[int, Company] = {}
    half = max(1, (connection.features.max_query_params or 20_000) // 2)
    for start in range(0, max(len(factory_nos), len(brns)), half):
        qs = Company.objects.filter(
            Q(factory_no__in=factory_nos[start : start + half]) | Q(brn__in=brns[start : start + half])
        )
        existing.update({c.pk: c for c in (qs if dry_run else qs.select_for_update())})
    by_factory = {c.factory_no: c for c in existing.values() if c.factory_no}
    by_brn = {c.brn: c for c in existing.values() if c.brn}

    targets: dict[int, Company | None] = {}
    claimed: dict[int, int] = {}
    for p in rows:
        if p.line in bad_lines:
            continue
        target = by_factory.get(p.factory_no) if p.factory_no else None
        owner = by_brn.get(p.brn) if p.brn else None
        if target is None and owner is not None:
            if p.factory_no and owner.factory_no and owner.factory_no != p.factory_no:
                _brn_taken(result, bad_lines, p.line, table, owner)
                continue
            target = owner
        elif target is not None and owner is not None and owner.pk != target.pk:
            _brn_taken(result, bad_lines, p.line, table, owner)
            continue
        if target is not None:
            if target.pk in claimed:
                label = table.label(FACTORY_NO if p.factory_no else BRN)
                _dup(result, bad_lines, p.line, label=label, first=claimed[target.pk], key=None)
                continue
            claimed[target.pk] = p.line
        targets[p.line] = target

    complex_ids = dict(
        IndustrialComplex.objects.filter(
            name__in={p.values["complex"] for p in rows if "complex" in p.values}
        ).values_list("name", "id")
    )
    current_ksic: dict[int, set[str]] = {pk: set() for pk in claimed}
    through = Company.ksic_codes.through
    for chunk in chunked(list(claimed)):
        for company_id, code in through.objects.filter(company_id__in=chunk).values_list("company_id", "ksiccode_id"):
            current_ksic[company_id].add(code)

    creates: list[tuple[_Parsed, Company]] = []
    updates: list[tuple[_Parsed, Company]] = []
    changed_fields: set[str] = set()
    ksic_changed: list[tuple[_Parsed, Company]] = []
    for p in rows:
        if p.line in bad_lines:
            continue
        target = targets[p.line]
        if target is None:
            company = Company(employees=0)
            _apply(company, p, complex_ids)
            creates.append((p, company))
            result.add_preview(p.line, "create", _preview(p, []))
            continue
        fields = _apply(target, p, complex_ids)
        ksic_differs = bool(p.ksic) and set(p.ksic) != current_ksic[target.pk]
        if fields or ksic_differs:
            updates.append((p, target))
            changed_fields.update(fields)
            if ksic_differs:
                ksic_changed.append((p, target))
            result.add_preview(p.line, "update", _preview(p, [*fields, *(["ksic_codes"] if ksic_differs else [])]))
        else:
            result.add_preview(p.line, "unchanged", _preview(p, []))

    result.errors.sort(key=lambda e: e.line)  # stable: a line's errors stay in column order
    if result.errors:
        result.created = result.updated = result.unchanged = 0
        return result
    if dry_run:
        return result

    _ensure_complexes(creates + updates, complex_ids)
    now = timezone.now()
    new_companies = [c for _, c in creates]
    Company.objects.bulk_create(new_companies, batch_size=500)
    if any(c.pk is None for c in new_companies):  # backends that cannot return ids from a bulk insert
        _fill_pks(new_companies)
    changed = [c for _, c in updates]
    if changed_fields:
        for company in changed:
            company.updated_at = now
        bulk_update_fast(Company, changed, [*sorted(changed_fields), "updated_at"])
    stale = [c.pk for _, c in ksic_changed]
    for chunk in chunked(stale):
        through.objects.filter(company_id__in=chunk).delete()
    links = [
        through(company_id=company.pk, ksiccode_id=code) for p, company in [*creates, *ksic_changed] for code in p.ksic
    ]
    through.objects.bulk_create(links, batch_size=1000)
    return result


def _apply(company: Company, p: _Parsed, complex_ids: dict[str, int]) -> list[str]:
    """Set the row's values on the company; return the model fields that changed."""
    changed = []
    for name in _FIELDS:
        if name not in p.values:
            continue
        if name == "complex":
            complex_id = complex_ids.get(p.values["complex"])  # None: the complex is created on commit
            if complex_id is None or company.complex_id != complex_id:
                company.complex_id = complex_id
                changed.append("complex")
            continue
        if getattr(company, name) != p.values[name]:
            setattr(company, name, p.values[name])
            changed.append(name)
    return changed


def _ensure_complexes(pairs: list[tuple[_Parsed, Company]], complex_ids: dict[str, int]) -> None:
    missing = sorted({p.values["complex"] for p, _ in pairs if "complex" in p.values} - set(complex_ids))
    if missing:
        IndustrialComplex.objects.bulk_create([IndustrialComplex(name=n) for n in missing], ignore_conflicts=True)
        complex_ids.update(IndustrialComplex.objects.filter(name__in=missing).values_list("name", "id"))
    for p, company in pairs:
        if "complex" in p.values:
            company.complex_id = complex_ids[p.values["complex"]]


def _fill_pks(companies: list[Company]) -> None:
    by_factory = {c.factory_no: c for c in companies if c.factory_no}
    by_brn = {c.brn: c for c in companies if c.brn and not c.factory_no}
    for chunk in chunked(list(by_factory)):
        for pk, factory_no in Company.objects.filter(factory_no__in=chunk).values_list("pk", "factory_no"):
            by_factory[str(factory_no)].pk = pk
    for chunk in chunked(list(by_brn)):
        for pk, brn in Company.objects.filter(brn__in=chunk).values_list("pk", "brn"):
            by_brn[str(brn)].pk = pk


def _preview(p: _Parsed, changed: list[str]) -> list[Any]:
    v = p.values
    labels = ", ".join(_COLUMN_OF[name] for name in changed)
    return [v.get(key) for key in ("factory_no", "brn", "name", "employees", "complex")] + [", ".join(p.ksic), labels]


def _dup(result: ImportResult, bad: set[int], line: int, *, label: str, first: int, key: str | None) -> None:
    if key == FACTORY_NO:
        message = _("%(first)d행과 공장관리번호가 같습니다. / Same factory management number as line %(first)d.")
    elif key == BRN:
        message = _("%(first)d행과 사업자등록번호가 같습니다. / Same business registration number as line %(first)d.")
    else:
        message = _("%(first)d행과 같은 기업입니다. / The same company as line %(first)d.")
    result.errors.append(RowError(line, label, message % {"first": first}))
    bad.add(line)


def _brn_taken(result: ImportResult, bad: set[int], line: int, table: Table, owner: Company) -> None:
    result.errors.append(
        RowError(
            line,
            table.label(BRN),
            _(
                "이 사업자등록번호는 이미 다른 기업(%(name)s, 공장관리번호 %(factory)s)에 등록되어 있습니다. / "
                "This business registration number already belongs to another company (%(name)s, factory %(factory)s)."
            )
            % {"name": owner.name, "factory": owner.factory_no or "-"},
        )
    )
    bad.add(line)
