"""credential_verify: valid, and every invalid reason."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from sanhak.credentials import dataintegrity as di
from sanhak.credentials.tests.vectors import OB3, W3C, W3C_RDFC, read_json, read_text
from sanhak.credentials.verify import Result, credential_verify

OB3_VM = "https://example.edu/issuers/565049#z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi"
NOW = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.fixture(scope="module")
def w3c_key() -> Ed25519PrivateKey:
    return di.private_key_from_multibase(read_json(W3C / "keyPair.json")["privateKeyMultibase"])


@pytest.fixture
def signed() -> dict[str, Any]:
    return read_json(W3C_RDFC / "signedDataInt.json")


def resign(document: dict[str, Any], key: Ed25519PrivateKey, vm: str | None = None) -> dict[str, Any]:
    return di.sign(
        document=document,
        private_key=key,
        verification_method=vm or di.did_key_for(key.public_key()),
        created="2024-01-01T00:00:00Z",
    )


def test_w3c_signed_vector_is_valid(signed: dict[str, Any]) -> None:
    assert credential_verify(signed, now=NOW) == Result(valid=True, reason="")
    assert str(credential_verify(signed)) == "valid"


def test_json_text_and_bytes_are_accepted() -> None:
    text = read_text(W3C_RDFC / "signedDataInt.json")
    assert credential_verify(text, now=NOW).valid is True
    assert credential_verify(text.encode(), now=NOW).valid is True


def test_ob3_vector_is_valid_with_the_published_key() -> None:
    seed = bytes.fromhex(read_json(OB3 / "expected-values.json")["privateKeySeedHex"])
    keys = {OB3_VM: Ed25519PrivateKey.from_private_bytes(seed).public_key()}
    assert credential_verify(read_json(OB3 / "signed-obv3-credential.json"), keys=keys, now=NOW) == Result(True)


def test_ob3_vector_without_the_published_key_is_an_unknown_method() -> None:
    result = credential_verify(read_json(OB3 / "signed-obv3-credential.json"), now=NOW)
    assert result == Result(valid=False, reason="unknown verification method")


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("credentialSubject", "alumniOf"), "The School of Forgeries"),
        (("name",), "Alumni Credential "),
        (("validFrom",), "2023-01-01T00:00:01Z"),
        (("proof", "created"), "2023-02-24T23:36:39Z"),
    ],
)
def test_tampered_content(signed: dict[str, Any], path: tuple[str, ...], value: str) -> None:
    target = signed
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    assert str(credential_verify(signed, now=NOW)) == "invalid: tampered content or wrong key"


def test_added_claim_is_tampering(signed: dict[str, Any]) -> None:
    signed["credentialSubject"]["degree"] = "PhD"
    assert credential_verify(signed, now=NOW).reason == "tampered content or wrong key"


def test_signature_by_another_key_than_the_named_one(signed: dict[str, Any]) -> None:
    other = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
    forged = resign(read_json(W3C / "unsigned.json"), other, vm=signed["proof"]["verificationMethod"])
    assert credential_verify(forged, now=NOW) == Result(False, "tampered content or wrong key")


def test_valid_signature_by_a_key_that_is_not_the_issuers(w3c_key: Ed25519PrivateKey) -> None:
    other = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
    document = read_json(W3C / "unsigned.json")
    document["issuer"] = di.did_key_for(w3c_key.public_key()).partition("#")[0]
    assert credential_verify(resign(document, w3c_key), now=NOW) == Result(True)
    assert credential_verify(resign(document, other), now=NOW) == Result(False, "wrong key")


def test_published_key_of_another_issuer_is_the_wrong_key() -> None:
    seed = bytes.fromhex(read_json(OB3 / "expected-values.json")["privateKeySeedHex"])
    key = Ed25519PrivateKey.from_private_bytes(seed)
    document = read_json(OB3 / "unsigned-obv3-credential.json")
    vm = "https://other.example/issuers/1#key-1"
    result = credential_verify(resign(document, key, vm=vm), keys={vm: key.public_key()}, now=NOW)
    assert result == Result(False, "wrong key")


def test_unknown_context_of_the_w3c_employment_vector() -> None:
    # https://w3id.org/citizenship/v4rc1 is not bundled: refused, never fetched.
    result = credential_verify(read_json(W3C_RDFC / "employ" / "signedDataInt.json"), now=NOW)
    assert result == Result(False, "unknown context")


def test_unknown_context_added(signed: dict[str, Any]) -> None:
    signed["@context"].append("https://example.org/contexts/unknown.jsonld")
    assert credential_verify(signed, now=NOW) == Result(False, "unknown context")


def test_unknown_context_error_names_the_url() -> None:
    with pytest.raises(di.UnknownContext, match=r"^unknown context: https://example\.org/x$"):
        di.canonicalize({"@context": "https://example.org/x", "name": "x"})


def test_dropped_term_is_invalid(w3c_key: Ed25519PrivateKey) -> None:
    document = read_json(W3C / "unsigned.json")
    document["@context"] = [*document["@context"], {"@vocab": None}]
    document["credentialSubject"]["undefinedTerm"] = "silently gone"
    # Signed by a careless issuer: the term would not be covered by the signature.
    secured = copy.deepcopy(document)
    secured["proof"] = {
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-rdfc-2022",
        "created": "2024-01-01T00:00:00Z",
        "verificationMethod": di.did_key_for(w3c_key.public_key()),
        "proofPurpose": "assertionMethod",
        "proofValue": "z" + "1" * 64,
    }
    result = credential_verify(secured, now=NOW)
    assert result == Result(False, "terms that would be silently dropped by JSON-LD processing")
    with pytest.raises(di.DroppedTermError, match=r"alumniOf, undefinedTerm"):
        di.canonicalize(document)
    with pytest.raises(di.DroppedTermError):
        di.sign(document=document, private_key=w3c_key, verification_method="did:key:x", created="2024-01-01T00:00:00Z")


def test_keyword_like_key_is_a_dropped_term(signed: dict[str, Any]) -> None:
    signed["@unknownKeyword"] = "x"
    assert credential_verify(signed, now=NOW).reason == "terms that would be silently dropped by JSON-LD processing"


@pytest.mark.parametrize(
    "document",
    [
        "{not json",
        b"\xff\xfe",
        "[]",
        "42",
        {"proof": {}},
        {"@context": "https://www.w3.org/ns/credentials/v2", "proof": "z123"},
    ],
)
def test_malformed_input(document: Any) -> None:
    assert credential_verify(document) == Result(False, "malformed input")


def test_malformed_proof_value(signed: dict[str, Any]) -> None:
    signed["proof"]["proofValue"] = "z0OIl"
    assert credential_verify(signed, now=NOW) == Result(False, "malformed input")
    signed["proof"]["proofValue"] = "u" + "A" * 86
    assert credential_verify(signed, now=NOW) == Result(False, "malformed input")


def test_malformed_did_key(signed: dict[str, Any]) -> None:
    signed["proof"]["verificationMethod"] = "did:key:zQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBme"
    assert credential_verify(signed, now=NOW) == Result(False, "unknown verification method")


def test_missing_and_unsupported_proof(signed: dict[str, Any]) -> None:
    unsigned = read_json(W3C / "unsigned.json")
    assert credential_verify(unsigned, now=NOW) == Result(False, "missing proof")
    signed["proof"]["cryptosuite"] = "eddsa-jcs-2022"
    assert credential_verify(signed, now=NOW) == Result(False, "unsupported proof")


def test_not_yet_valid(signed: dict[str, Any]) -> None:
    assert credential_verify(signed, now=datetime(2022, 12, 31, 23, 59, 59, tzinfo=UTC)) == Result(
        False, "not yet valid"
    )
    assert credential_verify(signed, now=datetime(2023, 1, 1, tzinfo=UTC)) == Result(True)


@pytest.mark.parametrize("field", ["validUntil", "expirationDate"])
def test_expired(w3c_key: Ed25519PrivateKey, field: str) -> None:
    document = read_json(W3C / "unsigned.json")
    document[field] = "2025-06-30T23:59:59Z"
    secured = resign(document, w3c_key)
    assert credential_verify(secured, now=datetime(2025, 6, 30, 23, 59, 59, tzinfo=UTC)) == Result(True)
    assert credential_verify(secured, now=datetime(2025, 7, 1, tzinfo=UTC)) == Result(False, "expired")


def test_issuance_date_in_the_future_is_not_yet_valid(w3c_key: Ed25519PrivateKey) -> None:
    document = read_json(W3C / "unsigned.json")
    del document["validFrom"]
    document["issuanceDate"] = "2030-01-01T00:00:00Z"
    assert credential_verify(resign(document, w3c_key), now=NOW) == Result(False, "not yet valid")


def test_unparseable_date_is_malformed(w3c_key: Ed25519PrivateKey) -> None:
    document = read_json(W3C / "unsigned.json")
    document["validUntil"] = "next tuesday"
    assert credential_verify(resign(document, w3c_key), now=NOW) == Result(False, "malformed input")
