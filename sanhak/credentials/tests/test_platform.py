"""Issuer keys, profiles, status lists, revocation, the verification page and API."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from cryptography.fernet import InvalidToken
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.test import RequestFactory, override_settings
from django.utils import translation

from sanhak.common.errors import DomainError
from sanhak.credentials import services, statuslist
from sanhak.credentials.models import IssuerKey, StatusEntry
from sanhak.credentials.verification import REASONS, platform_verify, verdict
from sanhak.credentials.verify import Result, credential_verify
from sanhak.credentials.views import status_list

BASE = "http://127.0.0.1:8000"
CREATED = "2026-01-01T00:00:00Z"


def _credential(personas: Any, status: dict[str, Any] | None = None) -> dict[str, Any]:
    document: dict[str, Any] = {
        "@context": ["https://www.w3.org/ns/credentials/v2", "https://www.w3.org/ns/credentials/examples/v2"],
        "id": "urn:uuid:58172aac-d8ba-11ed-83dd-0b3aef56cc33",
        "type": ["VerifiableCredential", "CompletionCredential"],
        "issuer": services.profile_url(personas.lead),
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:trainee", "completed": "스마트공장 기초"},
    }
    if status is not None:
        document["credentialStatus"] = status
    return services.credential_sign(document=document, institution=personas.lead, created=CREATED)


@pytest.fixture
def signed(personas: Any) -> dict[str, Any]:
    return _credential(personas)


def test_issuer_key_is_created_once_and_stored_encrypted(personas: Any) -> None:
    key = services.issuer_key_for(personas.lead)
    assert services.issuer_key_for(personas.lead).pk == key.pk
    assert IssuerKey.objects.count() == 1
    seed = services.private_key(key).private_bytes_raw()
    assert seed not in bytes(key.encrypted_seed)
    assert len(seed) == 32
    assert key.public_key_multibase.startswith("z6Mk")
    with override_settings(SECRET_KEY="another-secret-key-entirely-0123456789"), pytest.raises(InvalidToken):
        services.private_key(key)


def test_issuer_profile_document(client: Any, personas: Any) -> None:
    response = client.get("/credentials/issuers/inu/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": f"{BASE}/credentials/issuers/inu/",
        "type": ["Profile"],
        "name": "인천대학교",
    }
    ld = client.get("/credentials/issuers/inu/", HTTP_ACCEPT="application/ld+json")
    assert ld["Content-Type"] == "application/ld+json"
    assert client.get("/credentials/issuers/nope/").status_code == 404


@override_settings(SANHAK_BASE_URL="https://sanhak.example.kr/")
def test_key_document_uses_the_base_url(client: Any, personas: Any) -> None:
    key = services.issuer_key_for(personas.lead)
    response = client.get(f"/credentials/issuers/inu/keys/{key.pk}/")
    assert response.status_code == 200
    assert response.json() == {
        "@context": "https://w3id.org/security/multikey/v1",
        "id": f"https://sanhak.example.kr/credentials/issuers/inu/keys/{key.pk}/",
        "type": "Multikey",
        "controller": "https://sanhak.example.kr/credentials/issuers/inu/",
        "publicKeyMultibase": key.public_key_multibase,
    }
    assert client.get(f"/credentials/issuers/inha/keys/{key.pk}/").status_code == 404


def test_platform_signed_credential_verifies_with_published_keys(personas: Any, signed: dict[str, Any]) -> None:
    key = IssuerKey.objects.get()
    assert signed["proof"]["verificationMethod"] == f"{BASE}/credentials/issuers/inu/keys/{key.pk}/"
    assert set(services.published_keys()) == {f"{BASE}/credentials/issuers/inu/keys/{key.pk}/"}
    assert credential_verify(signed, keys=services.published_keys()) == Result(valid=True, reason="")
    assert credential_verify(signed) == Result(valid=False, reason="unknown verification method")
    tampered = copy.deepcopy(signed)
    tampered["credentialSubject"]["completed"] = "박사"
    assert credential_verify(tampered, keys=services.published_keys()) == Result(False, "tampered content or wrong key")


def test_a_key_of_another_institution_is_the_wrong_key(personas: Any, signed: dict[str, Any]) -> None:
    document = {k: v for k, v in signed.items() if k != "proof"}
    document["issuer"] = services.profile_url(personas.partner)
    forged = services.credential_sign(document=document, institution=personas.lead, created=CREATED)
    assert credential_verify(forged, keys=services.published_keys()) == Result(False, "wrong key")


def test_status_list_round_trip() -> None:
    encoded = statuslist.encode([0, 7, 8, 131071])
    assert encoded.startswith("u")
    assert "=" not in encoded
    bits = statuslist.decode(encoded)
    assert len(bits) == 16384
    assert [i for i in (0, 1, 6, 7, 8, 9, 131070, 131071) if statuslist.bit(bits, i)] == [0, 7, 8, 131071]
    assert bits[0] == 0b10000001
    assert bits[1] == 0b10000000
    with pytest.raises(ValueError, match="out of range"):
        statuslist.encode([131072])
    with pytest.raises(ValueError, match="base64url"):
        statuslist.decode("zabc")


def test_status_entries_are_allocated_in_order(personas: Any) -> None:
    first = services.status_entry_allocate(personas.lead)
    second = services.status_entry_allocate(personas.lead)
    other = services.status_entry_allocate(personas.partner)
    assert (first.index, second.index, other.index) == (0, 1, 0)
    assert services.credential_status(second) == {
        "id": f"{BASE}/credentials/status/inu/#1",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": "1",
        "statusListCredential": f"{BASE}/credentials/status/inu/",
    }


def test_revocation_flips_verification_to_revoked(personas: Any) -> None:
    services.status_entry_allocate(personas.lead)
    entry = services.status_entry_allocate(personas.lead)
    credential = _credential(personas, services.credential_status(entry))
    assert platform_verify(credential) == Result(valid=True, reason="")

    services.credential_revoke(entry=entry, by=personas.coordinator, reason="부정 수료")
    entry.refresh_from_db()
    assert (entry.revoked, entry.revoked_by, entry.reason) == (True, personas.coordinator, "부정 수료")
    assert entry.revoked_at is not None
    assert platform_verify(credential) == Result(valid=False, reason="revoked")
    # Without a status list resolver the signature alone still checks out.
    assert credential_verify(credential, keys=services.published_keys()) == Result(valid=True, reason="")


def test_program_admin_may_revoke(personas: Any) -> None:
    entry = services.status_entry_allocate(personas.partner)
    services.credential_revoke(entry=entry, by=personas.admin, reason="error")
    assert StatusEntry.objects.get(pk=entry.pk).revoked is True


@pytest.mark.parametrize("who", ["instructor", "worker", "manager", "student", "lab_manager"])
def test_others_may_not_revoke_and_nothing_changes(personas: Any, who: str) -> None:
    entry = services.status_entry_allocate(personas.lead)
    with pytest.raises(DomainError) as info:
        services.credential_revoke(entry=entry, by=getattr(personas, who), reason="x")
    assert info.value.status == 403
    row = StatusEntry.objects.get(pk=entry.pk)
    assert (row.revoked, row.revoked_at, row.revoked_by, row.reason) == (False, None, None, "")


def test_a_coordinator_of_another_institution_may_not_revoke(personas: Any) -> None:
    entry = services.status_entry_allocate(personas.partner)
    with pytest.raises(DomainError):
        services.credential_revoke(entry=entry, by=personas.coordinator, reason="x")
    assert StatusEntry.objects.get(pk=entry.pk).revoked is False


def test_status_list_credential_is_served_signed_and_decodes(client: Any, personas: Any) -> None:
    entries = [services.status_entry_allocate(personas.lead) for _ in range(3)]
    services.credential_revoke(entry=entries[2], by=personas.coordinator, reason="x")
    response = client.get("/credentials/status/inu/")
    assert response.status_code == 200
    document = response.json()
    assert document["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert document["id"] == f"{BASE}/credentials/status/inu/"
    assert document["issuer"] == f"{BASE}/credentials/issuers/inu/"
    subject = document["credentialSubject"]
    assert (subject["type"], subject["statusPurpose"]) == ("BitstringStatusList", "revocation")
    bits = statuslist.decode(subject["encodedList"])
    assert len(bits) * 8 == 131072
    assert [statuslist.bit(bits, i) for i in range(4)] == [False, False, True, False]
    assert credential_verify(document, keys=services.published_keys()) == Result(valid=True, reason="")


def test_no_status_list_before_anything_is_issued(client: Any, personas: Any) -> None:
    assert client.get("/credentials/status/inha/").status_code == 404
    assert not IssuerKey.objects.filter(institution=personas.partner).exists()
    request = RequestFactory().get("/credentials/status/inha/")
    with pytest.raises(Http404) as exc:
        status_list(request, "inha")
    assert str(exc.value) == "이 기관은 아직 발급한 자격증명이 없습니다. / This institution has issued nothing yet."
    with translation.override("en"), pytest.raises(Http404) as exc:
        status_list(request, "inha")
    assert str(exc.value) == "This institution has issued nothing yet."


# --- the verification page and API ------------------------------------------------------------------


def test_verify_page_get(client: Any, db: Any) -> None:
    response = client.get("/credentials/verify/")
    assert response.status_code == 200
    assert "<h1>수료증 검증</h1>" in response.content.decode()


def test_verify_page_valid_tampered_malformed(client: Any, signed: dict[str, Any]) -> None:
    ok = client.post("/credentials/verify/", {"credential": json.dumps(signed)})
    assert ok.status_code == 200
    assert ok.context["result"] == Result(valid=True, reason="")
    assert ok.context["message"] == "유효함"

    tampered = copy.deepcopy(signed)
    tampered["validFrom"] = "2025-01-01T00:00:00Z"
    bad = client.post("/credentials/verify/", {"credential": json.dumps(tampered)})
    assert bad.context["message"] == "유효하지 않음: 내용이 변조되었거나 키가 다름"

    junk = client.post("/credentials/verify/", {"credential": "{not json"})
    assert junk.status_code == 200
    assert junk.context["message"] == "유효하지 않음: 입력 형식이 올바르지 않음"


def test_verify_page_in_english(client: Any, signed: dict[str, Any]) -> None:
    client.cookies["django_language"] = "en"
    page = client.get("/credentials/verify/").content.decode()
    assert "<title>Verify a credential" in page and "<h1>Verify a credential</h1>" in page
    assert '<label for="id_credential">Paste the JSON</label>' in page
    assert '<label for="id_file">or upload a file</label>' in page
    assert '<button type="submit">Verify</button>' in page
    assert '<p class="muted">Nothing is fetched from the network.</p>' in page
    assert "검증" not in page and "붙여넣기" not in page
    ok = client.post("/credentials/verify/", {"credential": json.dumps(signed)})
    assert ok.context["message"] == "Valid"
    tampered = copy.deepcopy(signed)
    tampered["validFrom"] = "2025-01-01T00:00:00Z"
    bad = client.post("/credentials/verify/", {"credential": json.dumps(tampered)})
    assert bad.context["message"] == "Invalid: tampered content or wrong key"
    junk = client.post("/credentials/verify/", {"credential": "{not json"})
    assert junk.context["message"] == "Invalid: malformed input"


def test_every_reason_reads_in_both_languages() -> None:
    for reason in REASONS:
        with translation.override("en"):
            assert verdict(Result(valid=False, reason=reason)) == f"Invalid: {reason}"
        assert verdict(Result(valid=False, reason=reason)) == f"유효하지 않음: {REASONS[reason]}"
    assert verdict(Result(valid=False, reason="revoked")) == "유효하지 않음: 취소됨"
    assert verdict(Result(valid=False, reason="something new")) == "유효하지 않음: something new"


def test_verify_page_file_upload(client: Any, signed: dict[str, Any]) -> None:
    upload = SimpleUploadedFile("cert.json", json.dumps(signed).encode(), content_type="application/json")
    response = client.post("/credentials/verify/", {"file": upload})
    assert response.context["result"] == Result(valid=True, reason="")


def test_verify_page_never_fetches_a_url(client: Any, db: Any) -> None:
    response = client.get("/credentials/verify/?url=https://example.com/cred.json")
    assert response.status_code == 200
    assert response.context["result"] is None


def test_verify_api(client: Any, personas: Any, signed: dict[str, Any]) -> None:
    url = "/api/credentials/verify"
    ok = client.post(url, json.dumps(signed), content_type="application/json")
    assert (ok.status_code, ok.json()) == (200, {"valid": True, "reason": ""})

    tampered = copy.deepcopy(signed)
    tampered["credentialSubject"]["id"] = "did:example:someone-else"
    bad = client.post(url, json.dumps(tampered), content_type="application/json")
    assert bad.json() == {"valid": False, "reason": "tampered content or wrong key"}

    for body in ("{oops", "[]", "42", '"text"', "", '{"@context": 5, "proof": 7}'):
        response = client.post(url, body, content_type="application/json")
        assert (response.status_code, response.json()) == (200, {"valid": False, "reason": "malformed input"}), body


def test_verify_api_reports_revoked(client: Any, personas: Any) -> None:
    entry = services.status_entry_allocate(personas.lead)
    credential = _credential(personas, services.credential_status(entry))
    services.credential_revoke(entry=entry, by=personas.admin, reason="x")
    response = client.post("/api/credentials/verify", json.dumps(credential), content_type="application/json")
    assert response.json() == {"valid": False, "reason": "revoked"}


def test_stored_credential_link(client: Any, personas: Any) -> None:
    document = {k: v for k, v in _credential(personas).items() if k != "proof"}
    stored = services.credential_issue(document=document, institution=personas.lead, created=CREATED)
    assert stored.document["credentialStatus"]["statusListIndex"] == "0"
    response = client.get(f"/credentials/verify/{stored.pk}/")
    assert response.status_code == 200
    assert response.context["message"] == "유효함"
    assert stored.status_entry is not None
    services.credential_revoke(entry=stored.status_entry, by=personas.coordinator, reason="x")
    response = client.get(f"/credentials/verify/{stored.pk}/")
    assert response.context["message"] == "유효하지 않음: 취소됨"
    client.cookies["django_language"] = "en"
    page = client.get(f"/credentials/verify/{stored.pk}/").content.decode()
    assert "<strong>Invalid: revoked</strong>" in page
    assert client.get("/credentials/verify/00000000-0000-0000-0000-000000000000/").status_code == 404


def test_admin_lists_load_and_never_show_the_private_key(client: Any, personas: Any) -> None:
    key = services.issuer_key_for(personas.lead)
    services.credential_issue(document=_unsigned(personas), institution=personas.lead, created=CREATED)
    client.force_login(personas.admin)
    for name in ("issuerkey", "statusentry", "issuedcredential"):
        assert client.get(f"/admin/credentials/{name}/").status_code == 200, name
    page = client.get(f"/admin/credentials/issuerkey/{key.pk}/change/")
    assert page.status_code == 200
    assert "encrypted_seed" not in page.content.decode()


def _unsigned(personas: Any) -> dict[str, Any]:
    return {k: v for k, v in _credential(personas).items() if k != "proof"}


def test_verify_api_is_public_even_with_csrf_checks(personas: Any) -> None:
    from django.test import Client

    anonymous = Client(enforce_csrf_checks=True)
    logged_in = Client(enforce_csrf_checks=True)
    logged_in.force_login(personas.worker)
    for client in (anonymous, logged_in):
        response = client.post("/api/credentials/verify", "x", content_type="text/plain")
        assert (response.status_code, response.json()) == (200, {"valid": False, "reason": "malformed input"})
