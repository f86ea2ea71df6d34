"""A logged-in user changes their password with the current one, from their profile."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from sanhak.common.personas import DEMO_PASSWORD
from sanhak.common.tests.expected import login_redirect

pytestmark = pytest.mark.django_db

URL = "/accounts/profile/password/"
NEW = "a-new-long-pass-2027"


def change(client, old: str, new: str = NEW, again: str | None = None):
    return client.post(URL, {"old_password": old, "new_password1": new, "new_password2": again or new})


def test_the_profile_links_to_the_password_change(client, personas):
    assert reverse("accounts:password_change") == URL
    client.force_login(personas.worker)
    assert f'href="{URL}"' in client.get(reverse("accounts:profile")).content.decode()
    page = client.get(URL)
    assert page.status_code == 200
    html = page.content.decode()
    assert "<h1>비밀번호 변경</h1>" in html
    assert 'name="old_password"' in html and 'name="new_password1"' in html


def test_a_user_changes_their_password_stays_logged_in_and_other_sessions_end(client, personas):
    worker = personas.worker
    elsewhere = Client()
    elsewhere.force_login(worker)  # another browser, logged in with the old password
    assert elsewhere.get(reverse("accounts:profile")).status_code == 200
    client.force_login(worker)

    response = change(client, DEMO_PASSWORD)
    assert (response.status_code, response["Location"]) == (302, reverse("accounts:profile"))
    worker.refresh_from_db()
    assert worker.check_password(NEW) and not worker.check_password(DEMO_PASSWORD)
    profile = client.get(reverse("accounts:profile"))
    assert profile.status_code == 200  # this session goes on
    assert "비밀번호를 변경했습니다." in profile.content.decode()
    gone = elsewhere.get(reverse("accounts:profile"))
    assert gone["Location"] == login_redirect(reverse("accounts:profile"))  # the other one ended


def test_a_wrong_current_password_or_a_weak_new_one_changes_nothing(client, personas):
    worker = personas.worker
    client.force_login(worker)
    before = worker.password
    wrong = change(client, "not-my-password")
    assert wrong.status_code == 200
    assert "기존 비밀번호를 잘못 입력하셨습니다" in wrong.content.decode()
    weak = change(client, DEMO_PASSWORD, new="12345678")
    assert weak.status_code == 200
    assert "너무 흔히 사용되는 비밀번호입니다." in weak.content.decode()
    assert "비밀번호가 전부 숫자로 되어 있습니다." in weak.content.decode()
    mismatch = change(client, DEMO_PASSWORD, again="something-else-2027")
    assert mismatch.status_code == 200
    worker.refresh_from_db()
    assert worker.password == before


def test_anonymous_is_sent_to_login_and_nothing_changes(client, personas):
    before = personas.worker.password
    assert client.get(URL)["Location"] == login_redirect(URL)
    response = client.post(URL, {"old_password": DEMO_PASSWORD, "new_password1": NEW, "new_password2": NEW})
    assert response["Location"] == login_redirect(URL)
    personas.worker.refresh_from_db()
    assert personas.worker.password == before


def test_the_page_in_english(client, personas):
    client.force_login(personas.worker)
    with translation.override("en"):
        html = client.get(URL, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "<h1>Change password</h1>" in html
    assert "Signing in elsewhere ends" in html
