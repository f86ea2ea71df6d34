"""Reading uploaded tables (CSV or XLSX) for the importers.

`read_table()` turns the bytes of an uploaded file into header-normalised rows that keep the physical
line number of the file (the header is line 1), so every error can point at the line a person sees
in Excel or a text editor. Files that cannot be read at all raise `DomainError`; problems in single
rows are collected by the importers as `RowError`s and returned in an `ImportResult`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
import unicodedata
import warnings
import zipfile
import zlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import PurePath
from typing import Any, TypeVar

from django.db import IntegrityError, connection, connections, router
from django.db.models import Model
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext as _

from sanhak.common.errors import DomainError

T = TypeVar("T")

MAX_ROWS = 100_000
HEADER_SEARCH_ROWS = 20
PREVIEW_LIMIT = 50

XLSX_EXTENSIONS = {".xlsx", ".xlsm"}
CSV_EXTENSIONS = {".csv", ".txt", ".tsv"}
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls (Excel 97–2003)
_INVISIBLE = dict.fromkeys(map(ord, "\ufeff\u200b\u200c\u200d\u2060\u00ad"))
# C0 control characters other than tab and line breaks: never typed, and NUL cannot be stored by PostgreSQL.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
EXCERPT_LENGTH = 40

try:  # openpyxl parses the workbook parts with lxml when it is installed
    from lxml.etree import LxmlError as _LxmlError
except ImportError:  # pragma: no cover - without lxml openpyxl parses with xml.etree (SyntaxError)
    _LxmlError = SyntaxError

# What reading a damaged XLSX raises: a broken zip (BadZipFile, zlib.error, EOFError; RuntimeError and
# NotImplementedError for encrypted or unsupported members), a missing part (KeyError), junk XML
# (xml.etree ParseError and lxml XMLSyntaxError are SyntaxErrors), and values or references openpyxl
# cannot convert (ValueError, TypeError, IndexError, AttributeError, OverflowError).
_XLSX_ERRORS: tuple[type[BaseException], ...] = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    EOFError,
    OSError,
    RuntimeError,
    KeyError,
    IndexError,
    AttributeError,
    ValueError,
    TypeError,
    ArithmeticError,
    SyntaxError,
    _LxmlError,
)


# ---------------------------------------------------------------------------------------------
# Results and errors
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class RowError:
    """One problem in one cell (or row) of the file. `line` is the physical line; the header is line 1."""

    line: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.column}: {self.message}"


@dataclass(frozen=True)
class PreviewRow:
    """What the import does with one line: `action` is "create", "update" or "unchanged"."""

    line: int
    action: str
    cells: list[str]

    @property
    def action_label(self) -> str:
        return {"create": _("신규"), "update": _("갱신"), "unchanged": _("변경 없음")}.get(self.action, self.action)


@dataclass
class ImportResult:
    """The outcome of an import or of its dry run. When `errors` is not empty nothing was saved."""

    dry_run: bool
    total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    preview: list[PreviewRow] = field(default_factory=list)
    preview_columns: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def error_lines(self) -> list[int]:
        return sorted({e.line for e in self.errors})

    def add_preview(self, line: int, action: str, cells: Iterable[Any], *, limit: int = PREVIEW_LIMIT) -> None:
        counter = {"create": "created", "update": "updated", "unchanged": "unchanged"}[action]
        setattr(self, counter, getattr(self, counter) + 1)
        if len(self.preview) < limit:
            self.preview.append(PreviewRow(line=line, action=action, cells=[cell_text(c) for c in cells]))

    def summary(self) -> str:
        counts = {"created": self.created, "updated": self.updated, "unchanged": self.unchanged}
        if self.errors:
            return _(
                "오류 %(errors)d건(%(lines)d개 행): 아무것도 가져오지 않았습니다. / "
                "%(errors)d errors in %(lines)d rows: nothing was imported."
            ) % {"errors": len(self.errors), "lines": len(self.error_lines)}
        if self.dry_run:
            return (
                _(
                    "미리보기: 신규 %(created)d건, 갱신 %(updated)d건, 변경 없음 %(unchanged)d건 (저장하지 않음) / "
                    "Dry run: %(created)d to create, %(updated)d to update, %(unchanged)d unchanged (nothing saved)."
                )
                % counts
            )
        return (
            _(
                "가져오기 완료: 신규 %(created)d건, 갱신 %(updated)d건, 변경 없음 %(unchanged)d건 / "
                "Imported: %(created)d created, %(updated)d updated, %(unchanged)d unchanged."
            )
            % counts
        )


class CellError(ValueError):
    """A cell value that cannot be parsed; the message is bilingual and shown to the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# ---------------------------------------------------------------------------------------------
# Tables
# ---------------------------------------------------------------------------------------------


def normalize_header(value: Any) -> str:
    """NFKC, without BOM / zero-width characters and without any whitespace ("종업원 합계" → "종업원합계")."""
    text = unicodedata.normalize("NFKC", cell_text(value)).translate(_INVISIBLE)
    return "".join(text.split())


@dataclass(frozen=True)
class Row:
    line: int
    values: dict[str, Any]

    def get(self, column: str) -> Any:
        return self.values.get(column)

    def text(self, column: str) -> str:
        return cell_text(self.values.get(column))


@dataclass(frozen=True)
class Table:
    """Rows keyed by canonical column name; `headers` maps each canonical name to the header as written."""

    format: str
    encoding: str | None
    header_line: int
    headers: dict[str, str]
    rows: list[Row]

    def has(self, column: str) -> bool:
        return column in self.headers

    def label(self, column: str) -> str:
        """The column as the file names it (an alias keeps its own name), for error messages."""
        return self.headers.get(column, column)


def read_table(
    data: bytes,
    filename: str,
    *,
    aliases: Mapping[str, str] | None = None,
    required: Sequence[str | tuple[str, ...]] = (),
) -> Table:
    """Read a CSV (UTF-8, UTF-8-SIG, CP949/EUC-KR, UTF-16) or XLSX file into a `Table`.

    `aliases` maps alternative header names to canonical ones (both are normalised); a column whose
    canonical name is present wins over its alias. `required` lists columns that must be present; a
    tuple means "at least one of". The header is the first non-empty row, or — when `required` is
    given — the first of the first rows that names a required column (exports sometimes start
    with a title row).
    """
    if not data:
        raise DomainError(_("빈 파일입니다. / The file is empty."), code="empty_file")
    ext = PurePath(filename or "").suffix.lower()
    if data.startswith(_OLE_MAGIC):
        raise DomainError(
            _(
                "예전 Excel(.xls) 형식은 읽을 수 없습니다. XLSX 또는 CSV로 저장해 주세요. / "
                "Legacy Excel (.xls) files are not supported; save the file as XLSX or CSV."
            ),
            code="xls_unsupported",
        )
    if data.startswith(_ZIP_MAGIC) or ext in XLSX_EXTENSIONS:
        fmt, encoding, raw_rows = "xlsx", None, _xlsx_rows(data)
    else:
        fmt = "csv"
        encoding, text = _decode(data)
        raw_rows = _csv_rows(text)
    return _build_table(fmt, encoding, raw_rows, aliases or {}, required)


def _decode(data: bytes) -> tuple[str, str]:
    # A NUL byte near the start of an 8-bit file means a binary file. Any other NUL (further on, or in
    # a UTF-16 file) is in a cell: the importers report it as a row error (`control_character_errors`).
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        pass  # UTF-32: unrecognised
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return "utf-16", data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    else:
        head = data[:4096].lstrip()
        if b"\x00" in data[:4096]:
            raise _not_a_table()
        if head[:1] == b"<" and re.match(rb"<(\?xml|!doctype|html|table)", head[:20].lower()):
            raise DomainError(
                _(
                    "HTML/XML 파일은 읽을 수 없습니다. Excel에서 열어 XLSX 또는 CSV로 저장해 주세요. / "
                    "This is an HTML/XML file, not a table; open it in Excel and save it as XLSX or CSV."
                ),
                code="html_file",
            )
        for encoding in ("utf-8-sig", "cp949"):
            try:
                return encoding, data.decode(encoding)
            except UnicodeDecodeError:
                continue
    raise DomainError(
        _(
            "파일 인코딩을 알 수 없습니다. UTF-8 또는 CP949(EUC-KR)로 저장해 주세요. / "
            "Unrecognised text encoding; save the file as UTF-8 or CP949 (EUC-KR)."
        ),
        code="bad_encoding",
    )


def _not_a_table() -> DomainError:
    return DomainError(
        _("CSV 또는 XLSX 표 파일이 아닙니다. / The file is not a CSV or XLSX table."), code="not_a_table"
    )


def _csv_rows(text: str) -> Iterator[tuple[int, list[Any]]]:
    sample = "\n".join([ln for ln in text[:65536].splitlines() if ln.strip()][:HEADER_SEARCH_ROWS])
    delimiter = max(",\t;|", key=sample.count)  # comma unless another separator clearly dominates
    if sample.count(delimiter) == 0:
        delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    previous = 0
    try:
        for record in reader:
            yield previous + 1, record  # a quoted cell may span lines: report where the record starts
            previous = reader.line_num
    except csv.Error as exc:
        raise DomainError(
            _("CSV를 읽을 수 없습니다(%(line)d행 부근): %(error)s / Cannot parse the CSV near line %(line)d: %(error)s")
            % {"line": previous + 1, "error": exc},
            code="bad_csv",
        ) from exc


def _xlsx_rows(data: bytes) -> Iterator[tuple[int, list[Any]]]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, *_XLSX_ERRORS) as exc:
        raise DomainError(
            _(
                "XLSX 파일을 열 수 없습니다(손상되었거나 XLSX가 아님). / "
                "Cannot open the XLSX file (damaged or not an XLSX workbook)."
            ),
            code="bad_xlsx",
        ) from exc
    return _xlsx_iter(workbook)


def _bad_sheet() -> DomainError:
    return DomainError(
        _("XLSX 파일의 시트를 읽을 수 없습니다. / Cannot read the worksheet of the XLSX file."), code="bad_xlsx"
    )


def _xlsx_iter(workbook: Any) -> Iterator[tuple[int, list[Any]]]:
    """The rows of the first worksheet. The sheet is parsed while it is read, so junk in it surfaces here."""
    try:
        if not workbook.worksheets:  # the sheet part is missing (or the workbook has only charts)
            raise _bad_sheet()
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # trust the cells, not a possibly wrong <dimension> tag
        for line, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield line, list(values)
    except _XLSX_ERRORS as exc:
        raise _bad_sheet() from exc
    finally:
        workbook.close()


def _is_blank(values: Sequence[Any]) -> bool:
    return all(cell_text(v) == "" for v in values)


def _build_table(
    fmt: str,
    encoding: str | None,
    raw_rows: Iterator[tuple[int, list[Any]]],
    aliases: Mapping[str, str],
    required: Sequence[str | tuple[str, ...]],
) -> Table:
    alias_map = {normalize_header(k): normalize_header(v) for k, v in aliases.items()}
    wanted = {normalize_header(c) for group in required for c in ((group,) if isinstance(group, str) else group)}

    def canonical(names: list[str]) -> list[str]:
        present = set(names)
        return [alias_map.get(n, n) if alias_map.get(n, n) not in present else n for n in names]

    index: dict[str, int] = {}
    candidates: list[tuple[int, list[Any]]] = []
    for line, values in raw_rows:
        if _is_blank(values):
            continue
        candidates.append((line, values))
        names = canonical([normalize_header(v) for v in values])
        if not wanted or wanted.intersection(names) or len(candidates) >= HEADER_SEARCH_ROWS:
            break
    if not candidates:
        raise DomainError(_("데이터가 없는 빈 표입니다. / The table is empty."), code="empty_table")
    header_line, header_cells = next(
        ((ln, vals) for ln, vals in candidates if wanted.intersection(canonical([normalize_header(v) for v in vals]))),
        candidates[0],
    )
    names = canonical([normalize_header(v) for v in header_cells])
    headers: dict[str, str] = {}
    known = wanted | set(alias_map.values())
    for position, name in enumerate(names):
        if not name:
            continue
        if name in index:
            if name in known:
                raise DomainError(
                    _("열 '%(column)s'이(가) 두 번 있습니다. / The column '%(column)s' appears twice.")
                    % {"column": cell_text(header_cells[position])},
                    code="duplicate_column",
                )
            continue
        index[name] = position
        headers[name] = cell_text(header_cells[position]).replace("\ufeff", "").strip()

    missing = [
        (group,) if isinstance(group, str) else group
        for group in required
        if not any(normalize_header(c) in headers for c in ((group,) if isinstance(group, str) else group))
    ]
    if missing:
        raise DomainError(
            _(
                "필수 열이 없습니다: %(missing_ko)s (찾은 열: %(found)s) / "
                "Required columns are missing: %(missing_en)s (found: %(found)s)"
            )
            % {
                "missing_ko": ", ".join(" 또는 ".join(options) for options in missing),
                "missing_en": ", ".join(" or ".join(options) for options in missing),
                "found": ", ".join(headers.values()) or "-",
            },
            code="missing_columns",
        )

    rows: list[Row] = []
    for line, values in _chain(candidates, header_line, raw_rows):
        if _is_blank(values):
            continue
        if line - header_line > MAX_ROWS:
            raise DomainError(
                _(
                    "행이 너무 많습니다(최대 %(max)d행). 파일을 나누어 올려 주세요. / "
                    "Too many rows (at most %(max)d); split the file."
                )
                % {"max": MAX_ROWS},
                code="too_many_rows",
            )
        rows.append(
            Row(line=line, values={name: values[pos] if pos < len(values) else None for name, pos in index.items()})
        )
    if not rows:
        raise DomainError(_("데이터 행이 없습니다. / The file has no data rows."), code="no_rows")
    return Table(format=fmt, encoding=encoding, header_line=header_line, headers=headers, rows=rows)


def _chain(
    candidates: list[tuple[int, list[Any]]], header_line: int, rest: Iterator[tuple[int, list[Any]]]
) -> Iterator[tuple[int, list[Any]]]:
    """The rows after the header: those already read while looking for it, then the rest."""
    yield from ((ln, vals) for ln, vals in candidates if ln > header_line)
    yield from rest


# ---------------------------------------------------------------------------------------------
# Cell parsing
# ---------------------------------------------------------------------------------------------

_NUMBER = re.compile(r"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
_SCIENTIFIC = re.compile(r"^\d+(?:\.\d+)?[eE]\+?\d+$")
_DATE_PATTERNS = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})\.\s*(\d{1,2})\.\s*(\d{1,2})\.?$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)


def cell_text(value: Any) -> str:
    """A cell as trimmed text: integral floats lose their ".0", dates become ISO dates, and Korean written
    decomposed (NFD: a file saved on a Mac) is composed (NFC), as typed text is, so that it matches."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return unicodedata.normalize("NFC", str(value).strip())


def code_text(value: Any, *, width: int = 0) -> str:
    """A code cell as text. A number cell (XLSX) lost its leading zeros: pad it back to `width`."""
    text = cell_text(value)
    if width and isinstance(value, int | float) and not isinstance(value, bool) and text.isdigit():
        return text.zfill(width)
    return text


def looks_scientific(text: str) -> bool:
    """True for numbers Excel rewrote as "2.81101E+12" (a long code saved from a numeric cell)."""
    return bool(_SCIENTIFIC.match(text))


def excerpt(value: Any, limit: int = EXCERPT_LENGTH) -> str:
    """A cell as text for an error message, cut to `limit` characters ("…" marks the cut)."""
    text = cell_text(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _not_a_number(value: Any) -> CellError:
    return CellError(_("숫자가 아닙니다: '%(value)s' / Not a number: '%(value)s'") % {"value": excerpt(value)})


def parse_decimal(value: Any) -> Decimal | None:
    """ "1,234.5" → Decimal("1234.5"); blank → None; anything else raises CellError."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise _not_a_number(value)
    if isinstance(value, float) and not math.isfinite(value):  # an XLSX <v>1e309</v> is infinity
        raise _not_a_number(value)
    if isinstance(value, int | float):
        return Decimal(str(value))
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise _not_a_number(value)
        return value
    text = cell_text(value)
    if not text:
        return None
    if not _NUMBER.match(text):
        raise _not_a_number(value)
    try:
        return Decimal(text.replace(",", ""))
    except InvalidOperation as exc:  # pragma: no cover - the pattern admits only valid numbers
        raise _not_a_number(value) from exc


def parse_int(value: Any) -> int | None:
    """ "1,234" → 1234, 12.0 → 12; blank → None; fractions and text raise CellError."""
    number = parse_decimal(value)
    if number is None:
        return None
    if number != number.to_integral_value():
        raise CellError(_("정수가 아닙니다: '%(value)s' / Not a whole number: '%(value)s'") % {"value": excerpt(value)})
    return int(number)


def parse_date(value: Any) -> dt.date | None:
    """YYYY-MM-DD, YYYYMMDD, YYYY.MM.DD (also "2024. 3. 5."), YYYY/MM/DD, Excel date cells and serials."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        number = int(value)
        if number == value and 19000101 <= number <= 29991231:
            value = str(number)  # a YYYYMMDD number cell
        elif 0 < value < 2958466:
            from openpyxl.utils.datetime import from_excel

            return from_excel(value).date()
    text = cell_text(value)
    if not text:
        return None
    text = text.split(" ")[0] if re.match(r"^\d{4}-\d{2}-\d{2} \d", text) else text
    for pattern in _DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            try:
                return dt.date(*(int(g) for g in match.groups()))
            except ValueError:
                break
    raise CellError(
        _(
            "날짜가 아닙니다(예: 2024-03-05, 20240305, 2024.03.05): '%(value)s' / "
            "Not a date (e.g. 2024-03-05, 20240305, 2024.03.05): '%(value)s'"
        )
        % {"value": excerpt(text)}
    )


def control_character_errors(row: Row, table: Table, columns: Iterable[str]) -> list[RowError]:
    """One error for each of `columns` whose cell holds a control character other than tab and line breaks.

    NUL cannot be stored by PostgreSQL and the others are never typed: they come from a damaged or
    mis-encoded file (a UTF-16 file read as another encoding, binary junk), so the cell is refused.
    """
    errors = []
    for column in columns:
        value = row.get(column)
        match = _CONTROL.search(value) if isinstance(value, str) else None
        if match:
            errors.append(
                RowError(
                    row.line,
                    table.label(column),
                    _(
                        "제어 문자(%(char)s)가 들어 있습니다. 지우고 다시 저장해 주세요. / "
                        "The cell contains a control character (%(char)s); remove it and save again."
                    )
                    % {"char": f"U+{ord(match.group()):04X}"},
                )
            )
    return errors


def is_check_violation(exc: IntegrityError) -> bool:
    """True when a CHECK or NOT NULL constraint failed: a gap in the validation, not a concurrent change."""
    cause = exc.__cause__
    sqlstate = getattr(cause, "sqlstate", None) or getattr(cause, "pgcode", None)
    if sqlstate:
        return str(sqlstate) in {"23514", "23502"}  # check_violation, not_null_violation
    return str(exc).startswith(("CHECK constraint failed", "NOT NULL constraint failed"))  # SQLite


def too_long(text: str, max_length: int | None) -> str | None:
    """The bilingual error for text longer than a model field allows, or None."""
    if max_length is None or len(text) <= max_length:
        return None
    return _("%(max)d자를 넘습니다(%(length)d자). / Longer than %(max)d characters (%(length)d).") % {
        "max": max_length,
        "length": len(text),
    }


def chunked(items: Sequence[T], size: int | None = None) -> Iterator[Sequence[T]]:
    """Slices small enough for an `IN (...)` on this database (SQLite allows 999 parameters)."""
    size = size or connection.features.max_query_params or 10_000
    size = min(size, 10_000)
    for start in range(0, len(items), size):
        yield items[start : start + size]


def bulk_update_fast(model: type[Model], objs: Sequence[Model], fields: Sequence[str], *, batch_size: int = 500) -> int:
    """`QuerySet.bulk_update()` for thousands of rows.

    Django's bulk_update resolves one `When(pk=…)` per object and field through the ORM, which takes
    seconds for a few thousand rows; here each field's CASE is one SQL fragment with parameters, and a
    field that gets the same value on every object is set directly.
    """
    if not objs:
        return 0
    conn = connections[router.db_for_write(model)]
    pk = model._meta.pk
    assert pk is not None
    columns: list[Any] = [model._meta.get_field(name) for name in fields]  # concrete fields
    per_row = 1 + 2 * len(columns)
    size = max(1, min(batch_size, ((conn.features.max_query_params or 65_000) - 1) // per_row))
    casting = conn.features.requires_casted_case_in_updates
    updated = 0
    for start in range(0, len(objs), size):
        batch = objs[start : start + size]
        pks = [obj.pk for obj in batch]
        values: dict[str, Any] = {}
        for column in columns:
            new = [getattr(obj, column.attname) for obj in batch]
            if all(v == new[0] for v in new):
                values[column.attname] = new[0]
                continue
            params: list[Any] = []
            for key, value in zip(pks, new, strict=True):
                params += [pk.get_db_prep_value(key, conn), column.get_db_prep_save(value, conn)]
            sql = f"CASE {conn.ops.quote_name(pk.column)} {' '.join(['WHEN %s THEN %s'] * len(batch))} END"
            if casting:
                sql = f"CAST({sql} AS {column.cast_db_type(conn)})"
            values[column.attname] = RawSQL(sql, params, output_field=column)  # noqa: S611 - placeholders only
        updated += model._default_manager.filter(pk__in=pks).update(**values)
    return updated
