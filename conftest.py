"""Suite-wide fixtures: the personas, an API client with a bearer token, query counting."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop


@pytest.fixture
def personas(db):  # type: ignore[no-untyped-def]
    from sanhak.common.personas import personas_create

    return personas_create()
