"""Company pages: a manager sees and edits only their own company; admins see all."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sanhak.common.models import PersonalDataAccess

pytestmark = pytest.mark.django_db


def test_manager_sees_own_company_and_workers(client, personas):
    client.force_login(personas.manager)
    response = client.get(reverse("companies:mine"))
    assert response["Location"] == reverse("companies:detail", args=[personas.company_a.pk])
    body = client.get(response["Location"]).content.decode()
    assert "(주)남동정밀" in body and "오재직" in body and "윤현장" in body
    assert "서고잔" not in body
    log = PersonalDataAccess.objects.get()
    assert (log.viewer, log.purpose, log.subject_count) == (personas.manager, "company_workers", 2)


def test_manager_cannot_see_other_company(client, personas):
    client.force_login(personas.manager)
    assert client.get(reverse("companies:detail", args=[personas.company_b.pk])).status_code == 404
    before = personas.company_b.name
    response = client.post(reverse("companies:edit", args=[personas.company_b.pk]), {"name": "탈취", "employees": 1})
    assert response.status_code == 404
    personas.company_b.refresh_from_db()
    assert personas.company_b.name == before


def test_manager_edits_own_company(client, personas):
    client.force_login(personas.manager)
    response = client.post(
        reverse("companies:edit", args=[personas.company_a.pk]),
        {
            "name": "(주)남동정밀",
            "employees": 52,
            "smart_factory_level": 3,
            "ksic": "29229, 25921",
            "address": "",
            "products": "금형",
            "phone": "",
        },
    )
    assert response.status_code == 302
    personas.company_a.refresh_from_db()
    assert personas.company_a.employees == 52
    assert sorted(personas.company_a.ksic_codes.values_list("code", flat=True)) == ["25921", "29229"]


def test_edit_rejects_unknown_ksic(client, personas):
    client.force_login(personas.manager)
    body = client.post(
        reverse("companies:edit", args=[personas.company_a.pk]), {"name": "X", "employees": 1, "ksic": "99999"}
    ).content.decode()
    assert "알 수 없는 KSIC 10차 세세분류 코드: 99999" in body
    personas.company_a.refresh_from_db()
    assert personas.company_a.name == "(주)남동정밀"


def test_edit_rejects_a_malformed_phone_number(client, personas):
    client.force_login(personas.manager)
    body = client.post(
        reverse("companies:edit", args=[personas.company_a.pk]),
        {"name": "(주)남동정밀 새이름", "employees": 52, "ksic": "", "phone": "032-1"},
    ).content.decode()
    assert "전화번호 형식이 올바르지 않습니다(예: 032-123-4567, 1588-1234)." in body
    personas.company_a.refresh_from_db()
    assert (personas.company_a.name, personas.company_a.phone) == ("(주)남동정밀", "")


def test_company_list_admin_only(client, personas):
    client.force_login(personas.admin)
    body = client.get(reverse("companies:list"), {"q": "고잔"}).content.decode()
    assert "(주)고잔테크" in body and "(주)남동정밀" not in body
    client.force_login(personas.manager)
    assert client.get(reverse("companies:list")).status_code == 403
    client.logout()
    assert client.get(reverse("companies:list")).status_code == 302


def test_manager_edits_own_worker(client, personas):
    client.force_login(personas.manager)
    url = reverse("companies:worker_edit", args=[personas.company_a.pk, personas.worker.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"job_title": "스마트공장 담당", "prefers_weekend": "on"})
    assert response.status_code == 302
    profile = personas.worker.trainee_profile
    profile.refresh_from_db()
    assert (profile.job_title, profile.prefers_evening, profile.prefers_weekend) == ("스마트공장 담당", False, True)


def test_the_worker_edit_page_is_logged(client, personas):
    client.force_login(personas.manager)
    url = reverse("companies:worker_edit", args=[personas.company_a.pk, personas.worker.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"job_title": "스마트공장 담당"}).status_code == 302  # saved: the redirect shows nobody
    logged = PersonalDataAccess.objects.values_list("viewer_id", "purpose", "subject_ids")
    assert list(logged) == [(personas.manager.pk, "company_worker_edit", [personas.worker.pk])]


def test_manager_cannot_edit_another_companys_worker(client, personas):
    client.force_login(personas.manager)
    before = personas.worker_b.trainee_profile.job_title
    # neither through the other company's URL nor by putting the worker under their own company
    for company in (personas.company_b, personas.company_a):
        url = reverse("companies:worker_edit", args=[company.pk, personas.worker_b.pk])
        assert client.post(url, {"job_title": "탈취"}).status_code == 404
    personas.worker_b.trainee_profile.refresh_from_db()
    assert personas.worker_b.trainee_profile.job_title == before


def test_trainee_cannot_edit_workers(client, personas):
    client.force_login(personas.worker2)
    url = reverse("companies:worker_edit", args=[personas.company_a.pk, personas.worker.pk])
    assert client.post(url, {"job_title": "x"}).status_code == 404
