"""Sign-up with consent, login by e-mail with throttling, password reset, profile, export."""

from __future__ import annotations

import json

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from sanhak.accounts.models import PrivacyConsent, Role, Session, TraineeProfile, User
from sanhak.common.models import PersonalDataAccess
from sanhak.common.personas import DEMO_PASSWORD
from sanhak.companies.models import Company

pytestmark = pytest.mark.django_db


def test_login_with_email(client, personas):
    response = client.post(reverse("accounts:login"), {"username": "worker@sanhak.test", "password": DEMO_PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("home")).context["user"] == personas.worker


def test_login_throttled_after_five_failures(client, personas):
    for _ in range(5):
        client.post(reverse("accounts:login"), {"username": "worker@sanhak.test", "password": "wrong"})
    response = client.post(reverse("accounts:login"), {"username": "worker@sanhak.test", "password": DEMO_PASSWORD})
    assert response.status_code == 429
    assert "로그인 시도가 너무 많습니다" in response.content.decode()


def test_trainee_signup_records_consent(client, personas):
    response = client.post(
        reverse("accounts:signup_trainee"),
        {
            "name": "신입사원",
            "email": "New@Example.com",
            "password": "a-long-pass-2026",
            "consent": "on",
            "kind": "incumbent",
            "employer_brn": "124-81-00998",
            "prefers_evening": "on",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email="new@example.com")
    assert user.role_set == {Role.TRAINEE}
    assert user.trainee_profile.employer == personas.company_a
    assert user.trainee_profile.prefers_evening is True
    assert list(PrivacyConsent.objects.filter(user=user).values_list("policy_version", flat=True)) == ["2026-11-01"]


def test_signup_without_consent_creates_nothing(client, personas):
    before = User.objects.count()
    response = client.post(
        reverse("accounts:signup_trainee"),
        {
            "name": "신입",
            "email": "n@example.com",
            "password": "a-long-pass-2026",
            "kind": "graduate",
            "institution": personas.lead.pk,
        },
    )
    assert response.status_code == 200
    assert "개인정보 수집·이용 동의가 필요합니다" in response.content.decode()
    assert User.objects.count() == before


def test_incumbent_needs_a_registered_employer(client, personas):
    response = client.post(
        reverse("accounts:signup_trainee"),
        {
            "name": "신입",
            "email": "n@example.com",
            "password": "a-long-pass-2026",
            "consent": "on",
            "kind": "incumbent",
            "employer_brn": "000-00-00000",
        },
    )
    assert "등록된 기업의 사업자등록번호를 입력하세요" in response.content.decode()
    assert not TraineeProfile.objects.filter(user__email="n@example.com").exists()


def test_manager_signup_registers_company(client, personas):
    response = client.post(
        reverse("accounts:signup_manager"),
        {
            "name": "대표",
            "email": "boss@example.com",
            "password": "a-long-pass-2026",
            "consent": "on",
            "company_name": "(주)새한정밀",
            "brn": "110-81-00010",
            "employees": "12",
        },
    )
    assert response.status_code == 302, response.content.decode()
    user = User.objects.get(email="boss@example.com")
    assert user.managed_company.name == "(주)새한정밀"
    assert user.managed_company.brn == "1108100010"


def test_manager_signup_rejects_bad_or_taken_brn(client, personas):
    data = {
        "name": "대표",
        "email": "boss@example.com",
        "password": "a-long-pass-2026",
        "consent": "on",
        "company_name": "X",
        "employees": "3",
    }
    body = client.post(reverse("accounts:signup_manager"), {**data, "brn": "123-45-67890"}).content.decode()
    assert "사업자등록번호가 올바르지 않습니다" in body
    body = client.post(reverse("accounts:signup_manager"), {**data, "brn": "124-81-00998"}).content.decode()
    assert "이미 등록된 기업입니다" in body
    assert Company.objects.count() == 2


def test_password_reset_sends_mail(client, personas):
    client.post(reverse("accounts:password_reset"), {"email": "worker@sanhak.test"})
    assert len(mail.outbox) == 1
    assert "/accounts/reset/" in mail.outbox[0].body


def test_profile_requires_login(client):
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302


def test_profile_update_and_tokens(client, personas):
    client.force_login(personas.worker)
    client.post(reverse("accounts:profile"), {"name": "오재직2", "phone": "010-1234-5678"})
    personas.worker.refresh_from_db()
    assert (personas.worker.name, personas.worker.phone) == ("오재직2", "010-1234-5678")
    client.post(reverse("accounts:token_create"), {"name": "엑셀 연동"})
    body = client.get(reverse("accounts:profile")).content.decode()
    token = personas.worker.api_tokens.get()
    assert token.name == "엑셀 연동"
    assert "shk_" in body
    # another user cannot revoke it
    client.force_login(personas.student)
    assert client.post(reverse("accounts:token_revoke", args=[token.pk])).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    client.force_login(personas.worker)
    client.post(reverse("accounts:token_revoke", args=[token.pk]))
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_trainee_exports_own_record(client, personas, catalog):
    from sanhak.enrollment.services import enrollment_apply

    enrollment_apply(offering=catalog.robot_offering, trainee=personas.worker)
    client.force_login(personas.worker)
    response = client.get(reverse("accounts:export"))
    record = json.loads(response.content)
    assert record["email"] == "worker@sanhak.test"
    assert record["trainee_profile"]["employer"] == "(주)남동정밀"
    assert [(e["course_code"], e["status"]) for e in record["enrollments"]] == [("INU-ROB-201", "pending")]
    assert "resident" not in json.dumps(record)
    assert PersonalDataAccess.objects.get().purpose == "self_export"


def test_language_switch_to_english(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert client.cookies["django_language"].value == "en"


def test_login_session_model_is_named_in_both_languages():
    assert str(Session._meta.verbose_name) == "세션"
    with translation.override("en"):
        assert str(Session._meta.verbose_name) == "Session"
