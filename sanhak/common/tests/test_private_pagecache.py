"""The per-user page cache of logged-in pages: served without rendering when nothing the page shows
changed, never stale, never shared between users, and the PIPA access log written on every view."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from sanhak.accounts.models import User
from sanhak.common import pagecache
from sanhak.common.audit import PersonalDataAccess
from sanhak.common.notifications import notification_send
from sanhak.common.pagecache import CSRF_PLACEHOLDER, fingerprint
from sanhak.companies.models import Company
from sanhak.courses.models import Offering
from sanhak.enrollment.models import Enrollment
from sanhak.enrollment.services import enrollment_apply, enrollment_approve, enrollment_nominate

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
ANY_TOKEN = re.compile(r"[A-Za-z0-9]{64}")


def _strip(body: bytes) -> str:
    return ANY_TOKEN.sub("", body.decode())


def _get(client: Client, url: str) -> tuple[str, bool]:
    """The page, and whether it was rendered (rather than served from the cache)."""
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), bool(response.templates)


@pytest.fixture
def roster_url(personas, catalog):  # type: ignore[no-untyped-def]
    enrollment_apply(offering=catalog.robot_offering, trainee=personas.worker)
    enrollment_apply(offering=catalog.robot_offering, trainee=personas.student)
    return reverse("enrollment:roster", args=[catalog.robot_offering.pk])


def test_a_repeated_roster_view_is_not_rendered_again_but_is_logged_again(client, personas, roster_url):
    client.force_login(personas.coordinator)
    first, rendered = _get(client, roster_url)
    second, rendered_again = _get(client, roster_url)
    assert _strip(second.encode()) == _strip(first.encode())
    assert rendered and not rendered_again
    assert "오재직" in second and "이학생" in second
    # PIPA: both views are logged, with the trainees shown.
    logged = list(PersonalDataAccess.objects.order_by("id").values_list("purpose", "subject_count", "viewer"))
    assert logged == [("roster", 2, personas.coordinator.pk), ("roster", 2, personas.coordinator.pk)]


def test_a_change_to_what_the_roster_shows_appears_at_once(client, personas, roster_url):
    client.force_login(personas.coordinator)
    assert '<h2>승인 대기 <small class="muted">2</small></h2>' in _get(client, roster_url)[0]
    # a decision
    enrollment = Enrollment.objects.get(trainee=personas.worker)
    enrollment_approve(enrollment=enrollment, by=personas.coordinator)
    body = _get(client, roster_url)[0]
    assert '<h2>승인 <small class="muted">1</small></h2>' in body
    assert '<h2>승인 대기 <small class="muted">1</small></h2>' in body
    # a trainee's name (a row the page joins in, with no timestamp of its own)
    User.objects.filter(pk=personas.student.pk).update(name="이개명")
    assert "이개명" in _get(client, roster_url)[0]
    # their employer's name
    Company.objects.filter(pk=personas.worker.trainee_profile.employer_id).update(name="(주)새이름")
    assert "(주)새이름" in _get(client, roster_url)[0]
    # the offering's own fields
    Offering.objects.filter(pk=enrollment.offering_id).update(term="2099-9")
    assert "2099-9" in _get(client, roster_url)[0]


def test_users_never_get_each_others_cached_page(client, personas, catalog, roster_url):
    client.force_login(personas.coordinator)
    coordinator_page = _get(client, roster_url)[0]
    assert 'name="csrfmiddlewaretoken"' in coordinator_page  # the approve buttons
    instructor = Client()
    instructor.force_login(personas.instructor)
    instructor_page = _get(instructor, roster_url)[0]
    assert personas.instructor.name in instructor_page
    assert personas.coordinator.name not in instructor_page
    assert "approve" not in instructor_page  # may see the roster, not decide on it


def test_the_navigation_is_current_on_a_cached_page(client, personas, roster_url):
    client.force_login(personas.coordinator)
    assert "읽지 않은 알림" not in _get(client, roster_url)[0]
    notification_send(user=personas.coordinator, message="새 신청")
    assert re.search(r'읽지 않은 알림">1<', _get(client, roster_url)[0])
    client.cookies["django_language"] = "en"
    english = client.get(roster_url, headers={"accept-language": "en"}).content.decode()
    assert 'lang="en"' in english


def test_each_user_gets_their_own_working_csrf_token_on_a_cached_page(personas, catalog, roster_url):
    enrollment = Enrollment.objects.get(trainee=personas.worker)
    warm = Client()
    warm.force_login(personas.coordinator)
    warm.get(roster_url)
    coordinator = Client(enforce_csrf_checks=True)
    coordinator.force_login(personas.coordinator)
    body = coordinator.get(roster_url).content.decode()
    assert CSRF_PLACEHOLDER not in body
    token = TOKEN.findall(body)[0]
    response = coordinator.post(reverse("enrollment:approve", args=[enrollment.pk]), {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert Enrollment.objects.get(pk=enrollment.pk).status == "approved"


def test_pages_with_flash_messages_are_rendered_and_show_them(client, personas, roster_url):
    client.force_login(personas.coordinator)
    _get(client, roster_url)
    enrollment = Enrollment.objects.get(trainee=personas.worker)
    response = client.post(reverse("enrollment:approve", args=[enrollment.pk]), follow=True)
    assert "승인했습니다" in response.content.decode()
    assert "승인했습니다" not in _get(client, roster_url)[0]  # shown once


def test_the_manager_dashboard_follows_the_workers_enrollments(client, personas, catalog):
    client.force_login(personas.manager)
    before, rendered = _get(client, "/")
    again, rendered_again = _get(client, "/")
    assert rendered and not rendered_again and _strip(again.encode()) == _strip(before.encode())
    enrollment_nominate(offering=catalog.robot_offering, trainees=[personas.worker], by=personas.manager)
    after = _get(client, "/")[0]
    assert catalog.robot_offering.course.title_ko in after
    assert catalog.robot_offering.course.title_ko not in before


def test_the_offering_page_follows_the_managers_nominations(client, personas, catalog):
    url = reverse("courses:offering", args=[catalog.robot_offering.pk])
    client.force_login(personas.manager)
    before, rendered = _get(client, url)
    assert rendered and not _get(client, url)[1]
    assert 'name="trainees"' in before and "이미 신청한 직원" not in before
    enrollment_nominate(offering=catalog.robot_offering, trainees=[personas.worker], by=personas.manager)
    after = _get(client, url)[0]
    assert "이미 신청한 직원" in after and personas.worker.name in after.split("이미 신청한 직원")[1]
    # The public part follows the catalog.
    Offering.objects.filter(pk=catalog.robot_offering.pk).update(location="신관 301호")
    Offering.objects.get(pk=catalog.robot_offering.pk).save()  # moves updated_at, the catalog version
    assert "신관 301호" in _get(client, url)[0]


def test_a_fingerprint_is_every_loaded_value_and_nothing_lazy(personas, django_assert_num_queries):
    user = User.objects.select_related("trainee_profile").get(pk=personas.worker.pk)
    with django_assert_num_queries(0):
        print_ = fingerprint({"u": user, "xs": [1, (2, 3)], "s": {"b", "a"}})
    assert f"('name', '{personas.worker.name}')" in repr(print_)
    renamed = User.objects.select_related("trainee_profile").get(pk=personas.worker.pk)
    renamed.trainee_profile.job_title = "다른 직무"
    assert fingerprint({"u": renamed, "xs": [1, (2, 3)], "s": {"a", "b"}}) != print_


def test_counts_a_query_adds_up_are_part_of_the_key(client, personas, catalog):
    """The coordinator's dashboard shows per-offering counts of pending and waitlisted applications
    (query annotations): a new waitlisted application changes no timestamp, yet the page follows it."""
    Offering.objects.filter(pk=catalog.robot_offering.pk).update(capacity=1, approved_count=1)  # full
    client.force_login(personas.coordinator)
    row = re.compile(
        r"roster/\">[^<]+</a>.*?<td class=\"num\">1/1</td><td class=\"num\">(\d+)</td><td class=\"num\">(\d+)</td>"
    )
    assert row.search(_get(client, "/")[0]).groups() == ("0", "0")
    enrollment_apply(offering=Offering.objects.get(pk=catalog.robot_offering.pk), trainee=personas.student)
    assert Enrollment.objects.get(trainee=personas.student).status == "waitlisted"
    assert row.search(_get(client, "/")[0]).groups() == ("0", "1")


def test_a_kept_page_lives_only_its_lifetime(client, personas, catalog, monkeypatch):
    """The logged-in offering page shows names the catalog version does not follow: it is kept 60 s."""
    url = reverse("courses:offering", args=[catalog.robot_offering.pk])
    client.force_login(personas.manager)
    now = [1_000.0]
    monkeypatch.setattr(pagecache, "_clock", lambda: now[0])
    assert _get(client, url)[1]
    now[0] += 59
    assert not _get(client, url)[1]
    now[0] += 2
    assert _get(client, url)[1]  # rendered again


def test_each_user_and_language_has_its_own_kept_page(client, personas, roster_url):
    client.force_login(personas.coordinator)
    korean, rendered = _get(client, roster_url)
    assert rendered and "<h1>수강생 명단 " in korean
    assert not _get(client, roster_url)[1]
    client.cookies["django_language"] = "en"
    english, rendered = _get(client, roster_url)
    assert rendered and "<h1>Roster " in english
    assert not _get(client, roster_url)[1]
    client.force_login(personas.admin)  # another user: their own page
    assert _get(client, roster_url)[1]
    pagecache.clear()
    client.force_login(personas.coordinator)
    assert _get(client, roster_url)[1]


def test_the_token_on_a_kept_page_is_djangos_masked_afresh(client, personas, roster_url):
    from django.middleware.csrf import _unmask_cipher_token

    client.force_login(personas.coordinator)
    client.get(roster_url)
    secret = client.cookies["csrftoken"].value
    tokens = set()
    for _ in range(20):
        response = client.get(roster_url)
        assert not response.templates  # the kept page
        [token] = set(TOKEN.findall(response.content.decode()))
        assert len(token) == 64 and _unmask_cipher_token(token) == secret
        assert response.cookies["csrftoken"].value == secret  # the cookie renewed, as Django's get_token does
        tokens.add(token)
    assert len(tokens) == 20  # a new mask on every response
