"""Bundled contexts: identical to the reference copies, served offline, nothing else served."""

from __future__ import annotations

import socket

import pytest

from sanhak.common.shared_data import shared_data
from sanhak.credentials.contexts import BUNDLED, HERE, UnknownContextError, document_loader
from sanhak.credentials.tests.vectors import W3C_RDFC, read_json
from sanhak.credentials.verify import Result, credential_verify

REFERENCE = {
    "credentials-v2.jsonld": shared_data("vc", "w3c-contexts", "credentials-v2.jsonld"),
    "credentials-examples-v2.jsonld": shared_data("vc", "w3c-contexts", "credentials-examples-v2.jsonld"),
    "data-integrity-v2.jsonld": shared_data("vc", "w3c-contexts", "data-integrity-v2.jsonld"),
    "multikey-v1.jsonld": shared_data("vc", "w3c-contexts", "multikey-v1.jsonld"),
    "ob/context-3.0.1.json": shared_data("vc", "1edtech-ob3", "contexts", "context-3.0.1.json"),
    "ob/context-3.0.2.json": shared_data("vc", "1edtech-ob3", "contexts", "context-3.0.2.json"),
    "ob/context-3.0.3.json": shared_data("vc", "1edtech-ob3", "contexts", "context-3.0.3.json"),
    "ob/context.json": shared_data("vc", "1edtech-ob3", "contexts", "context.json"),
}


def test_bundled_files_are_the_reference_copies() -> None:
    assert sorted(BUNDLED.values()) == sorted(REFERENCE)
    for filename, reference in REFERENCE.items():
        assert (HERE / filename).read_bytes() == reference.read_bytes(), filename


def test_loader_serves_bundled_contexts() -> None:
    loaded = document_loader("https://www.w3.org/ns/credentials/v2")
    assert loaded["documentUrl"] == "https://www.w3.org/ns/credentials/v2"
    assert loaded["document"]["@context"]["@protected"] is True


@pytest.mark.parametrize(
    "url",
    ["https://w3id.org/citizenship/v4rc1", "https://www.w3.org/2018/credentials/v1", "file:///etc/passwd", ""],
)
def test_loader_refuses_everything_else(url: str) -> None:
    with pytest.raises(UnknownContextError, match=r"^unknown context: "):
        document_loader(url)


def test_verification_needs_no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket, "socket", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    assert credential_verify(read_json(W3C_RDFC / "signedDataInt.json")) == Result(True)
    assert credential_verify(read_json(W3C_RDFC / "employ" / "signedDataInt.json")) == Result(False, "unknown context")
