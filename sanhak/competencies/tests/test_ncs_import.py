"""The NCS unit import (service, command, page) and linking competencies to NCS units."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.contrib.messages import get_messages
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from sanhak.common.errors import DomainError
from sanhak.common.tabular import PreviewRow, RowError
from sanhak.competencies.importing import competency_link_ncs, ncs_units_import
from sanhak.competencies.models import Competency, NcsUnit

pytestmark = pytest.mark.django_db

HEADER = [
    "대분류코드",
    "대분류명",
    "중분류코드",
    "중분류명",
    "소분류코드",
    "소분류명",
    "세분류코드",
    "세분류명",
    "능력단위분류번호",
    "능력단위코드",
    "능력단위명",
    "수준",
]
ROWS = [
    [
        "19",
        "전기·전자",
        "03",
        "전자기기개발",
        "06",
        "로봇개발",
        "01",
        "로봇하드웨어설계",
        "1903060101_17v2",
        "1903060101_17v2",
        "로봇 기구 설계",
        5,
    ],
    # number cells, as Excel keeps them when the column is not text: the leading zeros come back
    [
        15,
        "기계",
        1,
        "기계설계",
        2,
        "기계설계",
        1,
        "기계요소설계",
        "1501020101_14v2",
        "1501020101_14v2",
        "요구사항 분석",
        "3",
    ],
    ["15", "기계", "01", "기계설계", "02", "기계설계", "01", "기계요소설계", "", "1501020102_14v2", "기본설계", "4"],
]


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def export(rows: list[list[object]] | None = None) -> bytes:
    return xlsx_bytes([HEADER, *(ROWS if rows is None else rows)])


def units() -> list[tuple[str, ...]]:
    return list(
        NcsUnit.objects.order_by("code").values_list(
            "code",
            "name",
            "level",
            "classification_no",
            "major_code",
            "middle_code",
            "minor_code",
            "detail_code",
            "detail_name",
        )
    )


def test_dry_run_then_commit():
    preview = ncs_units_import(data=export(), filename="ncs.xlsx", dry_run=True)
    assert (preview.total, preview.created, preview.updated, preview.unchanged, preview.errors) == (3, 3, 0, 0, [])
    assert preview.preview[1] == PreviewRow(
        line=3,
        action="create",
        cells=["1501020101_14v2", "요구사항 분석", "3", "기계", "기계설계", "기계설계", "기계요소설계", ""],
    )
    assert NcsUnit.objects.count() == 0

    result = ncs_units_import(data=export(), filename="ncs.xlsx", dry_run=False)
    assert (result.created, result.updated, result.unchanged, result.errors) == (3, 0, 0, [])
    assert units() == [
        ("1501020101_14v2", "요구사항 분석", 3, "1501020101_14v2", "15", "01", "02", "01", "기계요소설계"),
        ("1501020102_14v2", "기본설계", 4, "", "15", "01", "02", "01", "기계요소설계"),
        ("1903060101_17v2", "로봇 기구 설계", 5, "1903060101_17v2", "19", "03", "06", "01", "로봇하드웨어설계"),
    ]


def test_preview_columns_name_the_changes_in_the_page_language():
    columns = ["능력단위코드", "능력단위명", "수준", "대분류명", "중분류명", "소분류명", "세분류명"]
    assert ncs_units_import(data=export(), filename="ncs.xlsx", dry_run=True).preview_columns == [*columns, "변경 항목"]
    with translation.override("en"):
        preview = ncs_units_import(data=export(), filename="ncs.xlsx", dry_run=True)
    assert preview.preview_columns == [*columns, "Changes"]  # the file's own column names stay


def test_reimport_updates_by_unit_code():
    ncs_units_import(data=export(), filename="ncs.xlsx", dry_run=False)
    changed = [list(r) for r in ROWS]
    changed[2][10] = "기본 설계"  # renamed
    changed[1][11] = 4  # level changed
    new = ["15", "기계", "01", "기계설계", "02", "기계설계", "01", "기계요소설계", "", "1501020103_14v2", "상세설계", 5]
    preview = ncs_units_import(data=export([*changed, new]), filename="ncs.xlsx", dry_run=True)
    assert [(p.line, p.action, p.cells[-1]) for p in preview.preview] == [
        (2, "unchanged", ""),
        (3, "update", "수준"),
        (4, "update", "능력단위명"),
        (5, "create", ""),
    ]
    result = ncs_units_import(data=export([*changed, new]), filename="ncs.xlsx", dry_run=False)
    assert (result.created, result.updated, result.unchanged, result.errors) == (1, 2, 1, [])
    assert NcsUnit.objects.count() == 4
    assert NcsUnit.objects.get(code="1501020102_14v2").name == "기본 설계"
    assert NcsUnit.objects.get(code="1501020101_14v2").level == 4
    again = ncs_units_import(data=export([*changed, new]), filename="ncs.xlsx", dry_run=False)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)


BAD = [
    ROWS[0],  # 2 fine
    [*ROWS[1][:11], 9],  # 3 level out of range
    [*ROWS[2][:10], "", "높음"],  # 4 no name, level not a number
    [*ROWS[0][:11], 5],  # 5 same unit code as line 2
    ["", *ROWS[2][1:9], "1501020109_14v2", *ROWS[2][10:]],  # 6 no 대분류코드
]

LEVEL_ERROR = "수준은 1~8 사이의 정수여야 합니다: '%(v)s' / The level must be a whole number from 1 to 8: '%(v)s'"


@pytest.mark.parametrize("dry_run", [True, False])
def test_bad_rows_import_nothing(dry_run):
    result = ncs_units_import(data=export(BAD), filename="ncs.xlsx", dry_run=dry_run)
    assert result.errors == [
        RowError(3, "수준", LEVEL_ERROR % {"v": "9"}),
        RowError(4, "능력단위명", "값이 비어 있습니다. / The value is empty."),
        RowError(4, "수준", LEVEL_ERROR % {"v": "높음"}),
        RowError(5, "능력단위코드", "2행과 능력단위코드가 같습니다. / Same unit code as line 2."),
        RowError(6, "대분류코드", "값이 비어 있습니다. / The value is empty."),
    ]
    assert (result.created, result.updated, result.unchanged) == (0, 0, 0)
    assert NcsUnit.objects.count() == 0


def test_csv_export_in_cp949_and_missing_columns():
    text = ",".join(HEADER) + "\r\n" + ",".join(str(c) for c in ROWS[0]) + "\r\n"
    result = ncs_units_import(data=text.encode("cp949"), filename="ncs.csv", dry_run=False)
    assert (result.created, result.errors) == (1, [])
    with pytest.raises(DomainError) as exc:
        ncs_units_import(data=xlsx_bytes([HEADER[:-1], ROWS[0][:-1]]), filename="ncs.xlsx", dry_run=True)
    assert exc.value.message == (
        "필수 열이 없습니다: 수준 (찾은 열: " + ", ".join(HEADER[:-1]) + ") / "
        "Required columns are missing: 수준 (found: " + ", ".join(HEADER[:-1]) + ")"
    )


def test_command(tmp_path):
    good, bad = tmp_path / "ncs.xlsx", tmp_path / "bad.xlsx"
    good.write_bytes(export())
    bad.write_bytes(export(BAD))
    out = io.StringIO()
    call_command("import_ncs_units", str(good), "--dry-run", stdout=out)
    assert NcsUnit.objects.count() == 0
    call_command("import_ncs_units", str(good), stdout=out)
    call_command("import_ncs_units", str(good), stdout=out)
    assert out.getvalue().splitlines() == [
        "미리보기: 신규 3건, 갱신 0건, 변경 없음 0건 (저장하지 않음) / "
        "Dry run: 3 to create, 0 to update, 0 unchanged (nothing saved).",
        "가져오기 완료: 신규 3건, 갱신 0건, 변경 없음 0건 / Imported: 3 created, 0 updated, 0 unchanged.",
        "가져오기 완료: 신규 0건, 갱신 0건, 변경 없음 3건 / Imported: 0 created, 0 updated, 3 unchanged.",
    ]
    err = io.StringIO()
    with pytest.raises(CommandError, match="오류 5건"):
        call_command("import_ncs_units", str(bad), stderr=err)
    assert err.getvalue().splitlines()[0] == (
        "line 3: 수준: 수준은 1~8 사이의 정수여야 합니다: '9' / The level must be a whole number from 1 to 8: '9'"
    )
    assert NcsUnit.objects.count() == 3


def test_link_competency_to_ncs_units():
    ncs_units_import(data=export(), filename="ncs.xlsx", dry_run=False)
    plc = Competency.objects.get(code="SM-AUT-01")  # levels 2-6
    by_code = {u.code: u for u in NcsUnit.objects.all()}
    assert competency_link_ncs(competency=plc, units=[by_code["1501020101_14v2"], by_code["1501020102_14v2"]]) == 2
    assert competency_link_ncs(competency=plc, units=[by_code["1501020101_14v2"]]) == 0
    assert sorted(plc.ncs_units.values_list("code", flat=True)) == ["1501020101_14v2", "1501020102_14v2"]

    rnd = Competency.objects.create(
        code="T-RND",
        domain_ko="연구",
        domain_en="R&D",
        name_ko="연구",
        name_en="R&D",
        description_ko="-",
        keywords="",
        level_min=6,
        level_max=8,
    )
    with pytest.raises(DomainError) as exc:
        competency_link_ncs(competency=rnd, units=[by_code["1903060101_17v2"]])
    assert exc.value.message == (
        "역량 T-RND의 수준 범위(6~8)를 벗어난 능력단위: 1903060101_17v2(5) / "
        "NCS units outside the level range 6-8 of T-RND: 1903060101_17v2(5)"
    )
    assert rnd.ncs_units.count() == 0


def upload(name: str, data: bytes) -> io.BytesIO:
    f = io.BytesIO(data)
    f.name = name
    return f


def test_admin_previews_then_commits(client, personas):
    url = reverse("competencies:ncs_import")
    client.force_login(personas.admin)
    assert client.get(url).status_code == 200
    response = client.post(url, {"file": upload("ncs.xlsx", export())})
    assert response.status_code == 200
    assert (response.context["result"].created, response.context["result"].errors) == (3, [])
    assert "확정(import)" in response.content.decode()
    assert NcsUnit.objects.count() == 0
    response = client.post(url, {"action": "commit", "token": response.context["token"]})
    assert response.status_code == 302
    assert response["Location"] == url
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "가져오기 완료: 신규 3건, 갱신 0건, 변경 없음 0건 / Imported: 3 created, 0 updated, 0 unchanged."
    ]
    assert NcsUnit.objects.count() == 3


def test_page_lists_errors(client, personas):
    client.force_login(personas.admin)
    response = client.post(reverse("competencies:ncs_import"), {"file": upload("bad.xlsx", export(BAD))})
    body = response.content.decode()
    assert [(e.line, e.column) for e in response.context["result"].errors] == [
        (3, "수준"),
        (4, "능력단위명"),
        (4, "수준"),
        (5, "능력단위코드"),
        (6, "대분류코드"),
    ]
    assert "<td>5</td><td>능력단위코드</td><td>2행과 능력단위코드가 같습니다. / Same unit code as line 2.</td>" in body
    assert "확정(import)" not in body
    assert NcsUnit.objects.count() == 0


@pytest.mark.parametrize("who", ["manager", "coordinator", "instructor"])
def test_others_are_refused_and_nothing_changes(client, personas, who):
    url = reverse("competencies:ncs_import")
    client.force_login(getattr(personas, who))
    assert client.get(url).status_code == 403
    assert client.post(url, {"file": upload("ncs.xlsx", export())}).status_code == 403
    assert NcsUnit.objects.count() == 0


def test_anonymous_goes_to_login(client, personas):
    url = reverse("competencies:ncs_import")
    response = client.post(url, {"file": upload("ncs.xlsx", export())})
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next={url}"
    assert NcsUnit.objects.count() == 0
