"""REST API: verify a credential (public)."""

# No `from __future__ import annotations` here: django-ninja reads the endpoint annotations at import time.

import json

from django.http import HttpRequest
from ninja import Router, Schema

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
)
def credential_verify_api(request: HttpRequest) -> dict[str, object]:
    """Always 200: `valid` true, or false with the reason (malformed input for anything not a credential)."""
    try:
        document = json.loads(request.body)
    except ValueError:
        result = Result(valid=False, reason=MALFORMED)
    else:
        result = platform_verify(document)
    return {"valid": result.valid, "reason": result.reason}
