"""Demand in a real browser: a company manager submits a survey with a free-text need, staff confirm the
mapping the platform suggests, and the gap view counts the need; a student finds what the complex needs."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from sanhak.accounts.models import TraineeProfile
from sanhak.common import browser
from sanhak.common.browser import browser_page, browser_test_marks, logout
from sanhak.common.personas import DEMO_PASSWORD
from sanhak.demand.models import NeedStatement
from sanhak.demand.services import survey_round_open
from sanhak.demand.tests.factories import demand_fixture

pytestmark = browser_test_marks()

NEED = "설비가 멈추면 왜 멈췄는지 아무도 몰라서 매번 반나절씩 라인이 서요."


def test_manager_submits_a_need_staff_confirm_it_and_the_gap_view_counts_it(live_server, personas):
    base = live_server.url
    today = timezone.localdate()
    survey_round_open(
        title="2026 하반기 인력 수요조사",
        opens_on=today - dt.timedelta(days=1),
        closes_on=today + dt.timedelta(days=14),
        period_start=today,
        period_end=today + dt.timedelta(days=180),
        by=personas.admin,
        complex=personas.complex,
    )
    with browser_page() as page:
        browser.login(page, base, "manager@sanhak.test", DEMO_PASSWORD)
        page.goto(f"{base}/demand/my/")
        page.get_by_role("link", name="2026 하반기 인력 수요조사").click()
        page.get_by_label("요구 사항 1").fill(NEED)
        page.locator("#id_statement-0-headcount").fill("4")
        page.locator("#id_statement-0-track").select_option("technical")
        page.get_by_role("button", name="제출").click()
        page.get_by_text("제출했습니다").wait_for()
        assert NEED in page.content()
        logout(page)

        statement = NeedStatement.objects.get(text=NEED)
        suggested = statement.suggestions[0]["code"]
        assert suggested in {"SM-SYS-05", "SM-DAT-05"}

        browser.login(page, base, "admin@sanhak.test", DEMO_PASSWORD)
        cell = page.locator(f"a[href*='/demand/gaps/demand/{suggested}/technical/']")
        page.goto(f"{base}/demand/gaps/")
        assert cell.count() == 0  # not confirmed yet: not counted

        page.goto(f"{base}/demand/statements/")
        card = page.locator(f"#statement-{statement.pk}")
        assert NEED in card.inner_text()
        assert card.locator(f"input[value='{suggested}']").is_checked()
        assert card.locator("mark").count() >= 1  # the words that justify the suggestion
        card.get_by_role("button", name="확정").click()
        page.get_by_text("매핑을 확정했습니다").wait_for()

        page.goto(f"{base}/demand/gaps/")
        assert cell.inner_text() == "4"
        cell.click()
        assert "(주)남동정밀" in page.locator("main").inner_text()


def test_a_student_finds_courses_the_complex_needs(live_server, personas, catalog):
    """An undergraduate (technical track) opens 추천 강좌: the competencies the companies need most at that
    track, and the upcoming offering that develops the one most short of seats, which they open."""
    demand_fixture(personas, catalog)
    TraineeProfile.objects.filter(user=personas.student).update(kind=TraineeProfile.Kind.UNDERGRADUATE)
    base = live_server.url
    with browser_page() as page:
        browser.login(page, base, "student@sanhak.test", DEMO_PASSWORD)
        page.get_by_role("navigation", name="주 메뉴").get_by_role("link", name="추천 강좌").click()
        needs = page.locator("table").first.locator("tbody tr")
        assert needs.all_inner_texts() == [
            "산업용 로봇 운용·프로그래밍 SM-AUT-05\t13\t9",
            "제조 데이터 분석 SM-DAT-01\t10\t–",
        ]
        first = page.locator("table").nth(1).locator("tbody tr").first
        assert "산업단지 수요: 산업용 로봇 운용·프로그래밍 13명 (부족 9명)" in first.inner_text()
        first.get_by_role("link", name=catalog.robot.title_ko).click()
        page.wait_for_url(f"{base}/courses/offerings/{catalog.robot_offering.pk}/")
