"""The main enrollment flow in a real browser: nominate, approve, see it in "my courses"."""

from __future__ import annotations

import os

from sanhak.common import browser
from sanhak.common.browser import browser_page, browser_test_marks, logout
from sanhak.common.personas import DEMO_PASSWORD

pytestmark = browser_test_marks()


def login(page, base: str, email: str) -> None:  # type: ignore[no-untyped-def]
    browser.login(page, base, email, DEMO_PASSWORD)


def test_manager_nominates_coordinator_approves_worker_sees_it(live_server, personas, catalog):
    base = live_server.url
    offering = catalog.robot_offering
    with browser_page() as page:
        # The company manager finds the course by a Korean search and nominates two workers.
        login(page, base, "manager@sanhak.test")
        page.goto(f"{base}/courses/?q=로봇")
        page.get_by_role("link", name="산업용 로봇 운용").click()
        page.get_by_label("오재직").check()
        page.get_by_label("윤현장").check()
        page.get_by_role("button", name="선택한 직원 추천").click()
        page.get_by_text("2명을 추천했습니다").wait_for()
        logout(page)

        # The coordinator approves both from the roster.
        login(page, base, "coordinator@sanhak.test")
        page.goto(f"{base}/enrollment/offerings/{offering.pk}/roster/")
        page.get_by_role("button", name="승인 오재직").click()
        page.get_by_text("오재직 님을 승인했습니다").wait_for()
        page.get_by_role("button", name="승인 윤현장").click()
        page.get_by_text("윤현장 님을 승인했습니다").wait_for()
        assert page.get_by_text("승인 2 / 정원 3").is_visible()
        logout(page)

        # The worker sees the approved course in "my courses".
        login(page, base, "worker@sanhak.test")
        page.goto(f"{base}/enrollment/my/")
        row = page.get_by_role("row", name="산업용 로봇 운용")
        assert "승인" in row.inner_text()
        page.screenshot(path=os.environ.get("SANHAK_SCREENSHOT", "/tmp/sanhak-my-courses.png"))
