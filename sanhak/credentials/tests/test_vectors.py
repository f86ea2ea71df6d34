"""Both test vectors, byte for byte: canonical forms, hashes, signature, signed document."""

from __future__ import annotations

import hashlib

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from sanhak.credentials import dataintegrity as di
from sanhak.credentials.tests.vectors import OB3, W3C, W3C_RDFC, read_json, read_text

W3C_VM = "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2#z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"


@pytest.fixture(scope="module")
def w3c_hashes() -> di.HashData:
    return di.hash_data(
        document=read_json(W3C / "unsigned.json"), proof_config=read_json(W3C_RDFC / "proofConfigDataInt.json")
    )


@pytest.fixture(scope="module")
def w3c_key() -> Ed25519PrivateKey:
    return di.private_key_from_multibase(read_json(W3C / "keyPair.json")["privateKeyMultibase"])


def test_w3c_canonical_document(w3c_hashes: di.HashData) -> None:
    assert w3c_hashes.canonical_document == read_text(W3C_RDFC / "canonDocDataInt.txt")
    assert w3c_hashes.canonical_document.count("\n") == 8


def test_w3c_document_hash(w3c_hashes: di.HashData) -> None:
    assert w3c_hashes.document_hash.hex() == read_text(W3C_RDFC / "docHashDataInt.txt").strip()
    assert w3c_hashes.document_hash.hex() == "517744132ae165a5349155bef0bb0cf2258fff99dfe1dbd914b938d775a36017"


def test_w3c_proof_configuration_from_proof_options() -> None:
    unsigned = read_json(W3C / "unsigned.json")
    proof = read_json(W3C_RDFC / "signedDataInt.json")["proof"]
    assert di.proof_configuration(proof, unsigned) == read_json(W3C_RDFC / "proofConfigDataInt.json")


def test_w3c_canonical_proof_config(w3c_hashes: di.HashData) -> None:
    assert w3c_hashes.canonical_proof_config == read_text(W3C_RDFC / "proofCanonDataInt.txt")


def test_w3c_proof_hash(w3c_hashes: di.HashData) -> None:
    assert w3c_hashes.proof_hash.hex() == read_text(W3C_RDFC / "proofHashDataInt.txt").strip()
    assert w3c_hashes.proof_hash.hex() == "bea7b7acfbad0126b135104024a5f1733e705108f42d59668b05c0c50004c6b0"
    assert w3c_hashes.proof_hash == hashlib.sha256(read_text(W3C_RDFC / "proofCanonDataInt.txt").encode()).digest()


def test_w3c_combined_hash(w3c_hashes: di.HashData) -> None:
    assert w3c_hashes.combined.hex() == read_text(W3C_RDFC / "combinedHashDataInt.txt").strip()


def test_w3c_key_pair(w3c_key: Ed25519PrivateKey) -> None:
    multikey = read_json(W3C / "keyPair.json")["publicKeyMultibase"]
    assert di.public_key_to_multikey(w3c_key.public_key()) == multikey
    assert di.did_key_for(w3c_key.public_key()) == W3C_VM
    assert di.public_key_to_multikey(di.resolve_did_key(W3C_VM)) == multikey
    assert di.public_key_to_multikey(di.multikey_to_public_key(multikey)) == multikey


def test_w3c_signature(w3c_hashes: di.HashData, w3c_key: Ed25519PrivateKey) -> None:
    signature = w3c_key.sign(w3c_hashes.combined)
    assert signature.hex() == read_text(W3C_RDFC / "sigHexDataInt.txt").strip()
    assert di.multibase_encode(signature) == read_text(W3C_RDFC / "sigBTC58DataInt.txt").strip()
    assert di.multibase_decode(read_text(W3C_RDFC / "sigBTC58DataInt.txt").strip()) == signature


def test_w3c_sign_produces_the_signed_document(w3c_key: Ed25519PrivateKey) -> None:
    signed = di.sign(
        document=read_json(W3C / "unsigned.json"),
        private_key=w3c_key,
        verification_method=W3C_VM,
        created="2023-02-24T23:36:38Z",
    )
    assert signed == read_json(W3C_RDFC / "signedDataInt.json")


def test_w3c_signed_document_verifies() -> None:
    assert di.verify_proof(read_json(W3C_RDFC / "signedDataInt.json")) is True


# --- 1EdTech Open Badges 3.0 -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def ob3_expected() -> dict[str, object]:
    return read_json(OB3 / "expected-values.json")


@pytest.fixture(scope="module")
def ob3_key(ob3_expected: dict[str, str]) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(bytes.fromhex(ob3_expected["privateKeySeedHex"]))


@pytest.fixture(scope="module")
def ob3_hashes(ob3_expected: dict[str, object]) -> di.HashData:
    unsigned = read_json(OB3 / "unsigned-obv3-credential.json")
    proof = ob3_expected["proofConfigWithoutContext"]
    assert isinstance(proof, dict)
    return di.hash_data(document=unsigned, proof_config=di.proof_configuration(proof, unsigned))


def test_ob3_key(ob3_expected: dict[str, str], ob3_key: Ed25519PrivateKey) -> None:
    multikey = di.public_key_to_multikey(ob3_key.public_key())
    assert multikey == ob3_expected["publicKeyMultibase"] == "z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi"
    assert di.multikey_to_public_key(multikey).public_bytes_raw().hex() == ob3_expected["publicKeyHex"]


def test_ob3_canonical_forms(ob3_hashes: di.HashData) -> None:
    assert ob3_hashes.canonical_document == read_text(OB3 / "document-canon.txt")
    assert ob3_hashes.canonical_proof_config == read_text(OB3 / "proof-canon.txt")


def test_ob3_hashes(ob3_hashes: di.HashData, ob3_expected: dict[str, str]) -> None:
    assert ob3_hashes.document_hash.hex() == ob3_expected["documentHashHex"]
    assert ob3_hashes.proof_hash.hex() == ob3_expected["proofHashHex"]
    assert ob3_hashes.combined.hex() == ob3_expected["hashDataHex"]


def test_ob3_signature(ob3_hashes: di.HashData, ob3_key: Ed25519PrivateKey, ob3_expected: dict[str, str]) -> None:
    signature = ob3_key.sign(ob3_hashes.combined)
    assert signature.hex() == ob3_expected["signatureHex"]
    assert di.multibase_encode(signature) == ob3_expected["proofValue"]


def test_ob3_sign_produces_the_signed_document(ob3_key: Ed25519PrivateKey) -> None:
    signed = di.sign(
        document=read_json(OB3 / "unsigned-obv3-credential.json"),
        private_key=ob3_key,
        verification_method="https://example.edu/issuers/565049#z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi",
        created="2010-01-01T19:23:24Z",
    )
    assert signed == read_json(OB3 / "signed-obv3-credential.json")


def test_ob3_signed_document_verifies_with_the_published_key(ob3_key: Ed25519PrivateKey) -> None:
    signed = read_json(OB3 / "signed-obv3-credential.json")
    assert di.verify_proof(signed, resolve_key=lambda vm: ob3_key.public_key()) is True
