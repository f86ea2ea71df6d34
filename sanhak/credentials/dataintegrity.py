"""The `eddsa-rdfc-2022` cryptosuite of W3C Data Integrity (vc-di-eddsa), with Multikey and did:key.

transform: RDFC-1.0 (URDNA2015) canonical N-Quads via pyld, with only the bundled contexts;
terms that JSON-LD processing would silently drop are an error (`DroppedTermError`).
hash: SHA-256(canonical proof configuration) || SHA-256(canonical document).
sign/verify: Ed25519 over that 64-byte hash; `proofValue` is base58btc multibase (`z...`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import base58
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from frozendict import frozendict
from pyld import context_resolver, jsonld
from pyld.canon import URDNA2015
from pyld.identifier_issuer import IdentifierIssuer

from sanhak.credentials.contexts import UnknownContextError, document_loader

CRYPTOSUITE = "eddsa-rdfc-2022"
PROOF_TYPE = "DataIntegrityProof"
ED25519_PUB_PREFIX = b"\xed\x01"  # multicodec ed25519-pub (varint of 0xed)
ED25519_PRIV_PREFIX = b"\x80\x26"  # multicodec ed25519-priv (varint of 0x1300)

Json = dict[str, Any]


class DataIntegrityError(Exception):
    """A document or proof that cannot be processed; `reason` is the short text a verifier reports."""

    reason = "malformed input"

    def __init__(self, message: str = "", reason: str | None = None) -> None:
        super().__init__(message or reason or self.reason)
        if reason is not None:
            self.reason = reason


class DroppedTermError(DataIntegrityError):
    reason = "terms that would be silently dropped by JSON-LD processing"


class UnknownContext(DataIntegrityError):  # noqa: N818 - mirrors the verifier's reason
    reason = "unknown context"


class KeyResolutionError(DataIntegrityError):
    reason = "unknown verification method"


# --- multibase / Multikey / did:key ---------------------------------------------------------------


def multibase_encode(data: bytes) -> str:
    """base58btc multibase: 'z' + base58btc(data)."""
    return "z" + base58.b58encode(data).decode("ascii")


def multibase_decode(value: str) -> bytes:
    if not isinstance(value, str) or not value.startswith("z"):
        raise DataIntegrityError("only base58btc ('z') multibase is supported")
    try:
        return base58.b58decode(value[1:])
    except ValueError as exc:
        raise DataIntegrityError(f"invalid base58btc: {exc}") from exc


def public_key_to_multikey(public_key: Ed25519PublicKey) -> str:
    raw = public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)
    return multibase_encode(ED25519_PUB_PREFIX + raw)


def multikey_to_public_key(multikey: str) -> Ed25519PublicKey:
    data = multibase_decode(multikey)
    if len(data) != 34 or not data.startswith(ED25519_PUB_PREFIX):
        raise KeyResolutionError("not an Ed25519 Multikey public key")
    return Ed25519PublicKey.from_public_bytes(data[2:])


def private_key_from_multibase(value: str) -> Ed25519PrivateKey:
    """An Ed25519 secret key in Multikey form (multicodec ed25519-priv + 32-byte seed)."""
    data = multibase_decode(value)
    if len(data) != 34 or not data.startswith(ED25519_PRIV_PREFIX):
        raise DataIntegrityError("not an Ed25519 Multikey secret key")
    return Ed25519PrivateKey.from_private_bytes(data[2:])


def did_key_for(public_key: Ed25519PublicKey) -> str:
    """The did:key verification method URL (`did:key:z6Mk...#z6Mk...`) of a public key."""
    multikey = public_key_to_multikey(public_key)
    return f"did:key:{multikey}#{multikey}"


def resolve_did_key(verification_method: str) -> Ed25519PublicKey:
    """The Ed25519 public key of a did:key verification method URL (fragment must match, if given)."""
    if not verification_method.startswith("did:key:"):
        raise KeyResolutionError(f"not a did:key: {verification_method}")
    did, _, fragment = verification_method.partition("#")
    multikey = did.removeprefix("did:key:")
    if fragment and fragment != multikey:
        raise KeyResolutionError("did:key fragment does not match the key")
    return multikey_to_public_key(multikey)


# --- transformation and hashing ---------------------------------------------------------------------


def _is_absolute_iri(value: str) -> bool:
    scheme, sep, _ = value.partition(":")
    return bool(sep) and scheme[:1].isalpha() and all(c.isalnum() or c in "+-." for c in scheme)


def _check_expanded(node: Any) -> None:
    """Relative IRIs in @id / @type would be dropped from the RDF dataset without a word."""
    if isinstance(node, list):
        for item in node:
            _check_expanded(item)
        return
    if not isinstance(node, dict):
        return
    if "@value" in node:
        return
    node_id = node.get("@id")
    if isinstance(node_id, str) and not node_id.startswith("_:") and not _is_absolute_iri(node_id):
        raise DroppedTermError(f"relative IRI would be dropped: {node_id}")
    for node_type in node.get("@type", []) if isinstance(node.get("@type"), list) else []:
        if isinstance(node_type, str) and not node_type.startswith("_:") and not _is_absolute_iri(node_type):
            raise DroppedTermError(f"relative type would be dropped: {node_type}")
    for key, value in node.items():
        if key not in {"@id", "@type"}:
            _check_expanded(value)


def _unknown_context(exc: BaseException) -> UnknownContextError | None:
    """The UnknownContextError somewhere in pyld's chain of wrapped errors, if any."""
    seen: set[int] = set()
    stack: list[BaseException | None] = [exc]
    while stack:
        current = stack.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, UnknownContextError):
            return current
        cause = getattr(current, "cause", None)
        stack.extend([current.__cause__, current.__context__, cause if isinstance(cause, BaseException) else None])
    return None


def _context_key(context: Any) -> bytes:
    """pyld keys its cache of resolved embedded (type-scoped) contexts by their RFC 8785 canonical JSON,
    computed in pure Python for every typed node of every document. The key only has to be equal for equal
    contexts and different otherwise: a key-sorted `json.dumps` (C) is exactly that, several times faster.
    The RDF canonicalization itself (jsonld.py) keeps using RFC 8785."""
    return json.dumps(context, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=dict).encode()


context_resolver.canonicalize = _context_key


_process_context = jsonld.JsonLdProcessor._process_context


def _process_context_cached(  # noqa: PLR0917 - pyld's signature
    self: jsonld.JsonLdProcessor,
    active_ctx: Any,
    local_ctx: Any,
    options: Any,
    override_protected: bool = False,
    propagate: bool = True,
    validate_scoped: bool = True,
    cycles: Any = None,
) -> Any:
    """pyld caches each processed context against the identity (`_uuid`) of the active context it was
    applied to, but a type-scoped context (one that does not propagate) is applied to a fresh clone with
    a fresh identity, so it is processed again for every typed node of every document: most of the cost
    of signing or verifying an Open Badge. When the active context is an immutable (frozen, cached)
    one, give the clone an identity derived from it, so that the processed result is found in pyld's
    cache the next time. Same results (the test vectors check them byte for byte), a third less time."""
    frozen = isinstance(active_ctx, frozendict) and "_uuid" in active_ctx
    if not propagate and frozen and not active_ctx.get("previousContext"):
        child = self._clone_active_context(active_ctx)
        child["previousContext"] = active_ctx
        child["_uuid"] = f"{active_ctx['_uuid']}~scoped"
        active_ctx = child
    return _process_context(
        self, active_ctx, local_ctx, options, override_protected, propagate, validate_scoped, cycles
    )


jsonld.JsonLdProcessor._process_context = _process_context_cached


def _rdf_dataset(expanded: Any) -> dict[str, Any]:
    """The RDF dataset of an already expanded document: what `jsonld.to_rdf` does after it expands its
    input, without expanding it a second time (a third of the cost of canonicalization). Uses pyld's
    node-map and graph-to-RDF steps (pinned version; the test vectors check the result byte for byte)."""
    processor = jsonld.JsonLdProcessor()
    issuer = IdentifierIssuer("_:b")
    node_map: dict[str, Any] = {"@default": {}}
    processor._create_node_map(expanded, node_map, "@default", issuer)
    options = {"produceGeneralizedRdf": False, "rdfDirection": None, "processingMode": "json-ld-1.1"}
    return {
        name: processor._graph_to_rdf(graph, issuer, options)
        for name, graph in sorted(node_map.items())
        if name == "@default" or jsonld._is_absolute_iri(name)
    }


def canonicalize(document: Json) -> str:
    """RDFC-1.0 canonical N-Quads of a JSON-LD document, using only the bundled contexts.

    Raises DroppedTermError if expansion would silently drop a term, UnknownContext for a
    context that is not bundled, DataIntegrityError for anything else JSON-LD rejects.
    """
    dropped: list[str | None] = []
    options: dict[str, Any] = {"documentLoader": document_loader}
    try:
        expanded = jsonld.expand(document, options, on_property_dropped=dropped.append)  # expand copies it
        if dropped:
            raise DroppedTermError(f"terms would be dropped: {', '.join(str(d) for d in dropped)}")
        _check_expanded(expanded)
        nquads = URDNA2015().main(_rdf_dataset(expanded), {"algorithm": "URDNA2015", "format": "application/n-quads"})
    except DataIntegrityError:
        raise
    except Exception as exc:
        unknown = _unknown_context(exc)
        if unknown is not None:
            raise UnknownContext(str(unknown)) from exc
        raise DataIntegrityError(f"JSON-LD processing failed: {exc}") from exc
    if not isinstance(nquads, str):  # pragma: no cover - pyld returns a string for n-quads
        raise DataIntegrityError("canonicalization did not produce N-Quads")
    return nquads


def proof_configuration(proof: Json, document: Json) -> Json:
    """The proof options without proofValue, under the document's @context (vc-di-eddsa 3.2.5)."""
    if proof.get("type") != PROOF_TYPE or proof.get("cryptosuite") != CRYPTOSUITE:
        raise DataIntegrityError(f"not a {PROOF_TYPE} with cryptosuite {CRYPTOSUITE}")
    config = {key: value for key, value in proof.items() if key not in {"proofValue", "@context"}}
    config["@context"] = document.get("@context")
    return config


@dataclass(frozen=True)
class HashData:
    canonical_document: str
    canonical_proof_config: str
    document_hash: bytes
    proof_hash: bytes

    @property
    def combined(self) -> bytes:
        return self.proof_hash + self.document_hash


def hash_data(*, document: Json, proof_config: Json) -> HashData:
    """Canonicalize and hash the unsecured document and the proof configuration."""
    canonical_document = canonicalize(document)
    canonical_proof_config = canonicalize(proof_config)
    return HashData(
        canonical_document=canonical_document,
        canonical_proof_config=canonical_proof_config,
        document_hash=hashlib.sha256(canonical_document.encode("utf-8")).digest(),
        proof_hash=hashlib.sha256(canonical_proof_config.encode("utf-8")).digest(),
    )


# --- sign and verify --------------------------------------------------------------------------------


def sign(
    *,
    document: Json,
    private_key: Ed25519PrivateKey,
    verification_method: str,
    created: str,
    proof_purpose: str = "assertionMethod",
) -> Json:
    """A copy of `document` with a DataIntegrityProof (eddsa-rdfc-2022) added."""
    unsecured = {key: value for key, value in document.items() if key != "proof"}
    proof: Json = {
        "type": PROOF_TYPE,
        "cryptosuite": CRYPTOSUITE,
        "created": created,
        "verificationMethod": verification_method,
        "proofPurpose": proof_purpose,
    }
    data = hash_data(document=unsecured, proof_config=proof_configuration(proof, unsecured))
    proof["proofValue"] = multibase_encode(private_key.sign(data.combined))
    return {**unsecured, "proof": proof}


KeyResolver = Callable[[str], Ed25519PublicKey]


def verify_proof(document: Json, *, resolve_key: KeyResolver = resolve_did_key) -> bool:
    """Whether the document's eddsa-rdfc-2022 proof is a valid signature by the resolved key.

    Raises DataIntegrityError (or a subclass carrying the reason) when the document or proof
    cannot be processed at all; returns False when the signature does not match.
    """
    proof = document.get("proof")
    if not isinstance(proof, dict):
        raise DataIntegrityError("missing proof", reason="missing proof")
    verification_method = proof.get("verificationMethod")
    proof_value = proof.get("proofValue")
    if not isinstance(verification_method, str) or not isinstance(proof_value, str):
        raise DataIntegrityError("proof lacks verificationMethod or proofValue")
    unsecured = {key: value for key, value in document.items() if key != "proof"}
    config = proof_configuration(proof, unsecured)
    data = hash_data(document=unsecured, proof_config=config)
    public_key = resolve_key(verification_method)
    signature = multibase_decode(proof_value)
    try:
        public_key.verify(signature, data.combined)
    except InvalidSignature:
        return False
    return True
