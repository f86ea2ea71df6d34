"""The browser helper leaves no database connection behind (else the test database cannot be dropped)."""

from __future__ import annotations

from django.db import connections

from sanhak.accounts.models import User
from sanhak.common.browser import browser_page, browser_test_marks

pytestmark = browser_test_marks()


def test_a_connection_opened_inside_the_browser_block_is_closed_with_it(personas):
    outer = connections["default"]
    with browser_page():
        inner = connections["default"]  # Playwright's running loop: a connection of its own
        assert inner is not outer
        assert User.objects.filter(email="manager@sanhak.test").count() == 1
        assert inner.connection is not None
    in_memory = inner.vendor == "sqlite" and inner.is_in_memory_db()  # Django never closes one of those
    assert inner.connection is None or in_memory
    assert User.objects.count() == User.objects.count()  # the test's own connection still works
