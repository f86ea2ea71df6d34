"""Booking a robot cell in a real browser: refused without the safety training, the lab manager records
it, the worker books, the lab manager approves, and the booking reaches the worker's iCal feed."""

from __future__ import annotations

import os
import re

from icalendar import Calendar

from sanhak.common import browser
from sanhak.common.browser import browser_page, browser_test_marks, logout
from sanhak.common.personas import DEMO_PASSWORD
from sanhak.labs.models import Reservation
from sanhak.labs.tests.conftest import at, open_day

pytestmark = browser_test_marks()


def login(page, base: str, email: str) -> None:  # type: ignore[no-untyped-def]
    browser.login(page, base, email, DEMO_PASSWORD)


def booking_forms(page) -> int:
    return page.locator("form[action$='/book/']").count()


def test_worker_trained_then_books_robot_cell_manager_approves_it_reaches_the_ical_feed(live_server, personas, labs):
    base = live_server.url
    robot = labs.robot
    robot_page = f"{base}/labs/equipment/{robot.pk}/"
    day = open_day(robot.effective_rules)
    with browser_page() as page:
        # Without the robot safety training the worker is told which course to take, and gets no form.
        login(page, base, "worker@sanhak.test")
        page.goto(robot_page)
        refusal = page.locator("#book")
        assert "예약하려면 먼저 다음 교육을 이수해야 합니다." in refusal.inner_text()
        assert refusal.get_by_role("link", name="산업용 로봇 안전교육 (LAB-SAFE-ROBOT)").is_visible()
        assert booking_forms(page) == 0
        logout(page)

        # The lab manager records the training the worker took outside the platform.
        login(page, base, "labmanager@sanhak.test")
        page.goto(f"{base}/labs/training/")
        page.get_by_label("이수자 이메일").fill("worker@sanhak.test")
        page.get_by_label("교육").select_option(label="산업용 로봇 안전교육 (LAB-SAFE-ROBOT)")
        page.get_by_label("이수일").fill("2026-01-15")
        page.get_by_role("button", name="기록").click()
        page.get_by_text("이수 기록을 저장했습니다").wait_for()
        assert "오재직" in page.get_by_role("row", name="산업용 로봇 안전교육").inner_text()
        logout(page)

        # Now the worker can book: the robot cell needs approval, so the booking waits for it.
        login(page, base, "worker@sanhak.test")
        page.goto(robot_page)
        page.reload()
        assert page.locator("#training-required").count() == 0
        assert booking_forms(page) == 1
        page.get_by_label("날짜").fill(day.isoformat())
        page.get_by_label(re.compile(r"^시작:?$")).fill("19:00")
        page.get_by_label(re.compile(r"^종료:?$")).fill("21:00")
        page.get_by_label("용도").fill("협동로봇 티칭 실습")
        page.get_by_role("button", name="예약", exact=True).click()
        page.wait_for_url(f"{base}/labs/my/")
        page.get_by_text("예약했습니다").wait_for()
        row = page.locator("#upcoming tr", has_text=robot.name)
        assert row.count() == 1
        assert "승인 대기" in row.inner_text()
        assert f"{day:%Y. %-m. %-d.}" in row.inner_text()
        assert "19:00–21:00" in row.inner_text()
        reservation = Reservation.objects.get(equipment=robot, user=personas.worker)
        assert (reservation.status, reservation.starts_at, reservation.ends_at) == (
            "pending",
            at(day, 19),
            at(day, 21),
        )
        logout(page)

        # The lab manager approves it from the queue.
        login(page, base, "labmanager@sanhak.test")
        page.goto(f"{base}/labs/queue/")
        pending = page.locator("tbody tr", has_text=robot.name)
        assert "오재직" in pending.inner_text()
        pending.get_by_role("button", name="승인", exact=True).click()
        page.get_by_text("승인했습니다").wait_for()
        assert page.get_by_text("승인할 예약이 없습니다.").is_visible()
        logout(page)

        # The worker sees it confirmed, and it is in the personal iCal feed shown on the page.
        login(page, base, "worker@sanhak.test")
        page.goto(f"{base}/labs/my/")
        assert "확정" in page.locator("#upcoming tr", has_text=robot.name).inner_text()
        feed_url = page.get_by_label("iCal").input_value()
        assert feed_url.startswith(f"{base}/labs/feeds/")
        response = page.request.get(feed_url)
        assert response.status == 200
        assert response.headers["content-type"].startswith("text/calendar")
        events = {str(ev["UID"]): ev for ev in Calendar.from_ical(response.body()).walk("VEVENT")}
        event = events[f"reservation-{reservation.pk}@sanhak"]
        assert event.decoded("DTSTART") == at(day, 19)
        assert event.decoded("DTEND") == at(day, 21)
        assert str(event["STATUS"]) == "CONFIRMED"
        assert str(event["SUMMARY"]) == f"{robot.name} · 협동로봇 티칭 실습"
        page.screenshot(path=os.environ.get("SANHAK_SCREENSHOT", "/tmp/sanhak-labs-my.png"))
