"""The coordinator's timetabling flow in a real browser: queue a run, watch it finish (htmx polling),
read the proposal, accept it."""

from __future__ import annotations

import threading
import time

from django.db import connections

from sanhak.common.browser import browser_page, browser_test_marks
from sanhak.common.personas import DEMO_PASSWORD
from sanhak.courses.models import Session
from sanhak.scheduling import jobs
from sanhak.scheduling.models import SchedulingRun
from sanhak.scheduling.tests.factories import TERM

pytestmark = browser_test_marks()


def test_coordinator_schedules_and_accepts(live_server, personas, term):  # type: ignore[no-untyped-def]
    base = live_server.url
    with browser_page() as page:
        page.goto(f"{base}/accounts/login/")
        page.get_by_label("이메일").fill("coordinator@sanhak.test")
        page.get_by_label("비밀번호").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="로그인").click()
        page.wait_for_url(f"{base}/")
        page.get_by_role("link", name="시간표 편성").click()
        page.get_by_label("학기").fill(TERM)
        page.get_by_label("시간 제한(초)").fill("5")
        page.get_by_role("button", name="편성 시작").click()
        page.get_by_text("편성을 대기열에 넣었습니다").wait_for()
        assert page.locator("progress").is_visible()

        def worker() -> None:
            time.sleep(1)
            try:
                jobs.run_pending(once=True)
            finally:
                connections.close_all()  # this thread's own: left open, it would outlive the test database

        thread = threading.Thread(target=worker)
        thread.start()
        page.get_by_role("heading", name="강의실별").wait_for(timeout=30_000)  # polling reloads the page
        thread.join()
        assert page.get_by_role("heading", name="수강 집단별").is_visible()
        assert page.get_by_text("재직자 · A반").is_visible()
        page.get_by_role("button", name="이 시간표로 확정").click()
        page.get_by_text("개를 만들었습니다").wait_for()
    run = SchedulingRun.objects.get()
    assert run.accepted_by == personas.coordinator
    assert Session.objects.filter(offering__term=TERM).count() == sum(
        len(a["dates"]) for a in run.result["assignments"]
    )
