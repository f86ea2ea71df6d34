"""The factory-registry import with hostile files: each problem is a bilingual domain error or a row
error with its line and column, never a 500 or a misleading "conflict", and nothing is saved."""

from __future__ import annotations

import pytest
from django.db import IntegrityError

from sanhak.common.errors import ConflictError, DomainError
from sanhak.common.tabular import RowError
from sanhak.common.tests.test_tabular_robustness import (
    CANNOT_OPEN,
    CANNOT_READ_SHEET,
    CONTROL,
    DAMAGED,
    NOT_A_NUMBER,
    SHEET,
    inline,
    package,
    sheet,
)
from sanhak.companies import importing
from sanhak.companies.importing import companies_import
from sanhak.companies.models import Company, IndustrialComplex
from sanhak.companies.tests.test_import import csv_bytes

pytestmark = pytest.mark.django_db

RANGE = "0~2,147,483,647 사이의 정수여야 합니다: '%(v)s' / Must be a whole number from 0 to 2,147,483,647: '%(v)s'"
PARTS = ["남자종업원", "여자종업원", "외국인남자종업원", "외국인여자종업원"]


def nothing_saved() -> bool:
    return not Company.objects.exists() and not IndustrialComplex.objects.exists()


@pytest.mark.parametrize("dry_run", [True, False])
@pytest.mark.parametrize(
    "case",
    [
        "sheet 0",
        "sheet 2",
        "sheet broken after the header",
        "workbook.xml 0",
        "styles.xml 1",
        "sharedStrings 0",
        "content types 2",
        "shared string index out of range",
        "no sheet part",
    ],
)
def test_a_damaged_xlsx_is_the_bad_xlsx_error(case, dry_run):
    data, message = DAMAGED[case]
    assert message in (CANNOT_OPEN, CANNOT_READ_SHEET)
    with pytest.raises(DomainError) as exc:
        companies_import(data=data, filename="공장등록현황.xlsx", dry_run=dry_run)
    assert (exc.value.code, exc.value.message) == ("bad_xlsx", message)
    assert nothing_saved()


@pytest.mark.parametrize("dry_run", [True, False])
def test_an_infinite_number_cell_is_not_a_number(dry_run):
    header = [inline("A1", "공장관리번호"), inline("B1", "회사명"), inline("C1", "종업원합계")]
    rows = [
        [inline("A2", "F1"), inline("B2", "가"), '<c r="C2"><v>1e309</v></c>'],
        [inline("A3", "F2"), inline("B3", "나"), '<c r="C3"><v>-1e309</v></c>'],
        [inline("A4", "F3"), inline("B4", "다"), '<c r="C4"><v>12</v></c>'],
    ]
    result = companies_import(data=package({SHEET: sheet(header, *rows)}), filename="a.xlsx", dry_run=dry_run)
    assert result.errors == [
        RowError(2, "종업원합계", NOT_A_NUMBER % {"v": "inf"}),
        RowError(3, "종업원합계", NOT_A_NUMBER % {"v": "-inf"}),
    ]
    assert nothing_saved()


@pytest.mark.parametrize("dry_run", [True, False])
def test_employee_numbers_out_of_range(dry_run):
    huge = "9" * 5000
    rows = [
        ["공장관리번호", "회사명", "종업원합계"],
        ["F1", "가", huge],  # 2: more digits than str(int) allows
        ["F2", "나", "-" + huge],  # 3
        ["F3", "다", "2,147,483,648"],  # 4: one more than the column holds
        ["F4", "라", "-4"],  # 5
        ["F5", "마", "2147483647"],  # 6: the largest: fine
    ]
    result = companies_import(data=csv_bytes(rows), filename="a.csv", dry_run=dry_run)
    assert result.errors == [
        RowError(2, "종업원합계", RANGE % {"v": "9" * 39 + "…"}),
        RowError(3, "종업원합계", RANGE % {"v": "-" + "9" * 38 + "…"}),
        RowError(4, "종업원합계", RANGE % {"v": "2,147,483,648"}),
        RowError(5, "종업원합계", "0 이상의 정수여야 합니다: -4 / Must be 0 or more: -4"),
    ]
    assert (result.created, result.updated, result.unchanged) == (0, 0, 0)
    assert nothing_saved()


@pytest.mark.parametrize("dry_run", [True, False])
def test_the_sum_of_the_employee_columns_is_range_checked(dry_run):
    rows = [
        ["공장관리번호", "회사명", *PARTS],
        ["F1", "가", "2147483647", "2147483647", "50", ""],  # 2: wrapped to 48 before
        ["F2", "나", "2000000000", "2000000000", "", ""],  # 3: a failed CHECK ("conflict") on PostgreSQL before
        ["F3", "다", "2147483647", "", "", ""],  # 4: fine
        ["F4", "라", "2147483648", "1", "", ""],  # 5: the part itself is out of range
    ]
    result = companies_import(data=csv_bytes(rows), filename="a.csv", dry_run=dry_run)
    assert result.errors == [
        RowError(2, "남자종업원 + 여자종업원 + 외국인남자종업원", RANGE % {"v": "4294967344"}),
        RowError(3, "남자종업원 + 여자종업원", RANGE % {"v": "4000000000"}),
        RowError(5, "남자종업원", RANGE % {"v": "2147483648"}),
    ]
    assert nothing_saved()


def test_the_largest_sum_is_saved():
    rows = [["공장관리번호", "회사명", *PARTS], ["F1", "가", "2147483640", "3", "2", "2"]]
    result = companies_import(data=csv_bytes(rows), filename="a.csv", dry_run=False)
    assert (result.created, result.errors) == (1, [])
    assert Company.objects.get(factory_no="F1").employees == 2_147_483_647


@pytest.mark.parametrize("encoding", ["utf-16", "utf-8"])
@pytest.mark.parametrize("dry_run", [True, False])
def test_nul_and_control_characters_are_row_errors(encoding, dry_run):
    header = [
        "공장관리번호",
        "회사명",
        "종업원합계",
        "공장주소",
        "업종코드",
        "전화번호",
        "비고",
        "단지명",
        "사업자등록번호",
    ]
    filler = [[f"F{i}", "가나다라마바사아자차카타파하" * 2, "3", "인천", "", "", "", "", ""] for i in range(120)]
    rows = [
        header,
        *filler,  # lines 2-121: past the first 4 KB
        ["G1", "나\x00", "3", "인천", "", "", "", "", ""],  # 122
        ["G2", "다", "1\x002", "인천\x0b남동구", "29229\x00", "032\x01", "\x00 비고는 읽지 않는다", "", ""],  # 123
        ["G\x00", "라", "", "탭\t줄\r\n바꿈", "", "", "", "남동\x00단지", "123\x00-45-67891"],  # 124
    ]
    data = csv_bytes(rows, encoding)
    assert b"\x00" not in data[:4096] or encoding == "utf-16"
    result = companies_import(data=data, filename="a.csv", dry_run=dry_run)
    assert result.errors == [
        RowError(122, "회사명", CONTROL % {"char": "U+0000"}),
        RowError(123, "종업원합계", CONTROL % {"char": "U+0000"}),
        RowError(123, "공장주소", CONTROL % {"char": "U+000B"}),
        RowError(123, "전화번호", CONTROL % {"char": "U+0001"}),
        RowError(123, "업종코드", CONTROL % {"char": "U+0000"}),
        RowError(124, "공장관리번호", CONTROL % {"char": "U+0000"}),
        RowError(124, "사업자등록번호", CONTROL % {"char": "U+0000"}),
        RowError(124, "단지명", CONTROL % {"char": "U+0000"}),
    ]  # tab and line breaks are fine; 비고 is not read
    assert result.error_lines == [122, 123, 124]
    assert nothing_saved()


def test_a_failed_check_at_commit_is_not_reported_as_a_conflict(monkeypatch):
    """Should a rule slip through the validation, the database refuses it: that is a bug to see, not a
    concurrent change to retry."""
    monkeypatch.setattr(importing, "_employees", lambda row, table, error: -1)
    rows = [["공장관리번호", "회사명"], ["F1", "가"]]
    assert companies_import(data=csv_bytes(rows), filename="a.csv", dry_run=True).errors == []
    with pytest.raises(IntegrityError) as exc:
        companies_import(data=csv_bytes(rows), filename="a.csv", dry_run=False)
    assert not isinstance(exc.value, ConflictError)
    assert nothing_saved()
