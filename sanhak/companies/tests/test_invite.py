"""A company manager invites a worker; the worker sets a password and consents through a one-time link."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse

from sanhak.accounts.models import PrivacyConsent, Role, User

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
