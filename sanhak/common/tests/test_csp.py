"""The Content-Security-Policy: every HTML page carries it, files and JSON do not (a PDF in its frame
keeps the browser's viewer), and no template has an inline script or an on* handler it would block.
That the pages work under it is checked by every browser test (`common.browser.browser_page` fails on
any violation the browser reports)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings

from sanhak.enrollment.models import Enrollment
from sanhak.learning.tests.factories import classroom_create

POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self' 'unsafe-inline'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def policy(response) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """The header's directives, by name."""
    return dict(part.split(" ", 1) for part in response["Content-Security-Policy"].split("; "))


@pytest.mark.django_db
def test_pages_carry_the_policy(client, personas, catalog):
    for path in ["/", "/courses/", "/accounts/login/", "/api/docs"]:
        response = client.get(path)
        assert (path, response.status_code, policy(response)) == (path, 200, POLICY)
    client.force_login(personas.coordinator)
    response = client.get("/")
    assert (response.status_code, policy(response)) == (200, POLICY)
    assert policy(client.get("/does-not-exist/")) == POLICY  # the 404 page too
    assert response["Content-Security-Policy"] == (  # the directives in one order, every time
        "base-uri 'self'; default-src 'self'; form-action 'self'; frame-ancestors 'none'; img-src 'self' data:; "
        "object-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'"
    )


@pytest.mark.django_db
def test_files_and_json_are_served_without_it(client, personas, catalog):
    room = classroom_create(personas, catalog, trainees=(personas.student,))
    assert Enrollment.objects.filter(offering=room.offering, trainee=personas.student).exists()
    client.force_login(personas.student)
    media = client.get(f"/learning/lessons/{room.video.pk}/media")
    api = client.get("/api/courses")
    health = client.get("/healthz")
    assert [
        (r.status_code, r["Content-Type"].split(";")[0], "Content-Security-Policy" in r) for r in (media, api, health)
    ] == [
        (200, "video/webm", False),
        (200, "application/json", False),
        (200, "text/plain", False),
    ]


def _templates() -> list[Path]:
    root = Path(settings.BASE_DIR) / "sanhak"
    return sorted(p for p in root.rglob("*.html") if "templates" in p.parts)


INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*\btype=\"application/(?:ld\+)?json\")[^>]*>", re.I)
HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I)
JS_URL = re.compile(r"""(?:href|src|action)\s*=\s*["']\s*javascript:""", re.I)


def test_no_template_has_inline_script_or_handler():
    templates = _templates()
    assert len(templates) > 70
    found = [
        (str(p.relative_to(settings.BASE_DIR)), m.group(0)[:80])
        for p in templates
        for pattern in (INLINE_SCRIPT, HANDLER, JS_URL)
        for m in pattern.finditer(p.read_text(encoding="utf-8"))
    ]
    assert found == []
