"""REST API: verify a credential (public), one's own credentials, revocation."""

# No `from __future__ import annotations` here: django-ninja reads the endpoint annotations at import time.

import json
import uuid

from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Router, Schema

from sanhak.api.auth import caller
from sanhak.api.schemas import ReasonIn, errors
from sanhak.credentials import badges, services
from sanhak.credentials.models import IssuedCredential
from sanhak.credentials.verification import platform_verify
from sanhak.credentials.verify import MALFORMED, Result

router = Router(tags=["credentials"])


class VerifyOut(Schema):
    valid: bool
    reason: str


@router.post(
    "/credentials/verify",
    response={200: VerifyOut},
    auth=None,
    summary="Verify a credential: the request body is the credential's JSON (public)",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": {"type": "object", "description": "the credential as issued (signed OpenBadgeCredential)"}
                }
            },
        }
    },
)
def credential_verify_api(request: HttpRequest) -> dict[str, object]:
    """Always 200: `valid` true, or false with the reason (malformed input for anything not a credential)."""
    try:
        document = json.loads(request.body)
    except (ValueError, RecursionError):  # not JSON, or nested thousands deep
        result = Result(valid=False, reason=MALFORMED)
    else:
        result = platform_verify(document)
    return {"valid": result.valid, "reason": result.reason}


class CredentialOut(Schema):
    id: uuid.UUID
    certificate_number: str
    name: str
    issuer: str
    issued: str
    revoked: bool
    shared: bool
    public_url: str
    pdf_url: str
    json_url: str


def _out(credential: IssuedCredential) -> dict[str, object]:
    summary = badges.summary(credential.document)
    return {
        "id": credential.pk,
        "certificate_number": credential.certificate_number or "",
        "name": summary["name"],
        "issuer": summary["issuer"],
        "issued": summary["issued"].isoformat() if summary["issued"] else "",
        "revoked": bool(credential.status_entry and credential.status_entry.revoked),
        "shared": credential.shared,
        "public_url": reverse("credentials:verify_stored", args=[credential.pk]),
        "pdf_url": reverse("credentials:pdf", args=[credential.pk]),
        "json_url": reverse("credentials:json", args=[credential.pk]),
    }


@router.get(
    "/credentials/mine",
    response={200: list[CredentialOut], **errors(401)},
    summary="Your certificates (Open Badges 3.0 credentials) with their download and public links",
)
def credential_mine(request: HttpRequest) -> list[dict[str, object]]:
    user = caller(request)
    return [
        _out(c) for c in IssuedCredential.objects.filter(recipient=user).select_related("status_entry", "institution")
    ]


@router.post(
    "/credentials/{credential_id}/revoke",
    response={200: CredentialOut, **errors(401, 403, 404, 422)},
    summary="Revoke a credential with a reason (the issuing institution's coordinators, program admins)",
)
def credential_revoke_api(request: HttpRequest, credential_id: uuid.UUID, payload: ReasonIn) -> dict[str, object]:
    user = caller(request)
    credential = IssuedCredential.objects.select_related("status_entry", "institution").filter(pk=credential_id).first()
    if credential is None or credential.status_entry is None:
        raise Http404(_("수료증을 찾을 수 없습니다. / Certificate not found."))
    services.credential_revoke(entry=credential.status_entry, by=user, reason=payload.reason)
    credential.status_entry.refresh_from_db()
    return _out(credential)
