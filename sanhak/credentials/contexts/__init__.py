"""JSON-LD contexts bundled with the platform, and a pyld document loader that serves only them.

Nothing is fetched from the network: a context URL that is not bundled raises `UnknownContextError`.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent

# URL -> file under this folder.
BUNDLED: dict[str, str] = {
    "https://www.w3.org/ns/credentials/v2": "credentials-v2.jsonld",
    "https://www.w3.org/ns/credentials/examples/v2": "credentials-examples-v2.jsonld",
    "https://w3id.org/security/data-integrity/v2": "data-integrity-v2.jsonld",
    "https://w3id.org/security/multikey/v1": "multikey-v1.jsonld",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json": "ob/context-3.0.1.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json": "ob/context-3.0.2.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json": "ob/context-3.0.3.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context.json": "ob/context.json",
}


class UnknownContextError(Exception):
    """A JSON-LD context URL that is not bundled with the platform."""

    def __init__(self, url: str) -> None:
        super().__init__(f"unknown context: {url}")
        self.url = url


@cache
def _load(filename: str) -> Any:
    return json.loads((HERE / filename).read_text(encoding="utf-8"))


def bundled_context(url: str) -> Any:
    """The parsed JSON of a bundled context, or UnknownContextError."""
    filename = BUNDLED.get(url)
    if filename is None:
        raise UnknownContextError(url)
    return _load(filename)


def document_loader(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
    """pyld documentLoader: serves bundled contexts only and refuses every other URL.

    The bundled contexts never change, so they are tagged "static": pyld then keeps each resolved
    context in its shared cache instead of resolving it again for every document."""
    return {
        "contentType": "application/ld+json",
        "contextUrl": None,
        "documentUrl": url,
        "document": bundled_context(url),
        "tag": "static",
    }
