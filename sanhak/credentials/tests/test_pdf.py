"""The completion certificate PDF: content, embedded font, one page whatever the length, the QR code."""

from __future__ import annotations

import dataclasses
import io
import itertools
import shutil
import subprocess
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import segno
from pypdf import PdfReader
from pypdf.generic import ContentStream

from sanhak.credentials.pdf import CertificateData, certificate_pdf, english_date, korean_date, qr_matrix

URL = "https://sanhak.example.kr/credentials/verify/LEAD-2026-000123/"
COMPETENCIES = (
    ("SM-ROB-01", "산업용 로봇 조작 및 티칭", 4),
    ("SM-ROB-02", "로봇 오프라인 프로그래밍", 5),
    ("SM-AUT-01", "PLC 프로그래밍 및 시퀀스 제어", 4),
)
DATA = CertificateData(
    certificate_number="LEAD-2026-000123",
    recipient_name="김민준",
    achievement_name="산업용 로봇 운용 실무",
    achievement_name_en="Industrial Robot Operation in Practice",
    course_code="SM-ROB-201",
    track="기술인력 (NCS 4–6)",
    hours=40,
    start_date=date(2026, 9, 7),
    end_date=date(2026, 11, 27),
    issued_on=date(2026, 11, 29),
    competencies=COMPETENCIES,
    institution_name="인하공업전문대학",
    institution_name_en="Inha Technical College",
    verify_url=URL,
)
LONG_TITLE = (
    "스마트 제조 현장 맞춤형 산업용 로봇 운용, 공정 데이터 수집·분석 및 디지털 트윈 기반 설비 예지보전 실무 심화 과정 "
    "(재직자 야간반, 남동 스마트그린산단 특화, 산학연 협의체 공동 개발 교육과정)"
)
LONG_TITLE_EN = (
    "Advanced field-tailored course in industrial robot operation, process data acquisition and analysis, "
    "and digital-twin-based predictive maintenance (evening class for incumbent workers, Namdong Smart Green "
    "Industrial Complex, developed with the industry-academia-research council)"
)


def many(n: int) -> list[tuple[str, str, int]]:
    return [
        (
            f"LM15030201{i:02d}_23v2",
            f"스마트공장 설비 데이터 수집·분석과 예지보전 체계 구축 능력단위 {i}번 (현장 실습 포함)",
            2 + i % 7,
        )
        for i in range(1, n + 1)
    ]


def read(pdf: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(pdf))


def text_of(pdf: bytes) -> str:
    return read(pdf).pages[0].extract_text()


def baselines(pdf: bytes) -> list[tuple[str, float]]:
    """Every text fragment on the page with its baseline height (points from the bottom)."""
    found: list[tuple[str, float]] = []

    def visit(text: str, cm: list[float], tm: list[float], *_: Any) -> None:
        if text.strip():
            found.append((text.strip(), tm[5] * cm[3] + cm[5]))

    read(pdf).pages[0].extract_text(visitor_text=visit)
    return found


def y_of(fragments: list[tuple[str, float]], needle: str, *, exact: bool = False) -> float:
    (y,) = {y for text, y in fragments if (needle == text if exact else needle in text)}
    return y


@pytest.fixture(scope="module")
def pdf() -> bytes:
    return certificate_pdf(DATA)


def test_a_one_page_a4_pdf(pdf: bytes) -> None:
    assert pdf.startswith(b"%PDF-")
    reader = read(pdf)
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)
    assert reader.metadata is not None
    assert reader.metadata.title == "수료증 LEAD-2026-000123"


def test_the_text_is_all_there_and_extractable(pdf: bytes) -> None:
    text = text_of(pdf)
    for expected in (
        "수료증",
        "CERTIFICATE OF COMPLETION",
        "LEAD-2026-000123",
        "김민준",
        "산업용 로봇 운용 실무",
        "Industrial Robot Operation in Practice",
        "SM-ROB-201",
        "기술인력 (NCS 4–6)",
        "40시간",
        "2026년 9월 7일 ~ 2026년 11월 27일",
        "2026년 11월 29일",
        "29 November 2026",
        "위 사람은 인하공업전문대학에서 실시한 「산업용 로봇 운용 실무」 과정(40시간)을",
        "수여합니다.",
        "인하공업전문대학",
        "Inha Technical College",
        URL,
        "이 증명서의 진위는 QR 코드 또는 위 주소에서 확인할 수 있습니다",
        "Verify this certificate at the address above",
    ):
        assert expected in text, expected
    for code, name, level in COMPETENCIES:
        assert code in text
        assert name in text
        assert f"{level}수준" in text


def test_the_korean_font_is_embedded_as_a_subset_with_a_unicode_map(pdf: bytes) -> None:
    fonts = read(pdf).pages[0]["/Resources"]["/Font"]
    assert len(fonts) == 2  # regular and bold
    for ref in fonts.values():
        font = ref.get_object()
        assert font["/Subtype"] == "/Type0"
        assert "NanumGothic" in font["/BaseFont"]
        assert "/ToUnicode" in font
        descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
        assert "/FontFile2" in descriptor
        # a subset: the full font file is 4.6 MB
        assert len(descriptor["/FontFile2"].get_object().get_data()) < 100_000
    assert len(pdf) < 150_000


def test_the_same_data_gives_the_same_bytes(pdf: bytes) -> None:
    assert certificate_pdf(DATA) == pdf


def test_dates() -> None:
    assert korean_date(date(2026, 1, 5)) == "2026년 1월 5일"
    assert korean_date(date(2026, 11, 29)) == "2026년 11월 29일"
    assert english_date(date(2026, 11, 29)) == "29 November 2026"


def test_without_an_english_title() -> None:
    text = text_of(certificate_pdf(dataclasses.replace(DATA, achievement_name_en="")))
    assert "has successfully completed the course above (40 hours)" in text
    assert "“" not in text


def test_without_competencies_there_is_no_table() -> None:
    pdf = certificate_pdf(dataclasses.replace(DATA, competencies=()))
    text = text_of(pdf)
    assert "Competencies" not in text
    assert "수여합니다." in text
    assert len(read(pdf).pages) == 1


def test_a_long_title_and_twelve_competencies_fit_on_one_page_without_overlapping() -> None:
    competencies = many(12)
    data = dataclasses.replace(
        DATA, achievement_name=LONG_TITLE, achievement_name_en=LONG_TITLE_EN, competencies=competencies
    )
    pdf = certificate_pdf(data)
    assert len(read(pdf).pages) == 1
    text = text_of(pdf).replace("\n", "")
    assert "능력단위 (검증 페이지에서 전체 확인)" not in text  # nothing left out
    for code, name, _ in competencies:
        assert code in text
        assert name.replace(" ", "") in text.replace(" ", "")  # names may wrap
    fragments = baselines(pdf)
    # Top to bottom: the particulars, the table rows in order, then the date and the institution.
    rows = [y_of(fragments, code) for code, _, _ in competencies]
    assert y_of(fragments, "과정코드") > y_of(fragments, "이수 능력단위") > rows[0]
    assert all(upper - lower >= 12 for upper, lower in itertools.pairwise(rows))  # one 9.5 pt line at least
    issued = y_of(fragments, "2026년 11월 29일")
    assert rows[-1] - issued > 20
    assert (
        issued
        > y_of(fragments, "인하공업전문대학", exact=True)
        > y_of(fragments, URL)
        > y_of(fragments, "Verify this certificate")
    )
    # Nothing is drawn off the page or over the frame (9 mm ≈ 25.5 pt from each edge).
    assert all(28 < y < 842 - 28 for _, y in fragments)


def test_too_many_competencies_are_summarised_on_the_one_page() -> None:
    competencies = many(40)
    pdf = certificate_pdf(dataclasses.replace(DATA, achievement_name=LONG_TITLE, competencies=competencies))
    assert len(read(pdf).pages) == 1
    text = text_of(pdf)
    shown = sum(code in text for code, _, _ in competencies)
    assert 12 <= shown < 40
    assert f"외 {40 - shown}개 능력단위 (검증 페이지에서 전체 확인)" in text
    assert all(code in text for code, _, _ in competencies[:shown])
    fragments = baselines(pdf)
    assert y_of(fragments, competencies[shown - 1][0]) - y_of(fragments, "2026년 11월 29일") > 20


def test_qr_matrix_is_segnos() -> None:
    qr = segno.make_qr(URL, error="m")
    matrix = qr_matrix(URL)
    assert len(matrix) == qr.symbol_size(border=0)[0]
    assert matrix == tuple(tuple(bool(m) for m in row) for row in qr.matrix)
    assert qr.designator.startswith(str(qr.version))


def drawn_qr(pdf: bytes) -> tuple[tuple[bool, ...], ...]:
    """Read the QR code back from the page: the largest filled path made only of rectangles."""
    reader = read(pdf)
    operations = ContentStream(reader.pages[0].get_contents(), reader).operations
    groups: list[list[tuple[float, float, float, float]]] = []
    current: list[tuple[float, float, float, float]] = []
    for operands, operator in operations:
        if operator == b"re":
            current.append(tuple(float(v) for v in operands))  # type: ignore[arg-type]
        elif operator == b"f":
            groups.append(current)
            current = []
        elif operator != b"m":
            current = []
    rects = max(groups, key=len)
    module = rects[0][3]  # one rectangle per run of dark modules in a row: all one module high
    x0, y0 = min(r[0] for r in rects), min(r[1] for r in rects)
    size = round((max(r[0] + r[2] for r in rects) - x0) / module)
    grid = [[False] * size for _ in range(size)]
    for x, y, w, h in rects:
        assert h == pytest.approx(module)
        row, first, last = round((y - y0) / module), round((x - x0) / module), round((x + w - x0) / module)
        for col in range(first, last):
            assert not grid[row][col]
            grid[row][col] = True
    return tuple(tuple(row) for row in grid)


def test_the_drawn_qr_code_is_the_verify_urls(pdf: bytes) -> None:
    assert drawn_qr(pdf) == qr_matrix(URL)
    other = "https://sanhak.example.kr/credentials/verify/POLY-2027-000001/?lang=en"
    assert drawn_qr(certificate_pdf(dataclasses.replace(DATA, verify_url=other))) == qr_matrix(other)


@pytest.mark.skipif(
    not (shutil.which("pdftoppm") and shutil.which("zbarimg")), reason="needs poppler-utils and zbar-tools"
)
def test_a_qr_reader_reads_the_verify_url_off_the_printed_page(pdf: bytes, tmp_path: Path) -> None:
    (tmp_path / "certificate.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "100", "certificate.pdf", "page"], cwd=tmp_path, check=True)
    (png,) = tmp_path.glob("page*.png")
    result = subprocess.run(["zbarimg", "-q", "--raw", str(png)], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == URL
