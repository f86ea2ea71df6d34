"""Serve a stored file with HTTP range requests (RFC 9110 §14), so that video players can seek."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import IO

from django.core.files.storage import Storage
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils.http import content_disposition_header

CHUNK = 64 * 1024
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def parse_range(header: str, size: int) -> tuple[int, int] | None:
    """The one byte range [start, end] (inclusive) a `Range` header asks for; None if it asks for none
    we serve (absent, malformed, or several ranges: answered with the whole file); raises ValueError
    if it cannot be satisfied (416)."""
    match = _RANGE.match(header.strip().replace(" ", ""))
    if not match:
        return None
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:  # the last N bytes
        length = int(last)
        if length == 0 or size == 0:
            raise ValueError("unsatisfiable range")
        return max(size - length, 0), size - 1
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if start >= size or (last and int(last) < start):
        raise ValueError("unsatisfiable range")
    return start, end


def _read(handle: IO[bytes], remaining: int) -> Iterator[bytes]:
    try:
        while remaining > 0:
            chunk = handle.read(min(CHUNK, remaining))
            if not chunk:
                break
            remaining -= len(chunk)
            yield chunk
    finally:
        handle.close()


def ranged_file_response(
    request: HttpRequest, storage: Storage, name: str, *, content_type: str, filename: str, inline: bool = True
) -> HttpResponse | StreamingHttpResponse:
    """200 with the whole file, 206 with the requested range, or 416."""
    size = storage.size(name)
    try:
        wanted = parse_range(request.headers.get("Range", ""), size)
    except ValueError:
        refused = HttpResponse(status=416)
        refused["Content-Range"] = f"bytes */{size}"
        refused["Accept-Ranges"] = "bytes"
        return refused
    start, end = wanted if wanted is not None else (0, size - 1)
    handle = storage.open(name, "rb")
    if start:
        handle.seek(start)
    length = max(end - start + 1, 0)
    response = StreamingHttpResponse(_read(handle, length), content_type=content_type or "application/octet-stream")
    if wanted is not None:
        response.status_code = 206
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
    response["Content-Length"] = str(length)
    response["Accept-Ranges"] = "bytes"
    response["Content-Disposition"] = content_disposition_header(not inline, filename) or ""
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response
