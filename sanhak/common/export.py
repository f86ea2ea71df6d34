"""CSV (UTF-8 with BOM, so Excel opens Korean correctly) and XLSX responses from a table.

The cells hold what people typed (names, reasons, company names), so neither file may let a cell act
as a formula in a spreadsheet (CSV injection): a CSV text starting with = + - @ or a tab gets a leading
apostrophe, as OWASP advises; an XLSX text stays a text cell. Control characters that XLSX cannot hold
(openpyxl refuses them) are left out rather than failing the whole export."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _csv_cell(value: object) -> object:
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _xlsx_cell(value: object) -> object:
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def csv_response(rows: Sequence[Sequence[object]], filename: str) -> HttpResponse:
    buf = io.StringIO()
    buf.write("\ufeff")
    csv.writer(buf).writerows([_csv_cell(v) for v in row] for row in rows)
    response = HttpResponse(buf.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def xlsx_response(rows: Sequence[Sequence[object]], filename: str, sheet: str = "Sheet1") -> HttpResponse:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = sheet[:31]
    for row in rows:
        ws.append([_xlsx_cell(v) for v in row])
        for cell in ws[ws.max_row]:
            if cell.data_type == "f":  # openpyxl takes a text starting with = for a formula
                cell.data_type = "s"
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for column in ws.columns:
        width = max(len(str(c.value or "")) for c in column)
        ws.column_dimensions[column[0].column_letter].width = min(max(10, width * 1.6), 50)
    buf = io.BytesIO()
    wb.save(buf)
    response = HttpResponse(
        buf.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response
