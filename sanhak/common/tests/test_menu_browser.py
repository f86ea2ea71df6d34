"""The main menu on a phone: folded behind its button (the brand and the account tools stay), opened and
closed again by keyboard or click with aria-expanded telling which; on a wide screen it never folds."""

from __future__ import annotations

from sanhak.common.browser import browser_page, browser_test_marks, login
from sanhak.common.personas import DEMO_PASSWORD

pytestmark = browser_test_marks()


def test_the_menu_folds_on_a_phone(live_server, personas):
    base = live_server.url
    with browser_page() as page:
        login(page, base, "coordinator@sanhak.test", DEMO_PASSWORD)
        menu = page.get_by_role("navigation", name="주 메뉴")
        toggle = menu.get_by_role("button", name="메뉴")
        queue = menu.get_by_role("link", name="승인 대기")
        assert (toggle.is_visible(), queue.is_visible()) == (False, True)  # desktop: everything shown

        page.set_viewport_size({"width": 375, "height": 800})
        assert (toggle.is_visible(), queue.is_visible()) == (True, False)
        assert toggle.get_attribute("aria-expanded") == "false"
        assert page.get_by_role("button", name="로그아웃").is_visible()  # the tools stay

        toggle.focus()
        page.keyboard.press("Enter")
        assert (queue.is_visible(), toggle.get_attribute("aria-expanded")) == (True, "true")
        queue.click()
        page.wait_for_url(f"{base}/enrollment/queue/")
        assert page.get_by_role("heading", level=1).inner_text().startswith("승인 대기")

        toggle = page.get_by_role("navigation", name="주 메뉴").get_by_role("button", name="메뉴")
        toggle.click()
        toggle.click()
        assert toggle.get_attribute("aria-expanded") == "false"
        assert not page.get_by_role("navigation", name="주 메뉴").get_by_role("link", name="승인 대기").is_visible()
