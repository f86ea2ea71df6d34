"""The upload → dry-run preview → commit pages shared by the importers."""

from __future__ import annotations

import contextlib
import datetime as dt
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.sessions.backends.base import SessionBase
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sanhak.common.errors import DomainError
from sanhak.common.tabular import CSV_EXTENSIONS, XLSX_EXTENSIONS, ImportResult

MAX_UPLOAD_BYTES = 20 * 1024 * 1024

# ---------------------------------------------------------------------------------------------
# The upload → dry-run preview → commit pages
# ---------------------------------------------------------------------------------------------


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("파일"),
        help_text=gettext_lazy("CSV(UTF-8 또는 CP949/EUC-KR) 또는 XLSX, 최대 20MB"),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("파일이 너무 큽니다(최대 20MB). / The file is too large (at most 20 MB)."), code="too_large"
            )
        ext = PurePath(upload.name or "").suffix.lower()
        if ext not in XLSX_EXTENSIONS | CSV_EXTENSIONS:
            raise forms.ValidationError(
                _("CSV 또는 XLSX 파일만 올릴 수 있습니다. / Only CSV or XLSX files can be uploaded."), code="extension"
            )
        return upload


STAGING_DIR = "imports"
STAGING_MAX_AGE = dt.timedelta(hours=24)


@dataclass(frozen=True)
class StagedUpload:
    token: str
    filename: str
    data: bytes
    options: dict[str, Any]


def _session_key(kind: str) -> str:
    return f"import:{kind}"


def upload_stage(*, session: SessionBase, kind: str, data: bytes, filename: str, options: dict[str, Any]) -> str:
    """Keep the uploaded bytes server-side (storage `imports/<token>`) until the user confirms the import.

    The token is random and remembered in this user's session, so a commit can only use the file the
    same user previewed — the client never re-sends (or swaps) the file.
    """
    upload_discard(session=session, kind=kind)
    _purge_stale()
    token = secrets.token_urlsafe(24)
    path = default_storage.save(f"{STAGING_DIR}/{token}", ContentFile(data))
    session[_session_key(kind)] = {"token": token, "path": path, "filename": filename, "options": options}
    return token


def upload_load(*, session: SessionBase, kind: str, token: str) -> StagedUpload | None:
    entry = session.get(_session_key(kind))
    if not entry or not token or not secrets.compare_digest(str(entry.get("token", "")), token):
        return None
    try:
        with default_storage.open(entry["path"], "rb") as fh:
            data = fh.read()
    except (OSError, FileNotFoundError):
        return None
    return StagedUpload(token=token, filename=entry["filename"], data=data, options=dict(entry.get("options", {})))


def upload_discard(*, session: SessionBase, kind: str) -> None:
    entry = session.pop(_session_key(kind), None)
    if entry:
        with contextlib.suppress(OSError):
            default_storage.delete(entry["path"])


def _purge_stale() -> None:
    """Best effort: remove staged uploads nobody confirmed within a day."""
    cutoff = timezone.now() - STAGING_MAX_AGE
    try:
        _, files = default_storage.listdir(STAGING_DIR)
        for name in files:
            path = f"{STAGING_DIR}/{name}"
            if default_storage.get_modified_time(path) < cutoff:
                default_storage.delete(path)
    except (OSError, NotImplementedError, FileNotFoundError):
        pass


ImportRunner = Callable[[bytes, str, bool, dict[str, Any]], ImportResult]


def import_page(
    request: HttpRequest,
    *,
    kind: str,
    form_class: type[ImportUploadForm],
    run: ImportRunner,
    template_name: str,
    url_name: str,
    context: dict[str, Any] | None = None,
) -> HttpResponse:
    """The shared flow of the import pages (access is checked by the calling view).

    POST with a file → dry run; when clean, the bytes are staged and the preview offers "확정(import)".
    POST action=commit with the staged token → the real import, a message, a redirect.
    POST action=cancel → the staged file is dropped.
    """
    result: ImportResult | None = None
    token = ""
    action = request.POST.get("action", "") if request.method == "POST" else ""
    form = form_class()
    if action == "cancel":
        upload_discard(session=request.session, kind=kind)
        return redirect(url_name)
    if action == "commit":
        staged = upload_load(session=request.session, kind=kind, token=request.POST.get("token", ""))
        if staged is None:
            messages.error(
                request,
                _(
                    "미리보기한 파일이 없거나 만료되었습니다. 파일을 다시 올려 주세요. / "
                    "The previewed file is missing or expired; upload it again."
                ),
            )
            return redirect(url_name)
        try:
            result = run(staged.data, staged.filename, False, staged.options)
        except DomainError as exc:
            upload_discard(session=request.session, kind=kind)
            messages.error(request, exc.message)
            return redirect(url_name)
        upload_discard(session=request.session, kind=kind)
        if result.ok:
            messages.success(request, result.summary())
            return redirect(url_name)
    elif request.method == "POST":
        form = form_class(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            data = upload.read()
            filename = upload.name or ""
            options = {k: v for k, v in form.cleaned_data.items() if k != "file"}
            try:
                result = run(data, filename, True, options)
            except DomainError as exc:
                form.add_error("file", exc.message)
            else:
                if result.ok:
                    token = upload_stage(
                        session=request.session, kind=kind, data=data, filename=filename, options=options
                    )
    ctx = {"form": form, "result": result, "token": token, **(context or {})}
    return render(request, template_name, ctx)


def import_command_run(command: BaseCommand, path: str, run: Callable[[bytes], ImportResult]) -> None:
    """The shell side of an importer: read `path`, run it, print the summary or every error as
    "line N: column: message" and fail (nothing was saved)."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise CommandError(f"파일을 읽을 수 없습니다 / Cannot read the file: {path} ({exc.strerror})") from exc
    try:
        result = run(data)
    except DomainError as exc:
        raise CommandError(exc.message) from exc
    if result.errors:
        for error in result.errors:
            command.stderr.write(str(error))
        raise CommandError(result.summary())
    command.stdout.write(command.style.SUCCESS(result.summary()))
