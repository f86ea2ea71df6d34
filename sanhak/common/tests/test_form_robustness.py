"""Forms given hostile input answer with a clear refusal and change nothing, never a 500 (what submitting
every form on PostgreSQL with extreme values found)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sanhak.accounts.models import ApiToken, User
from sanhak.enrollment.models import Status
from sanhak.enrollment.services import enrollment_apply

LONG_EMAIL = "a" * 64 + "@" + ".".join(["b" * 62, "c" * 62, "d" * 61]) + ".kr"  # 255 characters: valid, but over 254
TOO_LONG_300 = "이 값이 최대 300 개의 글자인지 확인하세요(입력값 301 자)."


def test_an_email_longer_than_the_user_model_stores_is_a_form_error(client, personas):
    assert len(LONG_EMAIL) == 255
    before = User.objects.count()
    response = client.post(
        reverse("accounts:signup_trainee"),
        {
            "name": "신입",
            "email": LONG_EMAIL,
            "password": "a-long-pass-2026",
            "consent": "on",
            "kind": "graduate",
            "institution": personas.lead.pk,
        },
    )
    assert response.status_code == 200
    assert "이 값이 최대 254 개의 글자인지 확인하세요(입력값 255 자)." in response.content.decode()
    client.force_login(personas.manager)
    invite = client.post(
        reverse("companies:worker_invite", args=[personas.company_a.pk]), {"name": "신입", "email": LONG_EMAIL}
    )
    assert invite.status_code == 200
    assert User.objects.count() == before


def test_logging_in_with_an_overlong_email_is_refused_not_a_crash(client, personas):
    response = client.post(reverse("accounts:login"), {"username": LONG_EMAIL, "password": "x"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_a_nul_in_a_multipart_form_field_is_a_400(client, personas, catalog):
    e = enrollment_apply(offering=catalog.robot_offering, trainee=personas.worker)
    client.force_login(personas.coordinator)
    response = client.post(reverse("enrollment:reject", args=[e.pk]), {"reason": "a\x00b"})  # multipart by default
    assert response.status_code == 400
    e.refresh_from_db()
    assert e.status == Status.PENDING


@pytest.mark.parametrize(
    ("target", "landing"),
    [
        ("abc", None),
        ("https://evil.example/", None),
        ("//evil.example/x", None),
        ("/courses/", "/courses/"),
    ],
)
def test_next_goes_only_to_a_path_on_this_site(client, personas, catalog, target, landing):
    e = enrollment_apply(offering=catalog.robot_offering, trainee=personas.worker)
    client.force_login(personas.coordinator)
    response = client.post(reverse("enrollment:approve", args=[e.pk]), {"next": target})
    roster = reverse("enrollment:roster", args=[catalog.robot_offering.pk])
    assert (response.status_code, response["Location"]) == (302, landing or roster)


def test_a_reason_too_long_is_told_so_not_that_it_is_missing(client, personas, catalog):
    e = enrollment_apply(offering=catalog.robot_offering, trainee=personas.worker)
    client.force_login(personas.coordinator)
    body = client.post(reverse("enrollment:reject", args=[e.pk]), {"reason": "가" * 301}, follow=True).content.decode()
    assert TOO_LONG_300 in body and "반려 사유를 입력하세요" not in body
    e.refresh_from_db()
    assert e.status == Status.PENDING

    client.force_login(personas.worker)
    body = client.post(reverse("accounts:token_create"), {"name": "t" * 61}, follow=True).content.decode()
    assert "이 값이 최대 60 개의 글자인지 확인하세요(입력값 61 자)." in body and "토큰 이름을 입력하세요" not in body
    assert not ApiToken.objects.filter(user=personas.worker).exists()
    body = client.post(reverse("accounts:token_create"), {"name": ""}, follow=True).content.decode()
    assert "토큰 이름을 입력하세요" in body


def test_the_verify_page_takes_json_nested_thousands_deep_as_malformed(client, db):
    response = client.post(reverse("credentials:verify"), {"credential": "[" * 100_000 + "]" * 100_000})
    assert response.status_code == 200
