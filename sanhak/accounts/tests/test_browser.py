"""Changing one's password in a real browser: profile → change → log out → log in with the new one."""

from __future__ import annotations

from sanhak.common import browser
from sanhak.common.browser import browser_page, browser_test_marks, logout
from sanhak.common.personas import DEMO_PASSWORD

pytestmark = browser_test_marks()

NEW = "a-new-long-pass-2027"


def test_worker_changes_password_and_logs_in_with_it(live_server, personas):
    base = live_server.url
    with browser_page() as page:
        browser.login(page, base, "worker@sanhak.test", DEMO_PASSWORD)
        page.goto(f"{base}/accounts/profile/")
        page.get_by_role("link", name="비밀번호 변경").click()
        page.get_by_label("기존 비밀번호").fill(DEMO_PASSWORD)
        page.get_by_label("새 비밀번호:", exact=True).fill(NEW)
        page.get_by_label("새 비밀번호 (확인)").fill(NEW)
        page.get_by_role("button", name="변경").click()
        page.get_by_text("비밀번호를 변경했습니다").wait_for()
        logout(page)
        browser.login(page, base, "worker@sanhak.test", NEW)
        assert page.get_by_role("link", name="내 강좌").is_visible()


def test_a_worker_closes_their_account_and_cannot_log_in_again(live_server, personas):
    from sanhak.accounts.models import User

    base = live_server.url
    with browser_page() as page:
        browser.login(page, base, "worker@sanhak.test", DEMO_PASSWORD)
        page.goto(f"{base}/accounts/profile/")
        page.get_by_role("link", name="탈퇴 안내 보기").click()
        page.get_by_role("heading", name="남는 것").wait_for()
        page.get_by_label("비밀번호").fill(DEMO_PASSWORD)
        page.get_by_label("위 내용을 확인했으며 탈퇴합니다.").check()
        page.get_by_role("button", name="탈퇴하기").click()
        page.get_by_text("탈퇴했습니다").wait_for()
        assert page.get_by_role("link", name="로그인").first.is_visible()
        page.goto(f"{base}/accounts/login/")
        page.get_by_label("이메일").fill("worker@sanhak.test")
        page.get_by_label("비밀번호").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="로그인").click()
        page.wait_for_load_state()
        assert page.url == f"{base}/accounts/login/"  # refused: the form again, not the home page
        assert page.get_by_role("button", name="로그아웃").count() == 0
    assert User.objects.get(pk=personas.worker.pk).withdrawn_at is not None
