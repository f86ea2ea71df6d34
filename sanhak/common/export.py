"""CSV (UTF-8 with BOM, so Excel opens Korean correctly) and XLSX responses from a table."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Font


def csv_response(rows: Sequence[Sequence[object]], filename: str) -> HttpResponse:
    buf = io.StringIO()
    buf.write("\ufeff")
    csv.writer(buf).writerows(rows)
    response = HttpResponse(buf.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def xlsx_response(rows: Sequence[Sequence[object]], filename: str, sheet: str = "Sheet1") -> HttpResponse:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = sheet[:31]
    for row in rows:
        ws.append(list(row))
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
