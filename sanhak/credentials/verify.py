"""Verify a verifiable credential secured with an eddsa-rdfc-2022 DataIntegrityProof.

`credential_verify` never raises: it answers valid, or invalid with one short reason.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from sanhak.credentials import dataintegrity as di
from sanhak.credentials import statuslist

MALFORMED = "malformed input"
TAMPERED = "tampered content or wrong key"
WRONG_KEY = "wrong key"
UNKNOWN_CONTEXT = "unknown context"
DROPPED_TERMS = "terms that would be silently dropped by JSON-LD processing"
UNKNOWN_METHOD = "unknown verification method"
MISSING_PROOF = "missing proof"
UNSUPPORTED_PROOF = "unsupported proof"
EXPIRED = "expired"
NOT_YET_VALID = "not yet valid"
REVOKED = "revoked"

StatusListResolver = Callable[[str], bytes | None]
"""A status list credential URL -> its decoded bitstring, or None for a list the caller does not serve."""


@dataclass(frozen=True)
class Result:
    valid: bool
    reason: str = ""

    def __str__(self) -> str:
        return "valid" if self.valid else f"invalid: {self.reason}"


def _parse_datetime(value: Any) -> datetime:
    if not isinstance(value, str):
        raise ValueError("date is not a string")
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        raise ValueError("date without a time zone")
    return parsed


def _controller(verification_method: str) -> str:
    return verification_method.partition("#")[0]


def _issuer_id(document: Mapping[str, Any]) -> str | None:
    issuer = document.get("issuer")
    if isinstance(issuer, dict):
        issuer = issuer.get("id")
    return issuer if isinstance(issuer, str) else None


def _key_resolver(keys: Mapping[str, Ed25519PublicKey]) -> di.KeyResolver:
    def resolve(verification_method: str) -> Ed25519PublicKey:
        if verification_method in keys:
            return keys[verification_method]
        if verification_method.startswith("did:key:"):
            return di.resolve_did_key(verification_method)
        raise di.KeyResolutionError(f"unknown verification method: {verification_method}")

    return resolve


def _check_key_belongs_to_issuer(document: Mapping[str, Any], verification_method: str) -> bool:
    """A did:key issuer signs with its own key; a key published under a URL belongs to that issuer.

    A did:key verification method of an issuer identified by a URL (as in the W3C test vector) is
    accepted: the key is self-certifying, binding it to that issuer is up to the relying party.
    """
    issuer = _issuer_id(document)
    if issuer is None:
        return False
    controller = _controller(verification_method)
    if issuer.startswith("did:key:") or not controller.startswith("did:key:"):
        # A key published under the issuer's profile URL (…/issuers/<code>/keys/<id>/) is the issuer's.
        return controller == issuer or (issuer.endswith("/") and controller.startswith(issuer))
    return True


def _check_validity_period(document: Mapping[str, Any], now: datetime) -> Result | None:
    for key in ("validUntil", "expirationDate"):
        if key in document and _parse_datetime(document[key]) < now:
            return Result(valid=False, reason=EXPIRED)
    for key in ("validFrom", "issuanceDate"):
        if key in document and _parse_datetime(document[key]) > now:
            return Result(valid=False, reason=NOT_YET_VALID)
    return None


def credential_verify(
    document: Any,
    *,
    keys: Mapping[str, Ed25519PublicKey] | None = None,
    now: datetime | None = None,
    status_lists: StatusListResolver | None = None,
) -> Result:
    """Verify a credential (a parsed JSON object, or JSON text/bytes).

    `keys` maps verification method URLs to public keys this platform published; did:key methods
    resolve by themselves. Checks, in order: well-formed input, proof present and supported,
    contexts bundled, no term dropped by JSON-LD, key known, the signature (a mismatch is reported
    as tampered content or wrong key: the two cannot be told apart), the signing key is the
    issuer's (else wrong key), then the validity period against `now` (default: the current time),
    then, given `status_lists`, the revocation bit of a `BitstringStatusListEntry` on a list it serves.
    """
    try:
        return _verify(document, keys=keys or {}, now=now or datetime.now(tz=UTC), status_lists=status_lists)
    except Exception:  # never a traceback for a caller: anything unforeseen is malformed input
        return Result(valid=False, reason=MALFORMED)


def _check_status(document: Mapping[str, Any], status_lists: StatusListResolver) -> Result | None:
    statuses = document.get("credentialStatus")
    if statuses is None:
        return None
    for status in statuses if isinstance(statuses, list) else [statuses]:
        if not isinstance(status, dict):
            return Result(valid=False, reason=MALFORMED)
        if status.get("type") != "BitstringStatusListEntry" or status.get("statusPurpose") != "revocation":
            continue
        url, index = status.get("statusListCredential"), status.get("statusListIndex")
        if not isinstance(url, str) or not isinstance(index, str) or not index.isdigit():
            return Result(valid=False, reason=MALFORMED)
        bits = status_lists(url)
        if bits is None:
            continue
        if statuslist.bit(bits, int(index)):
            return Result(valid=False, reason=REVOKED)
    return None


def _verify(
    document: Any,
    *,
    keys: Mapping[str, Ed25519PublicKey],
    now: datetime,
    status_lists: StatusListResolver | None = None,
) -> Result:
    if isinstance(document, str | bytes):
        try:
            document = json.loads(document)
        except ValueError:
            return Result(valid=False, reason=MALFORMED)
    if not isinstance(document, dict) or "@context" not in document:
        return Result(valid=False, reason=MALFORMED)
    proof = document.get("proof")
    if proof is None:
        return Result(valid=False, reason=MISSING_PROOF)
    if not isinstance(proof, dict):
        return Result(valid=False, reason=MALFORMED)
    if proof.get("type") != di.PROOF_TYPE or proof.get("cryptosuite") != di.CRYPTOSUITE:
        return Result(valid=False, reason=UNSUPPORTED_PROOF)
    verification_method = proof.get("verificationMethod")
    if not isinstance(verification_method, str) or not isinstance(proof.get("proofValue"), str):
        return Result(valid=False, reason=MALFORMED)
    try:
        signature_ok = di.verify_proof(document, resolve_key=_key_resolver(keys))
    except di.UnknownContext:
        return Result(valid=False, reason=UNKNOWN_CONTEXT)
    except di.DroppedTermError:
        return Result(valid=False, reason=DROPPED_TERMS)
    except di.KeyResolutionError:
        return Result(valid=False, reason=UNKNOWN_METHOD)
    except di.DataIntegrityError:
        return Result(valid=False, reason=MALFORMED)
    if not signature_ok:
        return Result(valid=False, reason=TAMPERED)
    if not _check_key_belongs_to_issuer(document, verification_method):
        return Result(valid=False, reason=WRONG_KEY)
    try:
        period = _check_validity_period(document, now)
        revoked = _check_status(document, status_lists) if status_lists is not None else None
    except ValueError:
        return Result(valid=False, reason=MALFORMED)
    return revoked or period or Result(valid=True)
