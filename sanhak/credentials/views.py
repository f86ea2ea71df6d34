"""Public pages: issuer profiles, Multikey documents, status lists, and the verification page."""

from __future__ import annotations

import json
import uuid

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render

from sanhak.accounts.models import Institution
from sanhak.credentials import services
from sanhak.credentials.models import IssuedCredential, IssuerKey
from sanhak.credentials.verification import bilingual, platform_verify
from sanhak.credentials.verify import MALFORMED, Result

MAX_UPLOAD = 1_000_000  # bytes


def _json(request: HttpRequest, data: dict[str, object]) -> JsonResponse:
    ld = "application/ld+json" in request.headers.get("Accept", "")
    content_type = "application/ld+json" if ld else "application/json"
    return JsonResponse(data, content_type=content_type, json_dumps_params={"ensure_ascii": False})


def issuer_profile(request: HttpRequest, code: str) -> JsonResponse:
    institution = get_object_or_404(Institution, code=code)
    return _json(request, services.issuer_profile(institution))


def issuer_key(request: HttpRequest, code: str, pk: int) -> JsonResponse:
    key = get_object_or_404(IssuerKey.objects.select_related("institution"), institution__code=code, pk=pk)
    return _json(request, services.key_document(key))


def status_list(request: HttpRequest, code: str) -> JsonResponse:
    institution = get_object_or_404(Institution, code=code)
    return _json(request, services.status_list_credential(institution))


def verify_page(request: HttpRequest) -> HttpResponse:
    """Paste JSON or upload a file; nothing is fetched from the network."""
    result: Result | None = None
    text = ""
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is not None:
            raw = upload.read(MAX_UPLOAD + 1)
            text = raw.decode("utf-8", errors="replace") if len(raw) <= MAX_UPLOAD else ""
        else:
            text = str(request.POST.get("credential", ""))[:MAX_UPLOAD]
        try:
            document = json.loads(text)
        except ValueError:
            result = Result(valid=False, reason=MALFORMED)
        else:
            result = platform_verify(document)
    return render(
        request,
        "credentials/verify.html",
        {"result": result, "message": bilingual(result) if result else "", "text": text},
    )


def verify_stored(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """The public link of a credential the platform issued: what it says, and whether it checks out."""
    stored = get_object_or_404(IssuedCredential, pk=pk)
    result = platform_verify(stored.document)
    return render(
        request,
        "credentials/verify.html",
        {
            "result": result,
            "message": bilingual(result),
            "text": json.dumps(stored.document, ensure_ascii=False, indent=2),
            "stored": stored,
        },
    )
