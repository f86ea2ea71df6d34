"""A company manager invites a worker; the worker sets a password and consents through a one-time link."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from sanhak.accounts.models import PrivacyConsent, Role, User
from sanhak.accounts.services import worker_invite

pytestmark = pytest.mark.django_db


def invite(client, personas, company=None, **data):
    company = company or personas.company_a
    payload = {"name": "강신입", "email": "Newbie@Example.com", "job_title": "사출 오퍼레이터", **data}
    return client.post(reverse("companies:worker_invite", args=[company.pk]), payload)


def test_manager_invites_worker_who_accepts(client, personas, django_capture_on_commit_callbacks):
    client.force_login(personas.manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = invite(client, personas)
    assert response.status_code == 302
    worker = User.objects.get(email="newbie@example.com")
    assert worker.has_usable_password() is False
    assert worker.role_set == {Role.TRAINEE}
    assert (worker.trainee_profile.employer, worker.trainee_profile.job_title) == (
        personas.company_a,
        "사출 오퍼레이터",
    )
    assert not PrivacyConsent.objects.filter(user=worker).exists()
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/accounts/invite/\S+/)", mail.outbox[0].body).group(1)

    client.logout()
    assert "강신입" in client.get(link).content.decode()
    # without consent nothing is set
    body = client.post(link, {"password": "a-long-pass-2026"}).content.decode()
    assert "개인정보 수집·이용 동의가 필요합니다" in body
    worker.refresh_from_db()
    assert worker.has_usable_password() is False
    # with consent: password set, consent recorded, logged in
    assert client.post(link, {"password": "a-long-pass-2026", "consent": "on"}).status_code == 302
    worker.refresh_from_db()
    assert worker.check_password("a-long-pass-2026")
    assert list(PrivacyConsent.objects.filter(user=worker).values_list("policy_version", flat=True)) == ["2026-11-01"]
    assert client.get(reverse("home")).context["user"] == worker
    # the link works once
    client.logout()
    assert client.get(link).status_code == 404


def test_invitation_is_in_the_site_language_not_the_managers(client, personas, django_capture_on_commit_callbacks):
    client.cookies["django_language"] = "en"
    client.force_login(personas.manager)
    with django_capture_on_commit_callbacks(execute=True):
        invite(client, personas)
    company, manager = personas.company_a.name, personas.manager.name
    (sent,) = mail.outbox
    assert sent.subject == f"[sanhak] {company}에서 교육 플랫폼에 초대했습니다 / You are invited"
    link = re.search(r"http://testserver/accounts/invite/\S+/", sent.body).group(0)
    assert sent.body == (
        f"강신입 님, {manager} 님({company})이 산학 교육 플랫폼에 초대했습니다.\n"
        f"아래 링크에서 비밀번호를 정하고 개인정보 수집·이용에 동의하면 가입이 완료됩니다.\n\n{link}\n\n"
        f"{manager} ({company}) invited you to sanhak. Open the link to set a password and finish."
    )


@override_settings(LANGUAGE_CODE="en")
def test_invitation_in_english_when_that_is_the_site_language(personas, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        worker_invite(
            company=personas.company_a,
            by=personas.manager,
            name="Jane Doe",
            email="jane@example.com",
            job_title="Operator",
            base_url="https://sanhak.example",
        )
    company, manager = personas.company_a.name, personas.manager.name
    (sent,) = mail.outbox
    assert sent.subject == f"[sanhak] {company} invited you to sanhak"
    link = re.search(r"https://sanhak\.example/accounts/invite/\S+/", sent.body).group(0)
    assert sent.body == (
        f"Dear Jane Doe, {manager} ({company}) invited you to sanhak, the industry–academia training platform.\n"
        "Open the link below, set a password and agree to the collection and use of your personal data to finish "
        f"signing up.\n\n{link}"
    )


def test_invite_rejects_registered_email(client, personas):
    client.force_login(personas.manager)
    body = invite(client, personas, email="student@sanhak.test").content.decode()
    assert "이미 가입된 이메일입니다" in body
    assert User.objects.filter(email="student@sanhak.test").count() == 1
    assert mail.outbox == []


@pytest.mark.parametrize("who", ["manager_b", "worker", "coordinator"])
def test_only_the_companys_manager_may_invite(client, personas, who):
    client.force_login(getattr(personas, who))
    assert invite(client, personas).status_code == 404
    assert not User.objects.filter(email="newbie@example.com").exists()
    assert mail.outbox == []


def test_bad_invite_link(client, personas):
    assert client.get("/accounts/invite/MTIz/bad-token/").status_code == 404
    assert client.get("/accounts/invite/%%%/x/").status_code == 404
