"""Public pages: issuer profiles, Multikey documents, status lists, and the verification page."""

from __future__ import annotations

import json
import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sanhak.accounts.models import Institution
from sanhak.common.audit import personal_data_viewed
from sanhak.common.errors import DomainError
from sanhak.common.forms import refusal
from sanhak.common.permissions import AuthedRequest, login_required_view
from sanhak.credentials import badges, pdf, services
from sanhak.credentials.forms import IdentityCheckForm, RevokeForm
from sanhak.credentials.models import IssuedCredential, IssuerKey, StatusEntry
from sanhak.credentials.verification import platform_verify, verdict
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
    """An institution that has never issued has no list: 404 (so a GET does not create its signing key)."""
    institution = get_object_or_404(Institution, code=code)
    if not StatusEntry.objects.filter(institution=institution).exists():
        raise Http404(_("이 기관은 아직 발급한 자격증명이 없습니다. / This institution has issued nothing yet."))
    return _json(request, services.status_list_published(institution))


def verify_page(request: HttpRequest) -> HttpResponse:
    """Paste JSON or upload a file; nothing is fetched from the network."""
    result: Result | None = None
    text = ""
    document: Any = None
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is not None:
            raw = upload.read(MAX_UPLOAD + 1)
            text = raw.decode("utf-8", errors="replace") if len(raw) <= MAX_UPLOAD else ""
        else:
            text = str(request.POST.get("credential", ""))[:MAX_UPLOAD]
        try:
            document = json.loads(text)
        except (ValueError, RecursionError):  # not JSON, or nested thousands deep
            result = Result(valid=False, reason=MALFORMED)
        else:
            result = platform_verify(document)
    return render(
        request,
        "credentials/verify.html",
        {
            "result": result,
            "message": verdict(result) if result else "",
            "text": text,
            "summary": badges.summary(document) if result is not None and result.valid else None,
        },
    )


def verify_stored(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """The public link of a credential the platform issued: what it says, who earned it (if they chose to
    show their name), and whether it checks out. An employer can check an e-mail address against the
    credential's hashed recipient."""
    stored = get_object_or_404(
        IssuedCredential.objects.select_related("recipient", "institution", "status_entry"), pk=pk
    )
    result = platform_verify(stored.document)
    identity = None
    # POSTed, not in the query string: an e-mail address stays out of URLs, server logs and history.
    form = IdentityCheckForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        identity = badges.identity_matches(stored.document, form.cleaned_data["email"])
    return render(
        request,
        "credentials/verify.html",
        {
            "result": result,
            "message": verdict(result),
            "text": json.dumps(stored.document, ensure_ascii=False, indent=2),
            "stored": stored,
            "summary": badges.summary(stored.document),
            "identity_form": form,
            "identity": identity,
        },
    )


def _credential_for(user: Any, pk: uuid.UUID) -> IssuedCredential:
    """The recipient's own credential, or one a coordinator of its institution / a program admin manages."""
    stored = get_object_or_404(
        IssuedCredential.objects.select_related("recipient", "institution", "status_entry"), pk=pk
    )
    if (
        stored.recipient_id == user.pk
        or user.is_program_admin
        or stored.institution_id in user.coordinated_institution_ids
    ):
        return stored
    raise Http404(_("수료증을 찾을 수 없습니다. / Certificate not found."))


@login_required_view
def mine(request: AuthedRequest) -> HttpResponse:
    credentials = IssuedCredential.objects.filter(recipient=request.user).select_related("institution", "status_entry")
    rows = [(c, badges.summary(c.document)) for c in credentials]
    return render(request, "credentials/mine.html", {"rows": rows})


@login_required_view
def certificate_pdf(request: AuthedRequest, pk: uuid.UUID) -> HttpResponse:
    stored = _credential_for(request.user, pk)
    if not hasattr(stored, "completion"):  # a credential replaced after a revocation: no printed certificate
        raise Http404(_("이 증명에는 인쇄용 수료증이 없습니다. / This credential has no printed certificate."))
    # logged when the certificate is shown, not for a 404
    personal_data_viewed(request=request, purpose="certificate_pdf", subject_ids=[stored.recipient_id])
    verify_url = request.build_absolute_uri(reverse("credentials:verify_stored", args=[stored.pk]))
    data = badges.certificate_data(stored, verify_url=verify_url)
    response = HttpResponse(pdf.certificate_pdf(data), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, f"{stored.certificate_number}.pdf") or ""
    return response


@login_required_view
def credential_json(request: AuthedRequest, pk: uuid.UUID) -> HttpResponse:
    stored = _credential_for(request.user, pk)
    personal_data_viewed(request=request, purpose="credential_json", subject_ids=[stored.recipient_id])
    response = JsonResponse(stored.document, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = content_disposition_header(True, f"{stored.certificate_number}.json") or ""
    return response


@require_POST
@login_required_view
def share(request: AuthedRequest, pk: uuid.UUID) -> HttpResponse:
    stored = _credential_for(request.user, pk)
    if stored.recipient_id != request.user.pk:
        raise PermissionDenied(_("본인만 공개 여부를 정합니다. / Only the recipient decides this."))
    services.credential_share(credential=stored, shared=request.POST.get("shared") == "1")
    return redirect("credentials:mine")


@require_POST
@login_required_view
def revoke(request: AuthedRequest, pk: uuid.UUID) -> HttpResponse:
    stored = get_object_or_404(IssuedCredential.objects.select_related("status_entry", "institution"), pk=pk)
    form = RevokeForm(request.POST)
    if stored.status_entry is None or not form.is_valid():
        messages.error(request, refusal(form, "reason", _("취소 사유를 입력하세요. / Give a reason for revoking.")))
    else:
        try:
            services.credential_revoke(entry=stored.status_entry, by=request.user, reason=form.cleaned_data["reason"])
        except DomainError as exc:
            if exc.status == 403:
                raise PermissionDenied(exc.message) from exc
            messages.error(request, exc.message)
        else:
            messages.success(request, _("수료증을 취소했습니다. / Certificate revoked."))
    completion = getattr(stored, "completion", None)
    if completion is not None:
        return redirect("learning:completion", pk=completion.enrollment.offering_id)
    return redirect("credentials:verify_stored", pk=stored.pk)
