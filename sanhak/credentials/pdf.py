"""The completion certificate (수료증) as a one-page A4 PDF.

A pure rendering function: the caller gathers the facts into a `CertificateData` and gets PDF bytes
back; no models, no database, no network. The Korean font ships inside the package
(`fonts/`, NanumGothic, SIL OFL 1.1) and fpdf2 embeds a subset of it, with a ToUnicode map so the
text can be searched and copied. The QR code is drawn as vector rectangles (one filled path).

The certificate is bilingual by design (Korean first, English underneath), whatever the viewer's
language, so its strings are fixed rather than translated.
"""

from __future__ import annotations

import copy
import functools
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import segno
from fontTools import ttLib
from fpdf import FPDF
from fpdf.drawing import DeviceRGB
from fpdf.enums import Align, PathPaintRule, WrapMode
from fpdf.fonts import SubsetMap, TTFFont

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FONT_REGULAR = FONT_DIR / "NanumGothic.ttf"
FONT_BOLD = FONT_DIR / "NanumGothicBold.ttf"
FONT_FAMILY = "nanumgothic"
# Visual TrueType hinting sources: never used in a PDF, and fontTools's subsetter logs a warning
# for each one it has to drop, so they are removed from the in-memory font before subsetting.
_VTT_TABLES = ("TSI0", "TSI1", "TSI2", "TSI3", "TSI5")

PAGE_W, PAGE_H = 210.0, 297.0
LEFT, RIGHT = 25.0, 185.0
WIDTH = RIGHT - LEFT
FLOW_TOP = 68.0  # below the title
FLOW_BOTTOM = 234.0  # the date, the institution and the QR code start below this line
QR_SIZE = 30.0  # the QR code's box, quiet zone included (mm)
QR_X, QR_Y = RIGHT - QR_SIZE + 2.5, 243.0  # the quiet zone may reach into the margin

Color = tuple[int, int, int]
NAVY: Color = (27, 54, 93)
GOLD: Color = (170, 134, 72)
INK: Color = (28, 28, 30)
GREY: Color = (100, 104, 112)
RULE: Color = (196, 200, 208)
TINT: Color = (240, 236, 226)

_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
_SCALES = (1.0, 0.94, 0.88, 0.82, 0.76, 0.7, 0.64)  # tried in turn until the body fits
_PT = 25.4 / 72  # mm per point


@dataclass(frozen=True)
class CertificateData:
    certificate_number: str  # "LEAD-2026-000123"
    recipient_name: str
    achievement_name: str  # the course title, Korean
    achievement_name_en: str  # the English title, may be ""
    course_code: str
    track: str  # already localized, e.g. "기술인력 (NCS 4–6)"
    hours: int
    start_date: date
    end_date: date
    issued_on: date
    competencies: Sequence[tuple[str, str, int]]  # (code, Korean name, target NCS level)
    institution_name: str
    institution_name_en: str
    verify_url: str  # the public verification page the QR code links to


def korean_date(day: date) -> str:
    """2026-11-29 → "2026년 11월 29일"."""
    return f"{day.year}년 {day.month}월 {day.day}일"


def english_date(day: date) -> str:
    """2026-11-29 → "29 November 2026"."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def qr_matrix(url: str) -> tuple[tuple[bool, ...], ...]:
    """The QR code's modules for `url`, row by row, True for dark; no quiet zone."""
    qr = segno.make_qr(url, error="m")
    return tuple(tuple(bool(module) for module in row) for row in qr.matrix)


def certificate_pdf(data: CertificateData) -> bytes:
    """Render the certificate; same data, same bytes."""
    pdf = _new_document(data)
    body = _fit(pdf, data)
    _frame(pdf, data)
    body.draw()
    _signature(pdf, data)
    _verification(pdf, data)
    return bytes(pdf.output())


def _fit(pdf: FPDF, data: CertificateData) -> _Body:
    """The body at the largest type that fits above the signature.

    Smaller type first; then a statement that says "the course above" instead of repeating a long
    title; then as many competency units as fit and a line saying how many more there are (the
    verification page lists them all).
    """
    room = FLOW_BOTTOM - FLOW_TOP
    units = list(data.competencies)
    scale = _SCALES[-1]
    smallest = _Body(pdf, data, units, 0, scale, repeat_title=False)
    if smallest.height() <= room:  # else nothing larger fits either
        for repeat_title in (True, False):
            for size in _SCALES:
                body = _Body(pdf, data, units, 0, size, repeat_title=repeat_title)
                if body.height() <= room:
                    return body
    without_units = _Body(pdf, data, [], 0, scale, repeat_title=False).height()
    summary = _Body(pdf, data, [], len(units), scale, repeat_title=False).height() - without_units
    shown, used = 0, without_units + summary
    while shown < len(units) and used + smallest.row_heights[shown] <= room:
        used += smallest.row_heights[shown]
        shown += 1
    return _Body(pdf, data, units[:shown], len(units) - shown, scale, repeat_title=False)


def _new_document(data: CertificateData) -> FPDF:
    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.set_auto_page_break(auto=False)
    pdf.set_margins(LEFT, 14, PAGE_W - RIGHT)
    pdf.c_margin = 0
    for style, path in (("", FONT_REGULAR), ("B", FONT_BOLD)):
        _add_cached_font(pdf, style, path)
    issued = datetime(data.issued_on.year, data.issued_on.month, data.issued_on.day, tzinfo=UTC)
    pdf.set_creation_date(issued)
    pdf.set_lang("ko")
    pdf.set_title(f"수료증 {data.certificate_number}")
    pdf.set_subject(data.achievement_name)
    pdf.set_author(data.institution_name)
    pdf.set_creator("sanhak")
    pdf.set_producer("sanhak")
    pdf.add_page()
    return pdf


@functools.cache
def _parsed_font(style: str, path: Path) -> tuple[TTFFont, bytes, tuple[str, ...]]:
    """The font as fpdf2 parsed it (metrics, cmap), its file, its glyph order: once per process."""
    pdf = FPDF()
    pdf.add_font(FONT_FAMILY, style, path)
    (font,) = pdf.fonts.values()
    assert isinstance(font, TTFFont)
    return font, path.read_bytes(), tuple(font.ttfont.getGlyphOrder())


def _add_cached_font(pdf: FPDF, style: str, path: Path) -> None:
    """`pdf.add_font(FONT_FAMILY, style, path)`, without parsing the 4.6 MB font again.

    fpdf2 parses a TrueType font on every `add_font` (about 0.2 s each for NanumGothic), then
    subsets the parsed fontTools object in place when writing the PDF, so the parsed font cannot be
    shared between documents as it is. The parsed metrics can: each document gets a shallow copy of
    the template with its own subset map and a fresh, lazily read fontTools font (given the
    template's glyph order, which fontTools would otherwise rebuild from the cmap). This relies on
    fpdf2 internals (`FPDF.fonts`, `TTFFont`'s per-document fields) of the pinned version; the
    tests render, extract and check the text.
    """
    template, font_file, glyph_order = _parsed_font(style, path)
    font = copy.copy(template)
    ttfont = ttLib.TTFont(io.BytesIO(font_file), recalcTimestamp=False, lazy=True)
    ttfont.setGlyphOrder(list(glyph_order))
    for tag in _VTT_TABLES:
        if tag in ttfont:
            del ttfont[tag]
    font.ttfont = ttfont
    font.i = len(pdf.fonts) + 1
    font.subset = SubsetMap(font)
    font.missing_glyphs = []
    font.biggest_size_pt = 0
    pdf.fonts[template.fontkey] = font


def _font(pdf: FPDF, size: float, *, bold: bool = False, color: Color = INK) -> None:
    pdf.set_font(FONT_FAMILY, "B" if bold else "", size)
    pdf.set_text_color(*color)


def _centered(
    pdf: FPDF,
    y: float,
    text: str,
    size: float,
    *,
    bold: bool = False,
    color: Color = INK,
    max_width: float = WIDTH,
    spacing: float = 0,
) -> None:
    """One centered line at top `y`, shrunk until it fits `max_width`."""
    _font(pdf, size, bold=bold, color=color)
    pdf.set_char_spacing(spacing)
    while pdf.get_string_width(text) > max_width and size > 6:
        size -= 0.5
        _font(pdf, size, bold=bold, color=color)
    pdf.set_xy((PAGE_W - max_width) / 2, y)
    pdf.cell(max_width, size * _PT * 1.2, text, align=Align.C)
    pdf.set_char_spacing(0)


def _frame(pdf: FPDF, data: CertificateData) -> None:
    """The double border, the corner ornaments, the number and the title."""
    pdf.set_draw_color(*NAVY)
    pdf.set_line_width(1.1)
    pdf.rect(9, 9, PAGE_W - 18, PAGE_H - 18)
    pdf.set_draw_color(*GOLD)
    pdf.set_line_width(0.35)
    pdf.rect(12, 12, PAGE_W - 24, PAGE_H - 24)
    pdf.set_fill_color(*GOLD)
    for x, y in ((12, 12), (PAGE_W - 12, 12), (12, PAGE_H - 12), (PAGE_W - 12, PAGE_H - 12)):
        pdf.rect(x - 1.6, y - 1.6, 3.2, 3.2, style="F")

    _font(pdf, 9, color=GREY)
    pdf.set_xy(LEFT - 5, 18)
    pdf.cell(WIDTH / 2, 5, f"제 {data.certificate_number} 호")
    pdf.set_xy(PAGE_W / 2, 18)
    pdf.cell(RIGHT + 5 - PAGE_W / 2, 5, f"No. {data.certificate_number}", align=Align.R)

    _centered(pdf, 31, "수료증", 34, bold=True, color=NAVY, spacing=6)
    _centered(pdf, 48, "CERTIFICATE OF COMPLETION", 11.5, color=GOLD, spacing=1.6)
    pdf.set_draw_color(*GOLD)
    pdf.set_line_width(0.4)
    pdf.line(PAGE_W / 2 - 22, 59, PAGE_W / 2 + 22, 59)
    pdf.set_fill_color(*GOLD)
    pdf.rect(PAGE_W / 2 - 1.2, 59 - 1.2, 2.4, 2.4, style="F")


class _Body:
    """The variable part: the particulars, the statement and the competency table.

    Measured first (`height`) at a given type scale, then drawn (`draw`) with the same code, so
    what was measured is what is drawn.
    """

    LABEL_W = 34.0
    COLUMNS = (36.0, WIDTH - 36.0 - 24.0, 24.0)  # code, competency unit, NCS level
    HEADER = (("능력단위 코드", "Code"), ("능력단위", "Competency unit"), ("NCS 수준", "Level"))

    def __init__(
        self,
        pdf: FPDF,
        data: CertificateData,
        competencies: Sequence[tuple[str, str, int]],
        omitted: int,
        scale: float,
        *,
        repeat_title: bool,
    ) -> None:
        self.pdf, self.data, self.competencies, self.omitted, self.s = pdf, data, competencies, omitted, scale
        self.repeat_title = repeat_title
        self.drawing = False
        self.y = FLOW_TOP
        self.row_heights: list[float] = []  # the table's rows, as last measured or drawn

    def height(self) -> float:
        self.drawing, self.y = False, FLOW_TOP
        self._render()
        return self.y - FLOW_TOP

    def draw(self) -> None:
        self.drawing, self.y = True, FLOW_TOP
        self._render()

    # -- primitives -----------------------------------------------------------------------------

    def _lh(self, size: float) -> float:
        return size * _PT * 1.45

    def _text(
        self,
        x: float,
        y: float,
        w: float,
        text: str,
        size: float,
        *,
        bold: bool = False,
        color: Color = INK,
        align: Align = Align.L,
    ) -> float:
        """A wrapped block at (x, y), `w` wide; returns its height."""
        size *= self.s
        _font(self.pdf, size, bold=bold, color=color)
        lh = self._lh(size)
        lines = _wrap(self.pdf, text, w)
        if self.drawing:
            for n, line in enumerate(lines):
                self.pdf.set_xy(x, y + n * lh)
                self.pdf.cell(w, lh, line, align=align)
        return len(lines) * lh

    def _gap(self, mm: float) -> None:
        self.y += mm * self.s

    # -- content --------------------------------------------------------------------------------

    def _render(self) -> None:
        d = self.data
        self._field("성명", "Name", d.recipient_name, size=15, bold=True)
        self._field("과정명", "Course", d.achievement_name, size=12.5, bold=True, subtitle=d.achievement_name_en)
        self._field("과정코드", "Course code", d.course_code)
        self._field("과정구분", "Track", d.track)
        self._field("교육기간", "Period", f"{korean_date(d.start_date)} ~ {korean_date(d.end_date)}")
        self._field("교육시간", "Hours", f"{d.hours}시간 ({d.hours} hours)")
        self._gap(5)
        self._statement()
        if self.competencies or self.omitted:
            self._gap(6)
            self._table()

    def _field(
        self, label: str, label_en: str, value: str, *, size: float = 11, bold: bool = False, subtitle: str = ""
    ) -> None:
        x = LEFT + 4
        value_x = x + self.LABEL_W
        value_w = RIGHT - 4 - value_x
        top = self.y
        if self.drawing:
            # The label sits on the value's first baseline (fpdf2 puts a line's baseline at
            # 0.5 * line height + 0.3 * font size below its top).
            baseline = top + 0.5 * self._lh(size * self.s) + 0.3 * size * self.s * _PT
            _font(self.pdf, 10 * self.s, bold=True, color=NAVY)
            self.pdf.text(x, baseline, label)
            width = self.pdf.get_string_width(label)
            _font(self.pdf, 7.5 * self.s, color=GREY)
            self.pdf.text(x + width + 1.5, baseline, label_en)
        h = self._text(value_x, top, value_w, value, size, bold=bold)
        if subtitle:
            h += self._text(value_x, top + h, value_w, subtitle, 9, color=GREY)
        self.y = top + h + 2.2 * self.s

    def _statement(self) -> None:
        d = self.data
        course = f"「{d.achievement_name}」 과정" if self.repeat_title else "위 과정"
        ko = f"위 사람은 {d.institution_name}에서 실시한 {course}({d.hours}시간)을 성실히 이수하였기에 이 증서를 수여합니다."
        title = f"“{d.achievement_name_en}”" if d.achievement_name_en and self.repeat_title else "the course above"
        en = f"This is to certify that {d.recipient_name} has successfully completed {title} ({d.hours} hours) at {d.institution_name_en or d.institution_name}."
        self.y += self._text(LEFT + 4, self.y, WIDTH - 8, ko, 12.5, align=Align.C)
        self._gap(1.5)
        self.y += self._text(LEFT + 4, self.y, WIDTH - 8, en, 8.5, color=GREY, align=Align.C)

    def _table(self) -> None:
        pad = 1.6 * self.s
        rows: list[tuple[str, str, str]] = [(code, name, f"{level}수준") for code, name, level in self.competencies]
        if self.omitted:
            rows.append(("", f"외 {self.omitted}개 능력단위 (검증 페이지에서 전체 확인) · and {self.omitted} more", ""))
        self.y += self._text(LEFT, self.y, WIDTH, "이수 능력단위  Competencies", 10, bold=True, color=NAVY)
        self._gap(1.2)
        self._rule(self.y, NAVY, 0.5)
        # Header: Korean over English on a tinted band (measured first, so the band goes under it).
        top = self.y
        drawing, self.drawing = self.drawing, False
        band = self._header(top, pad) + 2 * pad
        self.drawing = drawing
        if self.drawing:
            self.pdf.set_fill_color(*TINT)
            self.pdf.rect(LEFT, top + 0.25, WIDTH, band - 0.25, style="F")
            self._header(top, pad)
        self.y = top + band
        self._rule(self.y, RULE, 0.2)
        self.row_heights = []
        for n, row in enumerate(rows):
            top = self.y
            heights = []
            for i, text in enumerate(row):
                x, w = self._column(i)
                heights.append(self._text(x, top + pad, w, text, 9.5, align=self._align(i)))
            self.row_heights.append(max(heights) + 2 * pad)
            self.y = top + self.row_heights[-1]
            self._rule(self.y, NAVY if n == len(rows) - 1 else RULE, 0.5 if n == len(rows) - 1 else 0.2)

    def _header(self, top: float, pad: float) -> float:
        heights = []
        for i, (ko, en) in enumerate(self.HEADER):
            x, w = self._column(i)
            h = self._text(x, top + pad, w, ko, 8.5, bold=True, color=NAVY, align=self._align(i))
            h += self._text(x, top + pad + h, w, en, 7, color=GREY, align=self._align(i))
            heights.append(h)
        return max(heights)

    def _column(self, i: int) -> tuple[float, float]:
        """(x, width) of column i's text, inside its padding."""
        x = LEFT + sum(self.COLUMNS[:i])
        return x + 2, self.COLUMNS[i] - 4

    def _align(self, i: int) -> Align:
        return Align.L if i == 1 else Align.C

    def _rule(self, y: float, color: Color, width: float) -> None:
        if self.drawing:
            self.pdf.set_draw_color(*color)
            self.pdf.set_line_width(width)
            self.pdf.line(LEFT, y, RIGHT, y)


def _wrap(pdf: FPDF, text: str, width: float) -> list[str]:
    """`text` in lines no wider than `width` in the current font: breaks at spaces, and inside a
    word only when the word alone is too wide (codes, addresses).

    Done here rather than with fpdf2's `multi_cell(dry_run=True)`, which measures a line character
    by character and made fitting the body take most of the rendering time.
    """
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split(" "):
            candidate = f"{line} {word}" if line else word
            if pdf.get_string_width(candidate) <= width:
                line = candidate
                continue
            if line:
                lines.append(line)
            rest = word
            while pdf.get_string_width(rest) > width and len(rest) > 1:
                cut = next(n for n in range(len(rest) - 1, 0, -1) if pdf.get_string_width(rest[:n]) <= width or n == 1)
                lines.append(rest[:cut])
                rest = rest[cut:]
            line = rest
        lines.append(line)
    return lines


def _signature(pdf: FPDF, data: CertificateData) -> None:
    """The issue date and the issuing institution, centred under the body."""
    room = 2 * (QR_X - 4 - PAGE_W / 2)  # centred on the page, clear of the QR code
    _centered(pdf, 240, korean_date(data.issued_on), 13, max_width=room)
    _centered(pdf, 247, english_date(data.issued_on), 8.5, color=GREY, max_width=room)
    _centered(pdf, 255, data.institution_name, 21, bold=True, color=NAVY, max_width=room, spacing=1.5)
    if data.institution_name_en:
        _centered(pdf, 265, data.institution_name_en, 9.5, color=GREY, max_width=room)


def _verification(pdf: FPDF, data: CertificateData) -> None:
    """The QR code, and under it the address it encodes and how to use it."""
    matrix = qr_matrix(data.verify_url)
    quiet = 4  # modules of white around the code, as the QR standard asks
    module = QR_SIZE / (len(matrix) + 2 * quiet)
    origin_x, origin_y = QR_X + quiet * module, QR_Y + quiet * module
    with pdf.new_path(paint_rule=PathPaintRule.FILL_NONZERO) as path:
        path.style.fill_color = DeviceRGB(0, 0, 0)
        path.style.stroke_color = None
        for r, row in enumerate(matrix):
            c = 0
            while c < len(row):  # one rectangle per horizontal run of dark modules
                if not row[c]:
                    c += 1
                    continue
                start = c
                while c < len(row) and row[c]:
                    c += 1
                path.rectangle(origin_x + start * module, origin_y + r * module, (c - start) * module, module)

    _font(pdf, 7, color=NAVY)
    pdf.set_xy(LEFT - 5, QR_Y + QR_SIZE + 1.5)
    pdf.multi_cell(WIDTH + 10, 7 * _PT * 1.3, data.verify_url, align=Align.C, wrapmode=WrapMode.CHAR)
    _font(pdf, 7, color=GREY)
    pdf.set_x(LEFT - 5)
    pdf.multi_cell(
        WIDTH + 10,
        7 * _PT * 1.35,
        "이 증명서의 진위는 QR 코드 또는 위 주소에서 확인할 수 있습니다 / Verify this certificate at the address above",
        align=Align.C,
    )
