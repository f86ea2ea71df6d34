"""The logged-in request: session and user (with roles and unread count) in one query, and nothing
kept between requests, so a logout, a revoked role, a deactivation or a new password act at once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sanhak.accounts.models import Role, RoleAssignment, Session, User
from sanhak.accounts.sessions import _SESSION_AND_USER
from sanhak.common.notifications import notification_send

pytestmark = pytest.mark.django_db

PRIVACY = "/accounts/privacy/"


def _who(client: Client) -> str:
    """The name shown in the page header, or "" for an anonymous visitor."""
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.context["user"].name if response.context["user"].is_authenticated else ""


def test_a_logged_in_page_reads_session_and_user_in_one_query(client, personas, django_assert_num_queries):
    client.force_login(personas.manager)
    notification_send(user=personas.manager, message="알림")
    with django_assert_num_queries(1) as queries:
        response = client.get(PRIVACY)
    assert response.status_code == 200
    sql = queries.captured_queries[0]["sql"]
    assert "accounts_session" in sql and "accounts_roleassignment" in sql and "common_notification" in sql
    assert response.context["nav_unread"] == 1
    assert response.context["nav_roles"] == frozenset({Role.COMPANY_MANAGER})
    assert response.wsgi_request.user.managed_company_ids == frozenset({personas.company_a.pk})


def test_a_user_without_roles_is_still_logged_in(client, personas):
    RoleAssignment.objects.filter(user=personas.student).delete()
    client.force_login(personas.student)
    response = client.get(PRIVACY)
    assert response.wsgi_request.user == personas.student
    assert response.context["nav_roles"] == frozenset()


def test_logout_ends_the_session_for_every_copy_of_the_cookie(client, personas):
    client.force_login(personas.manager)
    stolen = Client()
    stolen.cookies = client.cookies.__class__(client.cookies)
    assert _who(stolen) == personas.manager.name
    client.post(reverse("accounts:logout"))
    assert _who(stolen) == ""


def test_an_expired_session_is_anonymous(client, personas):
    client.force_login(personas.manager)
    Session.objects.update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    assert _who(client) == ""


def test_a_revoked_role_acts_on_the_next_request(client, personas):
    client.force_login(personas.manager)
    page = reverse("companies:detail", args=[personas.company_a.pk])
    assert client.get(page).status_code == 200
    RoleAssignment.objects.filter(user=personas.manager, role=Role.COMPANY_MANAGER).delete()
    assert client.get(page).status_code == 404  # a company the user does not manage is not there for them


def test_deactivation_and_a_new_password_log_the_user_out(client, personas):
    client.force_login(personas.manager)
    personas.manager.set_password("another-password-2026")
    personas.manager.save()
    assert _who(client) == ""
    client.force_login(personas.worker)
    type(personas.worker).objects.filter(pk=personas.worker.pk).update(is_active=False)
    assert _who(client) == ""


def test_the_session_records_its_user_and_goes_with_them(client, personas):
    client.force_login(personas.manager)
    assert list(Session.objects.values_list("user_id", flat=True)) == [personas.manager.pk]
    client.post(reverse("accounts:logout"))
    assert Session.objects.count() == 0
    client.force_login(personas.worker)
    personas.worker.delete()  # PIPA: a deleted account leaves no session behind
    assert Session.objects.count() == 0
    assert _who(client) == ""


def test_a_user_switch_within_a_session_reads_the_new_user(client, personas):
    client.force_login(personas.manager)
    assert _who(client) == personas.manager.name
    client.force_login(personas.coordinator)
    assert _who(client) == personas.coordinator.name
    assert list(Session.objects.values_list("user_id", flat=True)) == [personas.coordinator.pk]


def test_an_anonymous_session_has_no_user(client, personas):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert _who(client) == ""
    assert list(Session.objects.values_list("user_id", flat=True)) in ([], [None])


def test_a_user_loaded_otherwise_gets_roles_and_unread_in_one_query(rf, personas, django_assert_num_queries):
    from sanhak.accounts.models import User
    from sanhak.common.context_processors import nav_state

    notification_send(user=personas.manager, message="알림")
    request = rf.get("/")
    request.user = User.objects.get(pk=personas.manager.pk)  # as an API token loads it
    with django_assert_num_queries(1):
        assert nav_state(request) == ((Role.COMPANY_MANAGER,), 1)
        assert request.user.managed_company_ids == frozenset({personas.company_a.pk})


def test_the_session_decodes_as_djangos_and_a_tampered_one_is_empty(personas, settings):
    from django.contrib.sessions.backends.db import SessionStore as DjangoStore

    from sanhak.accounts.sessions import SessionStore

    store = SessionStore()
    store["answer"], store["names"] = 42, ["가", "나"]
    store.create()
    data = Session.objects.get(session_key=store.session_key).session_data
    decoded = SessionStore().decode(data)
    assert decoded == DjangoStore().decode(data) == {"answer": 42, "names": ["가", "나"]}
    decoded["names"].append("다")  # a request changing its copy changes nobody else's
    assert SessionStore().decode(data) == {"answer": 42, "names": ["가", "나"]}
    assert SessionStore().decode(data[:-2] + "xx") == {}  # a broken signature
    old = settings.SECRET_KEY
    settings.SECRET_KEY = "another-secret-key-" * 3  # a new key: the stored value is checked again
    assert SessionStore().decode(data) == {}
    settings.SECRET_KEY_FALLBACKS = [old]  # the old key kept as a fallback: valid again
    assert SessionStore().decode(data) == {"answer": 42, "names": ["가", "나"]}


def _plan_nodes(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield node
    for child in node.get("Plans", []):
        yield from _plan_nodes(child)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner and statistics")
def test_a_later_user_is_read_by_primary_key_whatever_the_session_statistics_say(client, personas):
    """The statistics of the session table were last gathered while only the first users (staff) had
    sessions; a user added later logs in. Reading the session and user must not walk the user table's
    primary key up to that user (a merge join does: 100 ms per request among 200,000 users)."""
    User.objects.bulk_create(User(email=f"later{i}@sanhak.test", name=f"나중{i}") for i in range(3000))
    for _ in range(40):
        Client().force_login(personas.manager)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE accounts_user, accounts_session")
    latest = User.objects.order_by("-pk").first()
    assert latest is not None
    client.force_login(latest)
    key = client.session.session_key
    sql, params = _SESSION_AND_USER.queryset(key).query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0][0]["Plan"]
    user_scans = [n for n in _plan_nodes(plan) if n.get("Relation Name") == "accounts_user"]
    assert [(n["Node Type"], n["Actual Rows"], n["Actual Loops"]) for n in user_scans] == [("Index Scan", 1, 1)]
    assert _SESSION_AND_USER(key)[0][2] == latest.pk  # session data, version, then the user's id
    assert client.get(PRIVACY).wsgi_request.user == latest
