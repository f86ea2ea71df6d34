"""Hostile and damaged files for the table reader (`sanhak.common.tabular`) and the NCS unit import.

Damaged XLSX packages, non-finite and huge numbers, NUL and other control characters: each is either
the reader's bilingual "cannot read the file" error or a row error with its line and column — never a
500, and nothing is saved.
"""

from __future__ import annotations

import io
import math
import zipfile
from decimal import Decimal

import pytest
from django.db import IntegrityError

from sanhak.common.errors import DomainError
from sanhak.common.tabular import (
    CellError,
    RowError,
    control_character_errors,
    excerpt,
    is_check_violation,
    parse_date,
    parse_decimal,
    parse_int,
    read_table,
)
from sanhak.companies.tests.test_import import csv_bytes, xlsx_bytes
from sanhak.competencies.importing import ncs_units_import
from sanhak.competencies.models import NcsUnit
from sanhak.competencies.tests.test_ncs_import import HEADER as NCS_HEADER
from sanhak.competencies.tests.test_ncs_import import LEVEL_ERROR
from sanhak.competencies.tests.test_ncs_import import ROWS as NCS_ROWS

CANNOT_OPEN = (
    "XLSX 파일을 열 수 없습니다(손상되었거나 XLSX가 아님). / "
    "Cannot open the XLSX file (damaged or not an XLSX workbook)."
)
CANNOT_READ_SHEET = "XLSX 파일의 시트를 읽을 수 없습니다. / Cannot read the worksheet of the XLSX file."
NOT_A_TABLE = "CSV 또는 XLSX 표 파일이 아닙니다. / The file is not a CSV or XLSX table."
BAD_ENCODING = (
    "파일 인코딩을 알 수 없습니다. UTF-8 또는 CP949(EUC-KR)로 저장해 주세요. / "
    "Unrecognised text encoding; save the file as UTF-8 or CP949 (EUC-KR)."
)
CONTROL = (
    "제어 문자(%(char)s)가 들어 있습니다. 지우고 다시 저장해 주세요. / "
    "The cell contains a control character (%(char)s); remove it and save again."
)
NOT_A_NUMBER = "숫자가 아닙니다: '%(v)s' / Not a number: '%(v)s'"
NOT_WHOLE = "정수가 아닙니다: '%(v)s' / Not a whole number: '%(v)s'"

# --- hand-made XLSX packages --------------------------------------------------------------------------

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
SHEET = "xl/worksheets/sheet1.xml"
SST = "xl/sharedStrings.xml"
_SST_REL = (
    b'<Relationship Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" '
    b'Target="sharedStrings.xml" Id="rId9"/></Relationships>'
)
_SST_TYPE = (
    b'<Override PartName="/xl/sharedStrings.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
)


def inline(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def sheet(*rows: list[str]) -> bytes:
    body = "".join(f'<row r="{i}">{"".join(cells)}</row>' for i, cells in enumerate(rows, start=1))
    return f'<worksheet xmlns="{NS}"><sheetData>{body}</sheetData></worksheet>'.encode()


def shared(*texts: str) -> bytes:
    return f'<sst xmlns="{NS}">{"".join(f"<si><t>{t}</t></si>" for t in texts)}</sst>'.encode()


def package(parts: dict[str, bytes] | None = None, *, drop: tuple[str, ...] = ()) -> bytes:
    """A real openpyxl workbook with some parts replaced (a sharedStrings part is wired in) or dropped."""
    template = zipfile.ZipFile(io.BytesIO(xlsx_bytes([["회사명"]])))
    files = {name: template.read(name) for name in template.namelist()}
    if parts and SST in parts:
        rels = "xl/_rels/workbook.xml.rels"
        files[rels] = files[rels].replace(b"</Relationships>", _SST_REL)
        files["[Content_Types].xml"] = files["[Content_Types].xml"].replace(b"</Types>", _SST_TYPE)
    files.update(parts or {})
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            if name not in drop:
                archive.writestr(name, data)
    return out.getvalue()


def corrupt_member(data: bytes, name: str) -> bytes:
    """Flip bytes inside the compressed data of one zip member (the zip directory stays intact)."""
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo(name)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    raw = bytearray(data)
    for i in range(start + 2, start + min(info.compress_size, 40)):
        raw[i] ^= 0x5A
    return bytes(raw)


HEADER_CELLS = [inline("A1", "회사명"), inline("B1", "공장관리번호")]
GOOD_SHEET = sheet(HEADER_CELLS, [inline("A2", "가"), inline("B2", "F1")])
SST_SHEET = sheet(HEADER_CELLS, ['<c r="A2" t="s"><v>0</v></c>', inline("B2", "F1")])
JUNK = [b"junk<<", b"", b"<?xml version='1.0'?><a><b></a>", b"\x00\xff" * 10]


DAMAGED = {
    # the workbook's own parts are parsed when it is opened
    **{f"workbook.xml {i}": (package({"xl/workbook.xml": j}), CANNOT_OPEN) for i, j in enumerate(JUNK)},
    **{f"styles.xml {i}": (package({"xl/styles.xml": j}), CANNOT_OPEN) for i, j in enumerate(JUNK)},
    **{f"content types {i}": (package({"[Content_Types].xml": j}), CANNOT_OPEN) for i, j in enumerate(JUNK)},
    **{f"rels {i}": (package({"xl/_rels/workbook.xml.rels": j}), CANNOT_OPEN) for i, j in enumerate(JUNK)},
    **{f"sharedStrings {i}": (package({SHEET: SST_SHEET, SST: j}), CANNOT_OPEN) for i, j in enumerate(JUNK)},
    "a DTD in the sheet": (
        package({SHEET: b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY e "x">]>' + GOOD_SHEET}),
        CANNOT_OPEN,
    ),
    "no workbook part": (package(drop=("xl/workbook.xml",)), CANNOT_OPEN),
    "corrupt compressed workbook": (corrupt_member(package(), "xl/workbook.xml"), CANNOT_OPEN),
    # opening the workbook reads the sheet up to its <dimension> (all of it when there is none)
    **{f"sheet {i}": (package({SHEET: j}), CANNOT_OPEN) for i, j in enumerate(JUNK)},
    "corrupt compressed sheet": (corrupt_member(package({SHEET: GOOD_SHEET * 20}), SHEET), CANNOT_OPEN),
    # the cells are parsed while the rows are read
    "no sheet part": (package(drop=(SHEET,)), CANNOT_READ_SHEET),
    "sheet broken after the header": (
        package({SHEET: GOOD_SHEET.replace(b"<sheetData>", b'<dimension ref="A1:B9"/><sheetData>')[:-40] + b"<<junk"}),
        CANNOT_READ_SHEET,
    ),
    "shared string index out of range": (
        package({SHEET: sheet(HEADER_CELLS, ['<c r="A2" t="s"><v>7</v></c>']), SST: shared("가")}),
        CANNOT_READ_SHEET,
    ),
    "shared string index not a number": (
        package({SHEET: sheet(HEADER_CELLS, ['<c r="A2" t="s"><v>x</v></c>']), SST: shared("가")}),
        CANNOT_READ_SHEET,
    ),
    "number cell not a number": (
        package({SHEET: sheet(HEADER_CELLS, ['<c r="A2"><v>abc</v></c>'])}),
        CANNOT_READ_SHEET,
    ),
    "date cell not a date": (
        package({SHEET: sheet(HEADER_CELLS, ['<c r="A2" t="d"><v>abc</v></c>'])}),
        CANNOT_READ_SHEET,
    ),
    "bad cell reference": (package({SHEET: sheet(HEADER_CELLS, ['<c r="!!"><v>1</v></c>'])}), CANNOT_READ_SHEET),
    "bad row number": (
        package(
            {
                SHEET: f'<worksheet xmlns="{NS}"><sheetData><row r="x"><c><v>1</v></c></row></sheetData></worksheet>'.encode()
            }
        ),
        CANNOT_READ_SHEET,
    ),
    "bad style id": (package({SHEET: sheet(HEADER_CELLS, ['<c r="A2" s="abc"><v>1</v></c>'])}), CANNOT_READ_SHEET),
}


def test_the_hand_made_packages_are_readable_when_not_damaged():
    assert [r.values for r in read_table(package({SHEET: GOOD_SHEET}), "a.xlsx").rows] == [
        {"회사명": "가", "공장관리번호": "F1"}
    ]
    table = read_table(package({SHEET: SST_SHEET, SST: shared("공유 문자열")}), "a.xlsx")
    assert [r.values for r in table.rows] == [{"회사명": "공유 문자열", "공장관리번호": "F1"}]


@pytest.mark.parametrize("case", list(DAMAGED))
def test_a_damaged_xlsx_is_the_bad_xlsx_domain_error(case):
    data, message = DAMAGED[case]
    assert data.startswith(b"PK\x03\x04")
    with pytest.raises(DomainError) as exc:
        read_table(data, "a.xlsx")
    assert (exc.value.code, exc.value.message) == ("bad_xlsx", message)


# --- numbers ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (math.inf, "inf"),
        (-math.inf, "-inf"),
        (math.nan, "nan"),
        (Decimal("Infinity"), "Infinity"),
        (Decimal("NaN"), "NaN"),
        (Decimal("-sNaN"), "-sNaN"),
    ],
)
def test_non_finite_numbers_are_not_numbers(value, shown):
    for parse in (parse_decimal, parse_int):
        with pytest.raises(CellError) as exc:
            parse(value)
        assert exc.value.message == NOT_A_NUMBER % {"v": shown}


def test_non_finite_numbers_are_not_dates():
    for value in (math.inf, -math.inf, math.nan):
        with pytest.raises(CellError) as exc:
            parse_date(value)
        assert exc.value.message.startswith("날짜가 아닙니다(예: 2024-03-05, 20240305, 2024.03.05): '")


def test_xlsx_infinity_cell_reads_as_infinity():
    data = package({SHEET: sheet(HEADER_CELLS, [inline("A2", "가"), '<c r="B2"><v>1e309</v></c>'])})
    assert read_table(data, "a.xlsx").rows[0].values == {"회사명": "가", "공장관리번호": math.inf}


def test_huge_numbers_parse_and_messages_show_an_excerpt():
    digits = "9" * 5000
    assert parse_int(digits) == 10**5000 - 1  # never str(): the importers compare it, and print the text
    assert excerpt(digits) == "9" * 39 + "…"
    assert excerpt("1234") == "1234"
    with pytest.raises(CellError) as exc:
        parse_int(digits + "x")
    assert exc.value.message == NOT_A_NUMBER % {"v": "9" * 39 + "…"}
    with pytest.raises(CellError) as exc:
        parse_int(digits + ".5")
    assert exc.value.message == NOT_WHOLE % {"v": "9" * 39 + "…"}


# --- NUL and other control characters -----------------------------------------------------------------


def test_nul_at_the_start_of_an_8bit_file_is_a_binary_file():
    with pytest.raises(DomainError) as exc:
        read_table("회사명,공장관리번호\n가\x00,F1\n".encode(), "a.csv")
    assert (exc.value.code, exc.value.message) == ("not_a_table", NOT_A_TABLE)


def test_utf32_is_an_unrecognised_encoding():
    for encoding in ("utf-32-le", "utf-32-be"):
        data = ("\ufeff" + "회사명,공장관리번호\n가,F1\n").encode(encoding)
        with pytest.raises(DomainError) as exc:
            read_table(data, "a.csv")
        assert (exc.value.code, exc.value.message) == ("bad_encoding", BAD_ENCODING)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-8", "cp949"])
def test_control_characters_in_cells_are_row_errors(encoding):
    filler = [["가나다라마바사" * 3, f"F{i}", "", "주소"] for i in range(300)]  # pushes the NUL past 4 KB
    rows = [
        ["회사명", "공장관리번호", "무시되는 열", "공장주소"],
        *filler,
        ["가\x00", "F\x01X", "\x00", "탭\t줄\r\n바꿈"],
    ]
    data = csv_bytes(rows, encoding)
    assert b"\x00" not in data[:4096] or encoding == "utf-16"
    table = read_table(data, "a.csv")
    last = table.rows[-1]
    assert last.values["회사명"] == "가\x00"
    errors = control_character_errors(last, table, ["회사명", "공장관리번호", "공장주소", "없는 열"])
    assert errors == [
        RowError(302, "회사명", CONTROL % {"char": "U+0000"}),
        RowError(302, "공장관리번호", CONTROL % {"char": "U+0001"}),
    ]  # tab and line breaks are fine; a column the importer does not read is not looked at
    assert control_character_errors(table.rows[0], table, ["회사명", "공장관리번호", "공장주소"]) == []


def test_a_check_violation_is_not_a_conflict():
    assert is_check_violation(IntegrityError("CHECK constraint failed: employees"))
    assert is_check_violation(IntegrityError("NOT NULL constraint failed: companies_company.name"))
    assert not is_check_violation(IntegrityError("UNIQUE constraint failed: companies_company.brn"))

    class PgError(Exception):
        def __init__(self, sqlstate: str) -> None:
            self.sqlstate = sqlstate

    for sqlstate, check in (("23514", True), ("23502", True), ("23505", False), ("23503", False)):
        exc = IntegrityError("violates a constraint")
        exc.__cause__ = PgError(sqlstate)  # what Django's error wrapper keeps of the driver's error
        assert is_check_violation(exc) is check


# --- the NCS unit import on top of it -----------------------------------------------------------------


def ncs_row(**changes: object) -> list[object]:
    row = list(NCS_ROWS[0])
    for column, value in changes.items():
        row[NCS_HEADER.index(column)] = value
    return row


@pytest.mark.django_db
@pytest.mark.parametrize("dry_run", [True, False])
@pytest.mark.parametrize("case", ["sheet 0", "workbook.xml 0", "sharedStrings 1", "styles.xml 2"])
def test_ncs_import_of_a_damaged_xlsx(case, dry_run):
    data, message = DAMAGED[case]
    with pytest.raises(DomainError) as exc:
        ncs_units_import(data=data, filename="ncs.xlsx", dry_run=dry_run)
    assert (exc.value.code, exc.value.message) == ("bad_xlsx", message)
    assert NcsUnit.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("dry_run", [True, False])
def test_ncs_import_reports_hostile_cells_and_saves_nothing(dry_run):
    huge = "7" * 5000
    rows = [
        NCS_HEADER,
        ncs_row(수준=huge),  # 2
        ncs_row(능력단위코드="C3", 능력단위명="로봇\x00설계", 수준="3\x00"),  # 3
        ncs_row(능력단위코드="C4", 대분류명="\x1b[31m"),  # 4
        ncs_row(능력단위코드="C5"),  # 5 fine
        ncs_row(능력단위코드="C\x006"),  # 6
    ]
    data = csv_bytes(rows, "utf-16")
    result = ncs_units_import(data=data, filename="ncs.csv", dry_run=dry_run)
    assert result.errors == [
        RowError(2, "수준", LEVEL_ERROR % {"v": "7" * 39 + "…"}),
        RowError(3, "능력단위명", CONTROL % {"char": "U+0000"}),
        RowError(3, "수준", CONTROL % {"char": "U+0000"}),
        RowError(4, "대분류명", CONTROL % {"char": "U+001B"}),
        RowError(6, "능력단위코드", CONTROL % {"char": "U+0000"}),
    ]
    assert (result.created, result.updated, result.unchanged) == (0, 0, 0)
    assert NcsUnit.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["1e309", "-1e309"])
def test_ncs_import_of_an_infinite_level(value):
    cells = [inline(f"{chr(65 + i)}1", name) for i, name in enumerate(NCS_HEADER)]
    row = [inline(f"{chr(65 + i)}2", str(v)) for i, v in enumerate(NCS_ROWS[0][:-1])]
    row.append(f'<c r="L2"><v>{value}</v></c>')
    result = ncs_units_import(data=package({SHEET: sheet(cells, row)}), filename="ncs.xlsx", dry_run=False)
    shown = "inf" if value == "1e309" else "-inf"
    assert result.errors == [RowError(2, "수준", LEVEL_ERROR % {"v": shown})]
    assert NcsUnit.objects.count() == 0
