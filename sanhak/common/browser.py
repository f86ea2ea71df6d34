"""Playwright driving Debian's Chromium (headless) for the browser tests."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.db import connections

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--autoplay-policy=no-user-gesture-required",
]


def chromium_available() -> bool:
    return Path(CHROMIUM).exists()


def browser_test_marks() -> list[Any]:
    """The marks of a module of browser tests (`pytestmark = browser_test_marks()`): a live server, so
    real transactions; skipped where Debian's Chromium is missing, except under CI, where it must run."""
    import pytest

    return [
        pytest.mark.browser,
        pytest.mark.django_db(transaction=True),
        pytest.mark.skipif(
            not chromium_available() and os.environ.get("CI") != "true", reason="Debian chromium not installed"
        ),
    ]


@contextmanager
def browser_page(*, locale: str = "ko-KR") -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        context = browser.new_context(locale=locale, timezone_id="Asia/Seoul", viewport={"width": 1280, "height": 900})
        # Whatever the page's Content-Security-Policy blocks is reported and fails the test: the pages
        # must work under the policy they are served with (no inline scripts or handlers).
        context.add_init_script(
            "document.addEventListener('securitypolicyviolation', e => "
            "console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));"
        )
        page = context.new_page()
        violations: list[str] = []
        page.on("console", lambda m: violations.append(m.text) if "CSP violation" in m.text else None)
        page.set_default_timeout(15_000)
        try:
            yield page
            assert violations == [], f"Content-Security-Policy violations: {violations}"
        finally:
            context.close()
            browser.close()
            # Inside Playwright's running event loop Django hands out connections of their own
            # (asgiref's context-local storage), apart from the test's: close those here, or they
            # stay open after the run and the test database cannot be dropped.
            connections.close_all()


def login(page: Any, base: str, email: str, password: str) -> None:
    """Log in through the login page and wait for the home page."""
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("이메일").fill(email)
    page.get_by_label("비밀번호").fill(password)
    page.get_by_role("button", name="로그인").click()
    page.wait_for_url(f"{base}/")


def logout(page: Any) -> None:
    page.get_by_role("button", name="로그아웃").click()
