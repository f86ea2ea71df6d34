"""Account pages the audit found untested: anonymous writes to the profile, tokens and export; invitation
links that are wrong or already used; the public sign-up and password-reset pages."""

from __future__ import annotations

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from sanhak.accounts import services
from sanhak.accounts.models import ApiToken, PrivacyConsent, User
from sanhak.common.models import PersonalDataAccess
from sanhak.common.tests.expected import login_redirect

pytestmark = pytest.mark.django_db


def users_snapshot() -> list[tuple[int, str, str, str]]:
    return sorted(User.objects.values_list("id", "name", "phone", "password"))


def uid(user: User) -> str:
    return urlsafe_base64_encode(force_bytes(user.pk))


# --- profile, tokens, export: anonymous ------------------------------------------------------------------


def test_anonymous_profile_post_redirects_to_login_and_changes_nothing(client, personas):
    before = users_snapshot()
    url = reverse("accounts:profile")
    response = client.post(url, {"name": "탈취", "phone": "010-0000-0000"})
    assert response.status_code == 302
    assert response["Location"] == login_redirect(url)
    assert users_snapshot() == before
    personas.worker.refresh_from_db()
    assert (personas.worker.name, personas.worker.phone) == ("오재직", "")


def test_anonymous_token_create_redirects_to_login_and_creates_no_token(client, personas):
    url = reverse("accounts:token_create")
    response = client.post(url, {"name": "엑셀 연동"})
    assert response.status_code == 302
    assert response["Location"] == login_redirect(url)
    assert ApiToken.objects.count() == 0
    assert client.get(url).status_code == 405  # POST only, for everyone
    assert ApiToken.objects.count() == 0


def test_token_create_allowed_for_the_logged_in_user(client, personas):
    client.force_login(personas.worker)
    response = client.post(reverse("accounts:token_create"), {"name": "엑셀 연동"})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:profile")
    assert list(ApiToken.objects.values_list("user_id", "name", "revoked_at")) == [
        (personas.worker.pk, "엑셀 연동", None)
    ]


def test_anonymous_export_redirects_to_login_and_logs_nothing(client, personas):
    url = reverse("accounts:export")
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == login_redirect(url)
    assert PersonalDataAccess.objects.count() == 0


def test_export_allowed_for_the_logged_in_user_logs_one_row(client, personas):
    client.force_login(personas.student)
    response = client.get(reverse("accounts:export"))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="sanhak-my-record.json"'
    assert list(PersonalDataAccess.objects.values_list("viewer_id", "purpose", "subject_count", "subject_ids")) == [
        (personas.student.pk, "self_export", 1, [personas.student.pk])
    ]


# --- invitation links ------------------------------------------------------------------------------------


@pytest.fixture
def invited(personas):
    """A worker invited by company A's manager who has not opened the link yet."""
    return services.worker_invite(
        company=personas.company_a,
        by=personas.manager,
        name="강신입",
        email="newbie@example.com",
        job_title="사출 오퍼레이터",
        base_url="http://testserver/",
    )


def invite_state(user: User) -> tuple[str, list[str]]:
    user.refresh_from_db()
    return user.password, list(PrivacyConsent.objects.filter(user=user).values_list("policy_version", flat=True))


def test_invite_post_with_a_bad_token_is_404_and_sets_nothing(client, invited):
    before = invite_state(invited)
    url = reverse("accounts:invite_accept", args=[uid(invited), "bad-token"])
    response = client.post(url, {"password": "a-long-pass-2026", "consent": "on"})
    assert response.status_code == 404
    assert "유효하지 않은 초대 링크입니다" in response.content.decode()
    assert invite_state(invited) == before
    assert invited.has_usable_password() is False
    assert before[1] == []
    assert "_auth_user_id" not in client.session


def test_invite_post_with_a_bad_token_for_an_existing_user_is_404(client, personas):
    before = invite_state(personas.worker)
    url = reverse("accounts:invite_accept", args=[uid(personas.worker), "bad-token"])
    assert client.post(url, {"password": "a-long-pass-2026", "consent": "on"}).status_code == 404
    assert invite_state(personas.worker) == before
    assert "_auth_user_id" not in client.session


def test_invite_post_with_an_unknown_user_is_404(client, personas):
    before = users_snapshot()
    url = reverse("accounts:invite_accept", args=[urlsafe_base64_encode(b"999999"), "bad-token"])
    assert client.post(url, {"password": "a-long-pass-2026", "consent": "on"}).status_code == 404
    assert users_snapshot() == before
    assert PrivacyConsent.objects.count() == 10  # the ten personas' own consents only


def test_invite_post_with_an_already_used_token_is_404_and_keeps_the_first_password(client, invited):
    url = reverse("accounts:invite_accept", args=[uid(invited), services.invitation_tokens.make_token(invited)])
    first = client.post(url, {"password": "a-long-pass-2026", "consent": "on"})
    assert first.status_code == 302
    assert first["Location"] == reverse("home")
    client.logout()
    before = invite_state(invited)
    assert before[1] == ["2026-11-01"]

    again = client.post(url, {"password": "another-pass-2027", "consent": "on"})
    assert again.status_code == 404
    assert "유효하지 않은 초대 링크입니다" in again.content.decode()
    assert invite_state(invited) == before
    assert invited.check_password("a-long-pass-2026") is True
    assert invited.check_password("another-pass-2027") is False
    assert "_auth_user_id" not in client.session


# --- public pages ------------------------------------------------------------------------------------------


def test_signup_page(client, db):
    response = client.get(reverse("accounts:signup"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>회원가입</h1>" in html
    assert f'href="{reverse("accounts:signup_trainee")}"' in html
    assert f'href="{reverse("accounts:signup_manager")}"' in html


def test_password_reset_done_page(client, db):
    response = client.get(reverse("accounts:password_reset_done"))
    assert response.status_code == 200
    assert "<h1>메일을 보냈습니다</h1>" in response.content.decode()


def test_password_reset_complete_page(client, db):
    response = client.get(reverse("accounts:password_reset_complete"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>비밀번호를 변경했습니다</h1>" in html
    assert f'href="{reverse("accounts:login")}"' in html


def test_password_reset_confirm_with_a_valid_token_sets_the_password(client, personas):
    worker = personas.worker
    url = reverse("accounts:password_reset_confirm", args=[uid(worker), default_token_generator.make_token(worker)])
    response = client.get(url)
    # Django moves the token into the session and redirects to a URL without it.
    set_password_url = reverse("accounts:password_reset_confirm", args=[uid(worker), "set-password"])
    assert response.status_code == 302
    assert response["Location"] == set_password_url
    form = client.get(set_password_url)
    assert form.status_code == 200
    html = form.content.decode()
    assert "<h1>새 비밀번호</h1>" in html
    assert 'name="new_password1"' in html
    assert "링크가 만료되었거나 이미 사용되었습니다" not in html
    done = client.post(set_password_url, {"new_password1": "a-long-pass-2026", "new_password2": "a-long-pass-2026"})
    assert done.status_code == 302
    assert done["Location"] == reverse("accounts:password_reset_complete")
    worker.refresh_from_db()
    assert worker.check_password("a-long-pass-2026") is True


def test_password_reset_confirm_with_an_invalid_token_changes_nothing(client, personas):
    worker = personas.worker
    before = users_snapshot()
    url = reverse("accounts:password_reset_confirm", args=[uid(worker), "bad-token"])
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>새 비밀번호</h1>" in html
    assert "링크가 만료되었거나 이미 사용되었습니다. / This link is invalid or has expired." in html
    assert 'name="new_password1"' not in html
    posted = client.post(url, {"new_password1": "a-long-pass-2026", "new_password2": "a-long-pass-2026"})
    assert posted.status_code == 200
    assert "링크가 만료되었거나 이미 사용되었습니다" in posted.content.decode()
    assert users_snapshot() == before
    worker.refresh_from_db()
    assert worker.check_password("a-long-pass-2026") is False


def test_a_password_reset_link_does_not_open_the_invitation_and_sets_nothing(client, invited):
    before = invite_state(invited)
    url = reverse("accounts:invite_accept", args=[uid(invited), default_token_generator.make_token(invited)])
    assert client.get(url).status_code == 404
    assert client.post(url, {"password": "a-long-pass-2026", "consent": "on"}).status_code == 404
    assert invite_state(invited) == before
    assert "_auth_user_id" not in client.session


def test_an_invitation_link_does_not_open_the_password_reset(client, invited):
    token = services.invitation_tokens.make_token(invited)
    response = client.get(reverse("accounts:password_reset_confirm", args=[uid(invited), token]))
    assert response.status_code == 200
    assert "링크가 만료되었거나 이미 사용되었습니다" in response.content.decode()
    assert 'name="new_password1"' not in response.content.decode()
    invited.refresh_from_db()
    assert invited.has_usable_password() is False
