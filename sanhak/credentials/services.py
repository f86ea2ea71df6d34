"""Issuer keys, published keys and profiles, status entries, revocation, and signing with the platform's key."""

from __future__ import annotations

import base64
import uuid
from datetime import UTC
from typing import Any

from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat
from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Count, FilteredRelation, Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from sanhak.accounts.models import Institution
from sanhak.common.errors import DomainError, forbidden
from sanhak.credentials import dataintegrity as di
from sanhak.credentials import statuslist
from sanhak.credentials.models import STATUS_LIST_BITS, IssuedCredential, IssuerKey, StatusEntry

Json = dict[str, Any]
VC_V2 = "https://www.w3.org/ns/credentials/v2"
MULTIKEY_V1 = "https://w3id.org/security/multikey/v1"


# --- URLs -------------------------------------------------------------------------------------------


def absolute_url(path: str) -> str:
    base = str(getattr(settings, "SANHAK_BASE_URL", "http://127.0.0.1:8000")).rstrip("/")
    return base + path


def profile_url(institution: Institution) -> str:
    return absolute_url(reverse("credentials:issuer_profile", args=[institution.code]))


def key_url(key: IssuerKey) -> str:
    return absolute_url(reverse("credentials:issuer_key", args=[key.institution.code, key.pk]))


def status_list_url(institution: Institution) -> str:
    return absolute_url(reverse("credentials:status_list", args=[institution.code]))


# --- issuer keys ------------------------------------------------------------------------------------


def _fernet() -> Fernet:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"sanhak.credentials.issuer-key")
    return Fernet(base64.urlsafe_b64encode(hkdf.derive(settings.SECRET_KEY.encode("utf-8"))))


def private_key(key: IssuerKey) -> Ed25519PrivateKey:
    seed = _fernet().decrypt(bytes(key.encrypted_seed))
    return Ed25519PrivateKey.from_private_bytes(seed)


def public_key(key: IssuerKey) -> Ed25519PublicKey:
    return di.multikey_to_public_key(key.public_key_multibase)


def issuer_key_for(institution: Institution) -> IssuerKey:
    """The institution's active signing key, created (and stored encrypted) the first time."""
    key = IssuerKey.objects.filter(institution=institution, active=True).select_related("institution").first()
    if key is not None:
        return key
    secret = Ed25519PrivateKey.generate()
    seed = secret.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    try:
        with transaction.atomic():
            return IssuerKey.objects.create(
                institution=institution,
                encrypted_seed=_fernet().encrypt(seed),
                public_key_multibase=di.public_key_to_multikey(secret.public_key()),
            )
    except IntegrityError:  # another request created it first
        return IssuerKey.objects.select_related("institution").get(institution=institution, active=True)


def published_keys() -> dict[str, Ed25519PublicKey]:
    """{key URL: public key} of every key the platform publishes, for credential_verify(keys=...)."""
    return {key_url(key): public_key(key) for key in IssuerKey.objects.select_related("institution")}


def issuer_profile(institution: Institution) -> Json:
    """The institution's Open Badges 3.0 Profile."""
    return {
        "@context": [VC_V2, "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
        "id": profile_url(institution),
        "type": ["Profile"],
        "name": institution.name_ko,
    }


def key_document(key: IssuerKey) -> Json:
    return {
        "@context": MULTIKEY_V1,
        "id": key_url(key),
        "type": "Multikey",
        "controller": profile_url(key.institution),
        "publicKeyMultibase": key.public_key_multibase,
    }


def now_iso() -> str:
    return timezone.now().astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def credential_sign(*, document: Json, institution: Institution, created: str | None = None) -> Json:
    """`document` signed (eddsa-rdfc-2022) with the institution's active key."""
    key = issuer_key_for(institution)
    return di.sign(
        document=document,
        private_key=private_key(key),
        verification_method=key_url(key),
        created=created or now_iso(),
    )


# --- status list and revocation ----------------------------------------------------------------------


def status_entry_allocate(institution: Institution) -> StatusEntry:
    """The next free position in the institution's revocation list."""
    with transaction.atomic():
        Institution.objects.select_for_update().filter(pk=institution.pk).first()
        last = StatusEntry.objects.filter(institution=institution).aggregate(m=Max("index"))["m"]
        index = 0 if last is None else last + 1
        if index >= STATUS_LIST_BITS:
            raise DomainError(_("상태 목록이 가득 찼습니다. / The status list is full."), code="status_list_full")
        return StatusEntry.objects.create(institution=institution, index=index)


def credential_status(entry: StatusEntry) -> Json:
    """The `credentialStatus` property for a credential that uses `entry`."""
    url = status_list_url(entry.institution)
    return {
        "id": f"{url}#{entry.index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": str(entry.index),
        "statusListCredential": url,
    }


def credential_revoke(*, entry: StatusEntry, by: Any, reason: str) -> StatusEntry:
    """Revoke: coordinators of the entry's institution and program admins; anyone else 403."""
    allowed = getattr(by, "is_authenticated", False) and (
        by.is_program_admin or entry.institution_id in by.coordinated_institution_ids
    )
    if not allowed:
        raise forbidden()
    with transaction.atomic():
        locked = StatusEntry.objects.select_for_update().get(pk=entry.pk)
        if not locked.revoked:
            locked.revoked = True
            locked.revoked_at = timezone.now()
            locked.revoked_by = by
            locked.reason = reason[:300]
            locked.save(update_fields=["revoked", "revoked_at", "revoked_by", "reason"])
    entry.refresh_from_db()
    return entry


def credential_share(*, credential: IssuedCredential, shared: bool) -> IssuedCredential:
    """The recipient shows (or hides) their name on the credential's public link."""
    IssuedCredential.objects.filter(pk=credential.pk).update(shared=shared)
    credential.shared = shared
    return credential


def _revoked_indexes(institution: Institution) -> list[int]:
    return list(StatusEntry.objects.filter(institution=institution, revoked=True).values_list("index", flat=True))


def encoded_list(institution: Institution) -> str:
    return statuslist.encode(_revoked_indexes(institution))


def status_list_credential(institution: Institution, *, created: str | None = None) -> Json:
    """The institution's BitstringStatusListCredential (revocation), signed with its issuer key."""
    url = status_list_url(institution)
    now = created or now_iso()
    document: Json = {
        "@context": [VC_V2],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": profile_url(institution),
        "validFrom": now,
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encoded_list(institution),
        },
    }
    return credential_sign(document=document, institution=institution, created=now)


def status_list_published(institution: Institution) -> Json:
    """The signed status list as served: re-signed only when a revocation changed it (or after a day),
    not on every request."""
    state = StatusEntry.objects.filter(institution=institution, revoked=True).aggregate(
        n=Count("id"), last=Max("revoked_at")
    )
    last = state["last"].isoformat() if state["last"] else "-"
    key = f"credentials:status-list:{institution.pk}:{state['n']}:{last}"
    document = cache.get(key)
    if document is None:
        document = status_list_credential(institution)
        cache.set(key, document, 24 * 3600)
    return document


def status_list_bits(url: str) -> bytes | None:
    """The revocation bitstring of a status list this platform serves, from the database (no network)."""
    prefix, _sep, code = url.rstrip("/").rpartition("/")
    if not prefix or status_list_url(Institution(code=code)) != url:
        return None
    # One query: the institution (None if unknown) with its revoked indexes, LEFT JOINed.
    rows = list(
        Institution.objects.filter(code=code)
        .annotate(revoked_entry=FilteredRelation("status_entries", condition=Q(status_entries__revoked=True)))
        .values_list("pk", "revoked_entry__index")
    )
    if not rows:
        return None
    return statuslist.bitstring([index for _pk, index in rows if index is not None])


def credential_issue(
    *,
    document: Json,
    institution: Institution,
    created: str | None = None,
    credential_id: uuid.UUID | None = None,
    recipient: Any = None,
    certificate_number: str | None = None,
) -> IssuedCredential:
    """Sign `document` with a fresh revocation status entry and keep it for its public link."""
    with transaction.atomic():
        entry = status_entry_allocate(institution)
        unsigned = {**document, "credentialStatus": credential_status(entry)}
        signed = credential_sign(document=unsigned, institution=institution, created=created)
        return IssuedCredential.objects.create(
            id=credential_id or uuid.uuid4(),
            institution=institution,
            status_entry=entry,
            document=signed,
            recipient=recipient,
            certificate_number=certificate_number,
        )
