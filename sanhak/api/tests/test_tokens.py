"""Personal access tokens: the services, the management command, and how the API authenticates."""

from __future__ import annotations

import datetime as dt
import hashlib
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.middleware.csrf import _get_new_csrf_string, _mask_cipher_secret
from django.test import Client
from django.utils import timezone

from sanhak.accounts.models import ApiToken
from sanhak.accounts.tokens import api_token_authenticate, api_token_create, api_token_revoke
from sanhak.common.errors import DomainError
from sanhak.enrollment.models import Enrollment

UNAUTHENTICATED = {
    "code": "unauthenticated",
    "message": "로그인하거나 유효한 API 토큰을 보내세요. / Log in or send a valid API token.",
}


# Services ----------------------------------------------------------------------------------------


def test_create_returns_the_raw_token_once_and_stores_only_its_hash(personas):
    token, raw = api_token_create(user=personas.worker, name="  노트북  ")

    assert raw.startswith("shk_")
    assert len(raw) == 4 + 43
    token.refresh_from_db()
    assert token.user == personas.worker
    assert token.name == "노트북"
    assert token.prefix == raw[:8]
    assert token.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in {token.name, token.prefix, token.token_hash}
    assert token.last_used_at is None
    assert token.revoked_at is None


def test_two_tokens_differ(personas):
    _t1, raw1 = api_token_create(user=personas.worker, name="a")
    _t2, raw2 = api_token_create(user=personas.worker, name="a")
    assert raw1 != raw2
    assert ApiToken.objects.filter(user=personas.worker).count() == 2


@pytest.mark.parametrize(("name", "code"), [("   ", "name_required"), ("x" * 61, "name_too_long")])
def test_create_refuses_a_bad_name(personas, name, code):
    with pytest.raises(DomainError) as exc:
        api_token_create(user=personas.worker, name=name)
    assert exc.value.code == code
    assert ApiToken.objects.count() == 0


def test_create_refuses_an_inactive_user(personas):
    personas.worker.is_active = False
    personas.worker.save()
    with pytest.raises(DomainError) as exc:
        api_token_create(user=personas.worker, name="x")
    assert exc.value.code == "inactive_user"
    assert ApiToken.objects.count() == 0


def test_authenticate_finds_the_owner(personas):
    _token, raw = api_token_create(user=personas.manager, name="x")
    assert api_token_authenticate(raw) == personas.manager


def test_authenticate_refuses_revoked_tokens_inactive_users_and_garbage(personas, django_assert_num_queries):
    token, raw = api_token_create(user=personas.worker, name="x")
    _token2, raw2 = api_token_create(user=personas.worker2, name="x")
    api_token_revoke(token=token, by=personas.worker)
    personas.worker2.is_active = False
    personas.worker2.save()

    assert api_token_authenticate(raw) is None
    assert api_token_authenticate(raw2) is None
    assert api_token_authenticate("shk_" + "A" * 43) is None
    with django_assert_num_queries(0):  # not one of ours: refused without a database look-up
        assert api_token_authenticate("") is None
        assert api_token_authenticate("ghp_abcdef") is None
        assert api_token_authenticate("shk_" + "A" * 200) is None


def test_last_used_at_is_written_at_most_once_a_minute(personas, django_assert_num_queries):
    token, raw = api_token_create(user=personas.worker, name="x")

    with django_assert_num_queries(2):  # look-up + first write
        api_token_authenticate(raw)
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None
    assert timezone.now() - first < dt.timedelta(seconds=10)

    with django_assert_num_queries(1):  # look-up only
        api_token_authenticate(raw)
    token.refresh_from_db()
    assert token.last_used_at == first

    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - dt.timedelta(minutes=2))
    with django_assert_num_queries(2):
        api_token_authenticate(raw)
    token.refresh_from_db()
    assert token.last_used_at > first


def test_revoke_by_the_owner(personas):
    token, _raw = api_token_create(user=personas.worker, name="x")
    revoked = api_token_revoke(token=token, by=personas.worker)
    assert revoked.revoked_at is not None
    assert not revoked.is_active
    first = revoked.revoked_at

    again = api_token_revoke(token=token, by=personas.worker)
    assert again.revoked_at == first


def test_revoke_by_someone_else_is_refused_and_changes_nothing(personas):
    token, raw = api_token_create(user=personas.worker, name="x")
    with pytest.raises(PermissionDenied):
        api_token_revoke(token=token, by=personas.admin)
    token.refresh_from_db()
    assert token.revoked_at is None
    assert api_token_authenticate(raw) == personas.worker


# Command -----------------------------------------------------------------------------------------


def test_command_prints_only_a_working_token(personas):
    out = StringIO()
    call_command("create_api_token", "Manager@Sanhak.test", stdout=out)

    raw = out.getvalue().strip()
    assert out.getvalue() == raw + "\n"
    assert api_token_authenticate(raw) == personas.manager
    token = ApiToken.objects.get()
    assert (token.user, token.name, token.prefix) == (personas.manager, "cli", raw[:8])


def test_command_takes_a_name(personas):
    call_command("create_api_token", "worker@sanhak.test", "--name", "배치 작업", stdout=StringIO())
    assert ApiToken.objects.get().name == "배치 작업"


def test_command_refuses_an_unknown_email(personas):
    out = StringIO()
    with pytest.raises(CommandError) as exc:
        call_command("create_api_token", "nobody@sanhak.test", stdout=out)
    assert str(exc.value) == "사용자를 찾을 수 없습니다: nobody@sanhak.test / No user with e-mail nobody@sanhak.test."
    assert out.getvalue() == ""
    assert ApiToken.objects.count() == 0


def test_command_refuses_an_inactive_user(personas):
    personas.worker.is_active = False
    personas.worker.save()
    with pytest.raises(CommandError, match="Cannot create a token for an inactive user"):
        call_command("create_api_token", "worker@sanhak.test", stdout=StringIO())
    assert ApiToken.objects.count() == 0


# Authentication of API requests ------------------------------------------------------------------


def test_a_valid_token_authenticates(api, personas):
    response = api.get("/api/enrollments", as_=personas.worker)
    assert response.status_code == 200
    assert response.json() == {"items": [], "count": 0}


def test_no_credentials_is_401(api, personas):
    response = api.get("/api/enrollments")
    assert response.status_code == 401
    assert response.json() == UNAUTHENTICATED
    assert response["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize(
    "header", ["Bearer shk_not-a-real-token", "Bearer ", "bearer x y", "Bearer " + "shk_" + "x" * 43]
)
def test_a_bad_token_is_401(api, personas, header):
    response = api.client.get("/api/enrollments", headers={"Authorization": header})
    assert response.status_code == 401
    assert response.json() == UNAUTHENTICATED


def test_a_revoked_token_is_401(api, personas):
    raw = api.token(personas.worker)
    api_token_revoke(token=ApiToken.objects.get(user=personas.worker), by=personas.worker)
    response = api.client.get("/api/enrollments", headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 401
    assert response.json() == UNAUTHENTICATED


def test_a_bad_token_is_401_even_with_a_valid_session(personas):
    client = Client()
    client.force_login(personas.worker)
    assert client.get("/api/enrollments").status_code == 200
    response = client.get("/api/enrollments", headers={"Authorization": "Bearer shk_revoked"})
    assert response.status_code == 401


def test_the_token_wins_over_the_session(api, shop, personas):
    """A browser logged in as one person that sends another person's token acts as the token's owner."""
    api.client.force_login(personas.admin)
    response = api.post(f"/api/offerings/{shop.robot_offering.pk}/apply", as_=personas.worker)
    assert response.status_code == 201
    assert Enrollment.objects.get().trainee == personas.worker


def test_session_auth_needs_the_csrf_token_for_writes(personas, shop):
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.worker)
    url = f"/api/offerings/{shop.robot_offering.pk}/apply"

    assert client.get("/api/enrollments").status_code == 200  # reads need no CSRF token
    response = client.post(url, content_type="application/json")
    assert response.status_code == 403
    assert response.json() == {
        "code": "csrf_failed",
        "message": "CSRF 토큰이 없거나 올바르지 않습니다. / CSRF token missing or incorrect.",
    }
    assert Enrollment.objects.count() == 0

    secret = _get_new_csrf_string()
    client.cookies["csrftoken"] = secret
    response = client.post(url, content_type="application/json", headers={"X-CSRFToken": _mask_cipher_secret(secret)})
    assert response.status_code == 201
    assert Enrollment.objects.get().trainee == personas.worker


def test_bearer_writes_need_no_csrf_token(personas, shop):
    _token, raw = api_token_create(user=personas.worker, name="x")
    client = Client(enforce_csrf_checks=True)
    response = client.post(f"/api/offerings/{shop.robot_offering.pk}/apply", headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 201


def test_anonymous_writes_are_401_not_a_csrf_error(personas, shop):
    client = Client(enforce_csrf_checks=True)
    response = client.post(f"/api/offerings/{shop.robot_offering.pk}/apply")
    assert response.status_code == 401
    assert response.json() == UNAUTHENTICATED
    assert Enrollment.objects.count() == 0
