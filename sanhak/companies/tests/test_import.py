"""The factory-registry import (공장등록현황): reader, service, command and page."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.contrib.messages import get_messages
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sanhak.common import imports
from sanhak.common.errors import ConflictError, DomainError
from sanhak.common.tabular import (
    CellError,
    PreviewRow,
    RowError,
    bulk_update_fast,
    parse_date,
    parse_decimal,
    parse_int,
    read_table,
)
from sanhak.companies.importing import column_aliases, companies_import
from sanhak.companies.models import Company, IndustrialComplex

pytestmark = pytest.mark.django_db

# Valid business registration numbers (NTS checksum); 1234567890 is not one.
BRN_1, BRN_2, BRN_3, BRN_4 = "1234567891", "2138100003", "3148100005", "1058100003"


def csv_bytes(rows: list[list[object]], encoding: str = "utf-8") -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode(encoding)


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# The public export as downloaded: CP949, alias headers (대표업종번호, 업종번호, 공장대표주소(도로명), 승인일),
# several KSIC codes in one cell and thousands separators.
ALIAS_HEADER = [
    "공장관리번호",
    "회사명",
    "사업자등록번호",
    "단지명",
    "대표업종번호",
    "업종번호",
    "종업원합계",
    "공장대표주소(도로명)",
    "생산품",
    "전화번호",
    "승인일",
]
ALIAS_ROWS = [
    [
        "2811012345601",
        "(주)가나금속",
        "123-45-67891",
        "남동국가산업단지",
        "29229",
        "29229, 25921",
        "1,234",
        "인천광역시 남동구 남동대로 1",
        "금형 부품",
        "032-123-4567",
        "2020-01-05",
    ],
    [
        "2811012345602",
        "다라테크",
        "",
        "남동국가산업단지",
        "26299",
        "",
        "45",
        "인천광역시 남동구 고잔로 7",
        "센서",
        "",
        "20191231",
    ],
    ["2811012345603", "마바정공", "2138100003", "", "", "25921/29229", "7", "", "", "", ""],
]


def cp949_export() -> bytes:
    return csv_bytes([ALIAS_HEADER, *ALIAS_ROWS], "cp949")


def keyed(field: str = "factory_no") -> dict[str, Company]:
    return {getattr(c, field): c for c in Company.objects.prefetch_related("ksic_codes").select_related("complex")}


def ksic(company: Company) -> list[str]:
    return sorted(k.code for k in company.ksic_codes.all())


# --- the reader ---------------------------------------------------------------------------------


def test_cp949_is_not_utf8_and_is_detected():
    data = cp949_export()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    table = read_table(data, "공장등록현황.csv", aliases=column_aliases())
    assert (table.format, table.encoding, table.header_line) == ("csv", "cp949", 1)
    assert table.label("업종코드") == "업종번호"
    assert table.label("공장주소") == "공장대표주소(도로명)"
    assert [r.line for r in table.rows] == [2, 3, 4]
    assert table.rows[0].text("업종코드") == "29229, 25921"


def test_line_numbers_are_physical_lines():
    text = (
        "\ufeff 회사명 ,공장관리번호,생산품\r\n"
        '가,F1,"금형\r\n부품"\r\n'  # one record on lines 2-3
        "\r\n"  # line 4 blank
        "나,F2,볼트\r\n"  # line 5
    )
    table = read_table(text.encode("utf-8"), "x.csv")
    assert table.encoding == "utf-8-sig"
    assert list(table.headers) == ["회사명", "공장관리번호", "생산품"]
    assert [(r.line, r.text("회사명"), r.text("생산품")) for r in table.rows] == [
        (2, "가", "금형\r\n부품"),
        (5, "나", "볼트"),
    ]


def test_header_found_below_a_title_row_in_xlsx():
    data = xlsx_bytes(
        [
            ["공장등록현황 (2026-10 기준)"],
            [],
            ["회사명", "공장관리번호"],
            ["가", "F1"],
            [None, None],
            ["나", 2811012345678],
        ]
    )
    table = read_table(data, "export.xlsx", required=["회사명"])
    assert (table.format, table.header_line) == ("xlsx", 3)
    assert [(r.line, r.text("회사명"), r.text("공장관리번호")) for r in table.rows] == [
        (4, "가", "F1"),
        (6, "나", "2811012345678"),
    ]


@pytest.mark.parametrize(
    ("data", "filename", "code", "fragment"),
    [
        (b"", "a.csv", "empty_file", "빈 파일입니다. / The file is empty."),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "a.xls", "xls_unsupported", "(.xls)"),
        (b"not a zip", "a.xlsx", "bad_xlsx", "XLSX 파일을 열 수 없습니다"),
        (b"PK\x03\x04broken", "a.csv", "bad_xlsx", "/ Cannot open the XLSX file"),
        (b"\x81\xff\xfe\x41,\x82\n", "a.csv", "bad_encoding", "UTF-8 또는 CP949(EUC-KR)로 저장해 주세요. / "),
        (b"<html><table><tr><td>1</td></tr></table></html>", "a.xls.csv", "html_file", "HTML/XML"),
        (b"\x00\x01\x02binary", "a.csv", "not_a_table", "CSV 또는 XLSX 표 파일이 아닙니다."),
        ("회사명,공장관리번호\n\n".encode(), "a.csv", "no_rows", "데이터 행이 없습니다. / The file has no data rows."),
        (
            "상호,주소\n가,나\n".encode(),
            "a.csv",
            "missing_columns",
            "필수 열이 없습니다: 회사명, 공장관리번호 또는 사업자등록번호 (찾은 열: 상호, 주소) / "
            "Required columns are missing",
        ),
        (
            "회사명,회사명,공장관리번호\n가,나,F\n".encode(),
            "a.csv",
            "duplicate_column",
            "열 '회사명'이(가) 두 번 있습니다. / The column '회사명' appears twice.",
        ),
    ],
)
def test_unreadable_files_raise_a_bilingual_domain_error(data, filename, code, fragment):
    with pytest.raises(DomainError) as exc:
        companies_import(data=data, filename=filename, dry_run=True)
    assert exc.value.code == code
    assert fragment in exc.value.message
    assert " / " in exc.value.message
    assert Company.objects.count() == 0


def test_number_and_date_helpers():
    assert parse_int("1,234") == 1234
    assert parse_int(" 12 ") == 12
    assert parse_int(12.0) == 12
    assert parse_int("") is None
    assert parse_decimal("1,234.50") == Decimal("1234.50")
    for bad in ("1,23", "12a", "1.5"):
        with pytest.raises(CellError):
            parse_int(bad)
    assert parse_date("2024-03-05") == dt.date(2024, 3, 5)
    assert parse_date("20240305") == dt.date(2024, 3, 5)
    assert parse_date("2024.03.05") == dt.date(2024, 3, 5)
    assert parse_date("2024. 3. 5.") == dt.date(2024, 3, 5)
    assert parse_date(20240305) == dt.date(2024, 3, 5)
    assert parse_date(dt.datetime(2024, 3, 5, 0, 0)) == dt.date(2024, 3, 5)
    assert parse_date(45356) == dt.date(2024, 3, 5)  # an Excel serial
    assert parse_date(None) is None
    with pytest.raises(CellError) as exc:
        parse_date("2024-02-30")
    assert exc.value.message.startswith("날짜가 아닙니다(예: 2024-03-05, 20240305, 2024.03.05): '2024-02-30' / ")


def test_bulk_update_fast_writes_nulls_and_mixed_values(personas):
    a, b = personas.company_a, personas.company_b
    a.smart_factory_level, b.smart_factory_level = None, 5
    a.phone, b.phone = "032-1", "032-2"
    a.employees = b.employees = 7
    assert bulk_update_fast(Company, [a, b], ["smart_factory_level", "phone", "employees"]) == 2
    assert sorted(Company.objects.values_list("name", "smart_factory_level", "phone", "employees")) == [
        ("(주)고잔테크", 5, "032-2", 7),
        ("(주)남동정밀", None, "032-1", 7),
    ]


# --- the service --------------------------------------------------------------------------------


def test_cp949_export_dry_run_then_commit():
    preview = companies_import(data=cp949_export(), filename="공장등록현황.csv", dry_run=True)
    assert (preview.dry_run, preview.total, preview.created, preview.updated, preview.unchanged) == (True, 3, 3, 0, 0)
    assert preview.errors == []
    assert preview.preview[0] == PreviewRow(
        line=2,
        action="create",
        cells=["2811012345601", "1234567891", "(주)가나금속", "1234", "남동국가산업단지", "29229, 25921", ""],
    )
    assert Company.objects.count() == 0
    assert IndustrialComplex.objects.count() == 0

    result = companies_import(data=cp949_export(), filename="공장등록현황.csv", dry_run=False)
    assert (result.dry_run, result.created, result.updated, result.unchanged, result.errors) == (False, 3, 0, 0, [])
    assert result.summary() == (
        "가져오기 완료: 신규 3건, 갱신 0건, 변경 없음 0건 / Imported: 3 created, 0 updated, 0 unchanged."
    )
    companies = keyed()
    assert sorted(companies) == ["2811012345601", "2811012345602", "2811012345603"]
    gana = companies["2811012345601"]
    assert (gana.name, gana.brn, gana.employees, gana.address, gana.products, gana.phone) == (
        "(주)가나금속",
        "1234567891",
        1234,
        "인천광역시 남동구 남동대로 1",
        "금형 부품",
        "032-123-4567",
    )
    assert gana.complex is not None
    assert gana.complex.name == "남동국가산업단지"
    assert ksic(gana) == ["25921", "29229"]
    assert (companies["2811012345602"].brn, ksic(companies["2811012345602"])) == (None, ["26299"])
    mabar = companies["2811012345603"]
    assert (mabar.brn, mabar.complex, mabar.employees, ksic(mabar)) == ("2138100003", None, 7, ["25921", "29229"])
    assert IndustrialComplex.objects.count() == 1


def test_utf8_sig_csv_sums_employees_and_falls_back_to_lot_address():
    data = csv_bytes(
        [
            [
                " 공장관리번호",
                "회사명 ",
                "남자 종업원",
                "여자종업원",
                "외국인남자종업원",
                "외국인여자종업원",
                "공장주소_지번",
                "업종코드",
            ],
            ["F-100", "사바전자", "1,010", "5", "2", "", "인천 남동구 고잔동 1-2", "29229;26299"],
        ],
        "utf-8-sig",
    )
    assert data.startswith(b"\xef\xbb\xbf")
    result = companies_import(data=data, filename="export.csv", dry_run=False, complex_name="남동국가산업단지")
    assert (result.created, result.errors) == (1, [])
    company = Company.objects.get(factory_no="F-100")
    assert (company.employees, company.address) == (1017, "인천 남동구 고잔동 1-2")
    assert company.complex.name == "남동국가산업단지"
    assert ksic(company) == ["26299", "29229"]


def test_xlsx_with_number_cells():
    data = xlsx_bytes(
        [
            ["공장관리번호", "회사명", "사업자등록번호", "업종코드", "대표업종", "종업원합계", "공장주소"],
            ["F-1", "아자농산", 3148100005, 1110, "29229", 1234, "인천 남동구"],  # 1110: a number cell lost "0"
            ["F-2", "차카기계", None, "29229, 25921", None, "2,000", None],
        ]
    )
    result = companies_import(data=data, filename="export.xlsx", dry_run=False)
    assert (result.created, result.errors) == (2, [])
    companies = keyed()
    assert (companies["F-1"].brn, companies["F-1"].employees, ksic(companies["F-1"])) == (
        "3148100005",
        1234,
        ["01110", "29229"],
    )
    assert (companies["F-2"].employees, ksic(companies["F-2"])) == (2000, ["25921", "29229"])


def test_a_malformed_phone_number_is_a_bad_row():
    rows = [["공장관리번호", "회사명", "전화번호"], ["F-1", "정상기업", "1588-1234"], ["F-2", "번호오류", "032-1"]]
    result = companies_import(data=csv_bytes(rows), filename="export.csv", dry_run=False)
    assert result.errors == [
        RowError(
            3,
            "전화번호",
            "'032-1': 전화번호 형식이 올바르지 않습니다(예: 032-123-4567, 1588-1234). / "
            "Enter a valid phone number (e.g. 032-123-4567, 1588-1234).",
        )
    ]
    assert Company.objects.count() == 0


BAD_HEADER = ["공장관리번호", "회사명", "사업자등록번호", "업종코드", "종업원합계"]
BAD_ROWS = [
    ["F-1", "정상기업", "1234567891", "29229", "10"],  # 2 fine
    ["F-2", "검증번호오류", "123-45-67890", "29229", "10"],  # 3 invalid BRN checksum
    ["F-3", "업종오류", "", "99999, 2922", "10"],  # 4 unknown KSIC, not a 5-digit code
    ["F-4", "", "", "29229", "10"],  # 5 no company name
    ["F-5", "인원오류", "", "29229", "많음"],  # 6 employees not a number
    ["F-1", "중복기업", "", "29229", "3"],  # 7 same factory number as line 2
    ["", "키없음", "", "29229", "3"],  # 8 neither key
    ["F-8", "사업자중복", "1234567891", "", ""],  # 9 same BRN as line 2
]
SUMMARY_8_ERRORS = "오류 8건(7개 행): 아무것도 가져오지 않았습니다. / 8 errors in 7 rows: nothing was imported."


@pytest.mark.parametrize("dry_run", [True, False])
def test_bad_rows_import_nothing_and_are_all_reported(dry_run):
    result = companies_import(data=csv_bytes([BAD_HEADER, *BAD_ROWS]), filename="bad.csv", dry_run=dry_run)
    assert [(e.line, e.column) for e in result.errors] == [
        (3, "사업자등록번호"),
        (4, "업종코드"),
        (4, "업종코드"),
        (5, "회사명"),
        (6, "종업원합계"),
        (7, "공장관리번호"),
        (8, "공장관리번호"),
        (9, "사업자등록번호"),
    ]
    assert result.errors[0] == RowError(
        3,
        "사업자등록번호",
        "사업자등록번호 '123-45-67890'이(가) 올바르지 않습니다(10자리, 검증번호 확인). / "
        "Invalid business registration number '123-45-67890' (10 digits with a check digit).",
    )
    assert [e.message for e in result.errors[1:8]] == [
        "KSIC 코드 '99999'이(가) 한국표준산업분류(10차)에 없습니다. / Unknown KSIC (rev. 10) code '99999'.",
        "'2922'은(는) 5자리 KSIC 코드가 아닙니다. / '2922' is not a 5-digit KSIC code.",
        "회사명이 비어 있습니다. / The company name is empty.",
        "숫자가 아닙니다: '많음' / Not a number: '많음'",
        "2행과 공장관리번호가 같습니다. / Same factory management number as line 2.",
        "공장관리번호 또는 사업자등록번호가 필요합니다. / "
        "A factory management number or a business registration number is required.",
        "2행과 사업자등록번호가 같습니다. / Same business registration number as line 2.",
    ]
    assert str(result.errors[4]) == "line 6: 종업원합계: 숫자가 아닙니다: '많음' / Not a number: '많음'"
    assert result.error_lines == [3, 4, 5, 6, 7, 8, 9]
    assert (result.created, result.updated, result.unchanged) == (0, 0, 0)
    assert result.summary() == SUMMARY_8_ERRORS
    assert Company.objects.count() == 0
    assert IndustrialComplex.objects.count() == 0


def test_xlsx_errors_use_sheet_row_numbers():
    data = xlsx_bytes(
        [["회사명", "공장관리번호", "종업원합계"], ["가", "F1", 3], [], ["나", "F2", -4], ["다", 2.81101e12, 1.5]]
    )
    result = companies_import(data=data, filename="x.xlsx", dry_run=True)
    assert [str(e) for e in result.errors] == [
        "line 4: 종업원합계: 0 이상의 정수여야 합니다: -4 / Must be 0 or more: -4",
        "line 5: 종업원합계: 정수가 아닙니다: '1.5' / Not a whole number: '1.5'",
    ]


def test_excel_scientific_notation_is_reported():
    data = csv_bytes([["회사명", "공장관리번호"], ["가", "2.81101E+12"]])
    result = companies_import(data=data, filename="x.csv", dry_run=True)
    assert [(e.line, e.column) for e in result.errors] == [(2, "공장관리번호")]
    assert result.errors[0].message.startswith("'2.81101E+12'은(는) Excel이 지수 표기로 바꾼 값입니다.")


def test_reimport_updates_instead_of_duplicating(personas):
    first = csv_bytes([ALIAS_HEADER, *ALIAS_ROWS], "cp949")
    assert companies_import(data=first, filename="a.csv", dry_run=False).created == 3
    assert Company.objects.count() == 5  # two from the personas

    second_rows = [
        ALIAS_ROWS[0],  # unchanged
        ["2811012345602", "다라테크", "", "남동국가산업단지", "26299", "", "46", "", "", "", ""],  # employees changed
        ["2811012345603", "마바정공", "2138100003", "", "", "26299", "7", "", "", "", ""],  # KSIC changed
        ["2811012345604", "신규기업", "", "", "", "29229", "3", "", "", "", ""],  # new
        # company A of the personas has no factory number yet: matched by its BRN, gets one
        ["2811099999999", "(주)남동정밀", "124-81-00998", "남동국가산업단지", "", "29229", "50", "", "", "", ""],
    ]
    second = csv_bytes([ALIAS_HEADER, *second_rows], "cp949")
    preview = companies_import(data=second, filename="b.csv", dry_run=True)
    assert [(p.line, p.action, p.cells[-1]) for p in preview.preview] == [
        (2, "unchanged", ""),
        (3, "update", "종업원합계"),
        (4, "update", "업종코드"),
        (5, "create", ""),
        (6, "update", "공장관리번호, 종업원합계"),
    ]
    result = companies_import(data=second, filename="b.csv", dry_run=False)
    assert (result.created, result.updated, result.unchanged, result.errors) == (1, 3, 1, [])
    assert Company.objects.count() == 6
    companies = keyed()
    dara = companies["2811012345602"]
    # a blank cell never erases: the address from the first import stays
    assert (dara.employees, dara.address, dara.products) == (46, "인천광역시 남동구 고잔로 7", "센서")
    assert ksic(companies["2811012345603"]) == ["26299"]
    personas.company_a.refresh_from_db()
    assert (personas.company_a.factory_no, personas.company_a.employees) == ("2811099999999", 50)
    assert personas.company_a.address == "인천광역시 남동구 남동서로 123"
    assert IndustrialComplex.objects.count() == 1

    again = companies_import(data=second, filename="b.csv", dry_run=False)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 5)
    assert Company.objects.count() == 6


def test_brn_of_another_company_is_an_error(personas):
    companies_import(data=csv_bytes([["회사명", "공장관리번호"], ["가", "F-1"]]), filename="a.csv", dry_run=False)
    data = csv_bytes([["회사명", "공장관리번호", "사업자등록번호"], ["가", "F-1", "220-81-62517"]])
    result = companies_import(data=data, filename="b.csv", dry_run=False)
    assert [str(e) for e in result.errors] == [
        "line 2: 사업자등록번호: "
        "이 사업자등록번호는 이미 다른 기업((주)고잔테크, 공장관리번호 -)에 등록되어 있습니다. / "
        "This business registration number already belongs to another company ((주)고잔테크, factory -)."
    ]
    assert Company.objects.get(factory_no="F-1").brn is None


def test_two_rows_for_one_existing_company(personas):
    data = csv_bytes(
        [["회사명", "공장관리번호", "사업자등록번호"], ["가", "", "1248100998"], ["나", "", "124-81-00998"]]
    )
    result = companies_import(data=data, filename="a.csv", dry_run=True)
    assert [(e.line, e.column, e.message) for e in result.errors] == [
        (3, "사업자등록번호", "2행과 사업자등록번호가 같습니다. / Same business registration number as line 2.")
    ]


def test_a_concurrent_collision_is_a_conflict_not_a_500(monkeypatch):
    def collide(*args, **kwargs):
        raise IntegrityError("duplicate key value violates unique constraint")

    monkeypatch.setattr(Company.ksic_codes.through.objects, "bulk_create", collide)
    with pytest.raises(ConflictError) as exc:
        companies_import(data=cp949_export(), filename="a.csv", dry_run=False)
    assert exc.value.message.startswith("다른 변경과 충돌했습니다")
    assert Company.objects.count() == 0  # the companies written before the collision are rolled back


def test_import_query_count_does_not_grow_with_rows():
    def run(n: int) -> int:
        rows = [["공장관리번호", "회사명", "업종코드", "단지명", "종업원합계"]]
        rows += [[f"Q{n}-{i}", f"기업{i}", "29229, 25921", "남동국가산업단지", f"{i:,}"] for i in range(n)]
        with CaptureQueriesContext(connection) as ctx:
            result = companies_import(data=csv_bytes(rows), filename="q.csv", dry_run=False)
        assert (result.created, result.errors) == (n, [])
        return len(ctx.captured_queries)

    small, large = run(20), run(400)
    # bulk statements: only the number of batches grows (SQLite caps the parameters per statement)
    assert small <= 9
    assert large <= 12
    assert Company.objects.count() == 420


# --- the command --------------------------------------------------------------------------------


def test_command_imports_and_is_safe_to_rerun(tmp_path):
    path = tmp_path / "공장등록현황.csv"
    path.write_bytes(cp949_export())
    out = io.StringIO()
    call_command("import_companies", str(path), "--dry-run", stdout=out)
    assert out.getvalue().strip() == (
        "미리보기: 신규 3건, 갱신 0건, 변경 없음 0건 (저장하지 않음) / "
        "Dry run: 3 to create, 0 to update, 0 unchanged (nothing saved)."
    )
    assert Company.objects.count() == 0
    out = io.StringIO()
    call_command("import_companies", str(path), "--complex", "남동국가산업단지", stdout=out)
    assert out.getvalue().strip() == (
        "가져오기 완료: 신규 3건, 갱신 0건, 변경 없음 0건 / Imported: 3 created, 0 updated, 0 unchanged."
    )
    assert Company.objects.get(factory_no="2811012345603").complex.name == "남동국가산업단지"
    out = io.StringIO()
    call_command("import_companies", str(path), stdout=out)
    assert "신규 0건, 갱신 0건, 변경 없음 3건" in out.getvalue()
    assert Company.objects.count() == 3


def test_command_reports_every_error_and_fails(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(csv_bytes([BAD_HEADER, *BAD_ROWS]))
    err = io.StringIO()
    with pytest.raises(CommandError) as exc:
        call_command("import_companies", str(path), stderr=err)
    assert str(exc.value) == SUMMARY_8_ERRORS
    lines = err.getvalue().splitlines()
    assert [line.split(":")[0] for line in lines] == [
        "line 3",
        "line 4",
        "line 4",
        "line 5",
        "line 6",
        "line 7",
        "line 8",
        "line 9",
    ]
    assert lines[3] == "line 5: 회사명: 회사명이 비어 있습니다. / The company name is empty."
    assert Company.objects.count() == 0


def test_command_unreadable_file(tmp_path):
    with pytest.raises(CommandError, match="Cannot read the file"):
        call_command("import_companies", str(tmp_path / "missing.csv"))
    path = tmp_path / "x.csv"
    path.write_bytes("상호\n가\n".encode())
    with pytest.raises(CommandError, match="필수 열이 없습니다: 회사명, 공장관리번호 또는 사업자등록번호"):
        call_command("import_companies", str(path))


# --- the page -----------------------------------------------------------------------------------


def upload(name: str, data: bytes) -> io.BytesIO:
    f = io.BytesIO(data)
    f.name = name
    return f


def test_admin_previews_then_commits(client, personas):
    url = reverse("companies:import")
    client.force_login(personas.admin)
    assert client.get(url).status_code == 200

    response = client.post(url, {"file": upload("공장등록현황.csv", cp949_export())})
    assert response.status_code == 200
    result = response.context["result"]
    assert (result.dry_run, result.created, result.updated, result.unchanged) == (True, 3, 0, 0)
    body = response.content.decode()
    assert "확정(import)" in body
    assert "(주)가나금속" in body
    token = response.context["token"]
    assert len(token) == 32
    assert Company.objects.count() == 2

    response = client.post(url, {"action": "commit", "token": token})
    assert response.status_code == 302
    assert response["Location"] == url
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "가져오기 완료: 신규 3건, 갱신 0건, 변경 없음 0건 / Imported: 3 created, 0 updated, 0 unchanged."
    ]
    assert Company.objects.count() == 5
    assert ksic(Company.objects.get(factory_no="2811012345601")) == ["25921", "29229"]

    # the staged file is used once: a replayed commit imports nothing more
    response = client.post(url, {"action": "commit", "token": token}, follow=True)
    assert "미리보기한 파일이 없거나 만료되었습니다" in response.content.decode()
    assert Company.objects.count() == 5


def test_preview_in_english_names_the_changes_column(client, personas):
    """The other headers are the file's own column names and stay as they are in the file."""
    client.cookies["django_language"] = "en"
    client.force_login(personas.admin)
    response = client.post(reverse("companies:import"), {"file": upload("공장등록현황.csv", cp949_export())})
    assert response.context["result"].preview_columns == [
        "공장관리번호",
        "사업자등록번호",
        "회사명",
        "종업원합계",
        "단지명",
        "업종코드",
        "Changes",
    ]
    assert '<th scope="col">업종코드</th><th scope="col">Changes</th>' in response.content.decode()


def test_commit_needs_the_token_of_this_session(client, personas):
    url = reverse("companies:import")
    client.force_login(personas.admin)
    response = client.post(url, {"file": upload("a.csv", cp949_export())})
    response = client.post(url, {"action": "commit", "token": "forged-token"})
    assert response.status_code == 302
    assert Company.objects.count() == 2
    response = client.post(url, {"action": "cancel"})
    assert response.status_code == 302
    assert "import:companies" not in client.session


def test_page_shows_every_error_and_offers_no_commit(client, personas):
    client.force_login(personas.admin)
    response = client.post(reverse("companies:import"), {"file": upload("bad.csv", csv_bytes([BAD_HEADER, *BAD_ROWS]))})
    assert response.status_code == 200
    body = response.content.decode()
    assert len(response.context["result"].errors) == 8
    assert (
        "<td>6</td><td>종업원합계</td><td>숫자가 아닙니다: &#x27;많음&#x27; / Not a number: &#x27;많음&#x27;</td>"
    ) in body
    assert "확정(import)" not in body
    assert response.context["token"] == ""
    assert "import:companies" not in client.session
    assert Company.objects.count() == 2


def test_page_rejects_unreadable_and_oversized_files(client, personas, monkeypatch):
    client.force_login(personas.admin)
    url = reverse("companies:import")
    response = client.post(url, {"file": upload("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 10)})
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == [
        "CSV 또는 XLSX 파일만 올릴 수 있습니다. / Only CSV or XLSX files can be uploaded."
    ]
    response = client.post(url, {"file": upload("old.csv", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 10)})
    assert response.context["form"].errors["file"][0].startswith("예전 Excel(.xls) 형식은 읽을 수 없습니다.")
    monkeypatch.setattr(imports, "MAX_UPLOAD_BYTES", 10)
    response = client.post(url, {"file": upload("big.csv", cp949_export())})
    assert response.context["form"].errors["file"] == [
        "파일이 너무 큽니다(최대 20MB). / The file is too large (at most 20 MB)."
    ]
    assert Company.objects.count() == 2


@pytest.mark.parametrize("who", ["manager", "coordinator", "worker"])
def test_others_are_refused_and_nothing_changes(client, personas, who):
    url = reverse("companies:import")
    client.force_login(getattr(personas, who))
    assert client.get(url).status_code == 403
    assert client.post(url, {"file": upload("a.csv", cp949_export())}).status_code == 403
    assert client.post(url, {"action": "commit", "token": "x"}).status_code == 403
    assert Company.objects.count() == 2


def test_anonymous_goes_to_login_and_nothing_changes(client, personas):
    url = reverse("companies:import")
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next={url}"
    assert client.post(url, {"file": upload("a.csv", cp949_export())}).status_code == 302
    assert Company.objects.count() == 2
