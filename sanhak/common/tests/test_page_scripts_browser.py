"""The pages' own scripts, served as files under the Content-Security-Policy (no inline scripts or
handlers; `browser_page` fails on any violation): a timed quiz counts down and hands the answers in when
time is up; the company's enrollment filter applies itself when a status is chosen."""

from __future__ import annotations

import datetime as dt
import re

from django.utils import timezone

from sanhak.common.browser import browser_page, browser_test_marks, login
from sanhak.common.personas import DEMO_PASSWORD
from sanhak.enrollment.models import Enrollment
from sanhak.learning import services
from sanhak.learning.models import QuizAttempt
from sanhak.learning.tests.factories import classroom_create

pytestmark = browser_test_marks()


def test_a_timed_quiz_counts_down_and_hands_in_when_time_is_up(live_server, personas, catalog):
    base = live_server.url
    room = classroom_create(personas, catalog)
    type(room.quiz).objects.filter(pk=room.quiz.pk).update(time_limit_minutes=1)
    room.quiz.refresh_from_db()
    enrollment = Enrollment.objects.get(offering=room.offering, trainee=personas.student)
    attempt = services.quiz_attempt_start(enrollment=enrollment, quiz=room.quiz)
    QuizAttempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() + dt.timedelta(seconds=5))
    with browser_page() as page:
        login(page, base, "student@sanhak.test", DEMO_PASSWORD)
        page.goto(f"{base}/learning/attempts/{attempt.pk}/")
        page.get_by_label("비상정지 버튼").check()
        assert re.fullmatch(r"0:0[0-5]", page.locator("#timer").inner_text())
        page.locator("#score").wait_for(timeout=15_000)  # no button pressed: the page handed it in
        assert page.locator("#score").inner_text() == "1 / 2"
    attempt.refresh_from_db()
    assert (attempt.score, attempt.timed_out, attempt.submitted_at is not None) == (1, False, True)


def test_the_company_enrollment_filter_applies_itself(live_server, personas, catalog):
    base = live_server.url
    classroom_create(personas, catalog)  # the worker approved on the robot course
    with browser_page() as page:
        login(page, base, "manager@sanhak.test", DEMO_PASSWORD)
        page.goto(f"{base}/enrollment/company/")
        rows = page.locator("tbody tr")
        page.get_by_label("상태").select_option(label="승인 대기")
        page.wait_for_url(f"{base}/enrollment/company/?status=pending")
        assert rows.all_inner_texts() == ["수강 신청이 없습니다."]
        page.get_by_label("상태").select_option(label="승인")
        page.wait_for_url(f"{base}/enrollment/company/?status=approved")
        job = personas.worker.trainee_profile.job_title
        assert [t.split("\t")[0] for t in rows.all_inner_texts()] == [f"{personas.worker.name} {job}"]


def test_the_admin_and_the_api_docs_run_under_the_policy(live_server, personas, catalog):
    """Third-party pages served under the same policy: Django's admin (its change list's actions and
    filters are scripts) and the API's Swagger UI (its whole page is one)."""
    base = live_server.url
    with browser_page() as page:
        page.goto(f"{base}/api/docs")
        page.get_by_text("/api/courses", exact=True).first.wait_for()
        login(page, base, "admin@sanhak.test", DEMO_PASSWORD)
        page.goto(f"{base}/admin/courses/course/")
        page.locator("#action-toggle").check()  # actions.js: ticks every row and counts them
        assert page.locator(".action-counter").inner_text() == "3개가 3개 중에 선택됨."  # the three courses
