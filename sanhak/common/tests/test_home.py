"""Each role's home page shows its own panel."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sanhak.common import pagecache
from sanhak.common.models import PersonalDataAccess
from sanhak.enrollment.services import enrollment_apply

pytestmark = pytest.mark.django_db


def test_anonymous_home(client):
    body = client.get(reverse("home")).content.decode()
    assert "현장맞춤형 스마트제조 인력양성" in body


@pytest.mark.parametrize(
    ("who", "expected", "absent"),
    [
        ("admin", "사업 현황", "운영 중인 강좌"),
        ("coordinator", "운영 중인 강좌", "사업 현황"),
        ("instructor", "담당 강좌", "사업 현황"),
        ("manager", "(주)남동정밀", "사업 현황"),
        ("worker", "내 강좌", "사업 현황"),
    ],
)
def test_role_dashboards(client, personas, catalog, who, expected, absent):
    enrollment_apply(offering=catalog.robot_offering, trainee=personas.worker)
    client.force_login(getattr(personas, who))
    body = client.get(reverse("home")).content.decode()
    assert expected in body
    assert absent not in body


def test_each_view_of_the_managers_recent_enrollments_is_logged(client, personas, catalog):
    pagecache.clear()
    client.force_login(personas.manager)
    assert client.get(reverse("home")).templates  # nobody's enrollment yet: nothing logged
    enrollment_apply(offering=catalog.robot_offering, trainee=personas.worker)
    enrollment_apply(offering=catalog.molding_offering, trainee=personas.worker2)
    assert client.get(reverse("home")).templates  # rendered
    assert not client.get(reverse("home")).templates  # served from the page cache: logged all the same
    workers = sorted([personas.worker.pk, personas.worker2.pk])
    logged = PersonalDataAccess.objects.order_by("id").values_list("viewer_id", "purpose", "subject_ids")
    assert list(logged) == [(personas.manager.pk, "home_recent_enrollments", workers)] * 2


def test_a_trainees_own_home_logs_nothing(client, personas, catalog):
    enrollment_apply(offering=catalog.robot_offering, trainee=personas.worker)
    client.force_login(personas.worker)
    assert "내 강좌" in client.get(reverse("home")).content.decode()
    assert not PersonalDataAccess.objects.exists()


def test_coordinator_dashboard_counts_pending(client, personas, catalog):
    enrollment_apply(offering=catalog.robot_offering, trainee=personas.worker)
    client.force_login(personas.coordinator)
    assert "승인 대기 1건" in client.get(reverse("home")).content.decode()


def test_coordinator_dashboard_puts_pending_applications_first_and_says_when_it_cuts(
    client, personas, catalog, monkeypatch
):
    import datetime as dt

    from sanhak.common import dashboard
    from sanhak.courses.services import offering_create

    robot = catalog.robot_offering
    earlier = offering_create(
        course=catalog.robot,
        term="2026-2",
        start_date=robot.start_date - dt.timedelta(days=7),
        end_date=robot.end_date,
        capacity=10,
    )
    enrollment_apply(offering=robot, trainee=personas.worker)
    client.force_login(personas.coordinator)
    rows = [o.pk for o in dashboard.coordinator_panel(personas.coordinator)["offerings"]]
    assert rows == [robot.pk, earlier.pk]  # the one waiting for a decision first, though it starts later
    assert "개를 보여 줍니다" not in client.get(reverse("home")).content.decode()

    monkeypatch.setattr(dashboard, "COORDINATOR_OFFERINGS_SHOWN", 1)
    body = client.get(reverse("home")).content.decode()
    assert "운영 중·예정 강좌 2개 중 승인 대기가 많은 순, 시작일 순으로 1개를 보여 줍니다." in body
    assert f'href="{reverse("enrollment:roster", args=[robot.pk])}"' in body
    assert f'href="{reverse("enrollment:roster", args=[earlier.pk])}"' not in body


def test_english_interface(client, personas):
    client.cookies.load({"django_language": "en"})
    body = client.get(reverse("courses:catalog")).content.decode()
    assert 'lang="en"' in body


def test_waitlisted_trainee_is_told_when_promoted(client, personas, catalog):
    from sanhak.enrollment.services import enrollment_approve, enrollment_cancel

    offering = catalog.molding_offering
    offering.capacity = 1
    offering.save()
    first = enrollment_apply(offering=offering, trainee=personas.worker)
    enrollment_approve(enrollment=first, by=personas.admin)
    waiting = enrollment_apply(offering=offering, trainee=personas.student)
    assert waiting.status == "waitlisted"
    enrollment_cancel(enrollment=first, by=personas.worker)
    client.force_login(personas.student)
    home = client.get(reverse("home")).content.decode()
    assert 'aria-label="읽지 않은 알림">1</span>' in home
    body = client.get(reverse("notifications")).content.decode()
    assert "자리가 나서 사출성형 공정 최적화 수강이 승인되었습니다" in body
    assert 'aria-label="읽지 않은 알림"' not in client.get(reverse("home")).content.decode()


def test_notifications_require_login(client):
    assert client.get(reverse("notifications")).status_code == 302


@pytest.mark.parametrize("url", ["/courses/?q=%00", "/courses/%00/", "/api/offerings?q=%00"])
def test_nul_bytes_are_a_clear_400(client, url):
    response = client.get(url)
    assert response.status_code == 400
    assert "NUL" in response.content.decode()


def test_nul_in_form_post_is_rejected(client, personas):
    response = client.post(
        "/accounts/login/", "username=a%00b&password=x", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400


def test_a_council_member_sees_the_programs_figures_and_no_admin_links(client, personas, catalog):
    from sanhak.accounts.models import Role, RoleAssignment, User

    member = User.objects.create_user(email="council@sanhak.test", password="x-long-password-3", name="정위원")
    RoleAssignment.objects.create(user=member, role=Role.COUNCIL_MEMBER)
    enrollment_apply(offering=catalog.robot_offering, trainee=personas.worker)
    client.force_login(member)
    response = client.get(reverse("home"))
    html = response.content.decode()
    assert "<h2>사업 현황</h2>" in html
    overview = response.context["overview"]
    assert (overview["companies"], overview["courses"]) == (2, 3)
    assert overview["enrollment_counts"]["pending"] == 1
    assert reverse("companies:import") not in html  # the program office's tools stay theirs
    assert reverse("enrollment:queue") not in html
    assert f'href="{reverse("competencies:list")}"' in html
    assert personas.worker.name not in html  # counts only, no names
    assert PersonalDataAccess.objects.count() == 0


def test_every_page_names_its_icon(client, db):
    """Browsers ask for an icon on every page: the layout names one that ships with the app (else each
    page view costs a 404 on /favicon.ico)."""
    from django.contrib.staticfiles import finders

    html = client.get("/accounts/login/").content.decode()
    assert '<link rel="icon" href="/static/img/favicon.svg" type="image/svg+xml">' in html
    assert finders.find("img/favicon.svg") is not None
