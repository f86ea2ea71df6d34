"""Accessibility: axe-core (its WCAG 2 A/AA rules and best practices) finds nothing on the main pages of
each role, in a real browser, in Korean and in English; and on a 375 px phone screen none of them is
wider than the screen (wide tables scroll inside their own box)."""

from __future__ import annotations

from sanhak.common.browser import browser_page, browser_test_marks, login, logout
from sanhak.common.personas import DEMO_PASSWORD

pytestmark = browser_test_marks()


PHONE, DESKTOP = {"width": 375, "height": 800}, {"width": 1280, "height": 900}


def violations(page, axe, path: str) -> list[tuple[str, str, str]]:  # type: ignore[no-untyped-def]
    page.goto(path)
    found = [(v["id"], path, node["html"][:120]) for v in axe.run(page).response["violations"] for node in v["nodes"]]
    page.set_viewport_size(PHONE)
    width = page.evaluate("document.documentElement.scrollWidth")
    page.set_viewport_size(DESKTOP)
    return found + ([("wider-than-a-phone", path, f"{width}px")] if width > PHONE["width"] else [])


def test_main_pages_have_no_accessibility_violations(live_server, personas, catalog):
    from axe_playwright_python.sync_playwright import Axe

    from sanhak.accounts.models import TraineeProfile
    from sanhak.demand.tests.factories import demand_fixture
    from sanhak.enrollment.services import enrollment_apply

    enrollment_apply(offering=catalog.robot_offering, trainee=personas.worker)  # a pending badge, a queue, a roster row
    demand_fixture(personas, catalog)  # survey answers: the recommendations have rows
    TraineeProfile.objects.filter(user=personas.student).update(kind=TraineeProfile.Kind.UNDERGRADUATE)
    axe = Axe()
    base = live_server.url
    offering, course = catalog.robot_offering.pk, catalog.robot.code
    by_role = {
        None: [
            "/",
            "/courses/",
            "/courses/?q=로봇&schedule=evening_or_weekend",
            f"/courses/offerings/{offering}/",
            f"/courses/{course}/",
            "/competencies/",
            "/competencies/SM-AUT-05/",
            "/labs/",
            "/accounts/login/",
            "/accounts/signup/trainee/",
            "/accounts/privacy/",
            "/no/such/page/",
        ],
        "manager@sanhak.test": [
            "/",
            f"/courses/offerings/{offering}/",
            "/companies/mine/",
            "/enrollment/company/",
            "/demand/recommendations/",
        ],
        "coordinator@sanhak.test": [
            "/",
            f"/enrollment/offerings/{offering}/roster/",
            "/enrollment/queue/",
            "/accounts/profile/withdraw/",  # the refusal
        ],
        "worker@sanhak.test": [
            "/",
            "/enrollment/my/",
            "/accounts/profile/",
            "/accounts/profile/password/",
            "/accounts/profile/withdraw/",
            "/credentials/mine/",
            "/demand/recommendations/",
        ],
        "admin@sanhak.test": ["/companies/", "/companies/import/"],
        "student@sanhak.test": ["/demand/recommendations/"],
    }
    found = []
    for locale, cookie in (("ko-KR", "ko"), ("en-US", "en")):
        with browser_page(locale=locale) as page:
            page.context.add_cookies([{"name": "django_language", "value": cookie, "url": base}])
            for email, paths in by_role.items():
                if email:
                    login(page, base, email, DEMO_PASSWORD) if cookie == "ko" else _login_en(page, base, email)
                found += [(cookie, *v) for path in paths for v in violations(page, axe, base + path)]
                if email:
                    logout(page) if cookie == "ko" else page.get_by_role("button", name="Log out").click()
    assert found == []


def _login_en(page, base: str, email: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base}/")
