"""Companies and their workers: a program admin sees all, a company manager their own, nobody else any."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sanhak.api.tests.conftest import make_worker
from sanhak.common.models import PersonalDataAccess
from sanhak.companies.models import Company

COMPANY_NOT_FOUND = {"code": "not_found", "message": "기업을 찾을 수 없습니다. / Company not found."}


def company_a_json(personas) -> dict:
    return {
        "id": personas.company_a.pk,
        "name": "(주)남동정밀",
        "brn": "124-81-00998",
        "factory_no": None,
        "employees": 48,
        "size_band": "small",
        "address": "인천광역시 남동구 남동서로 123",
        "complex": "남동국가산업단지",
        "smart_factory_level": 2,
        "products": "자동차 부품 금형, 사출 성형품",
        "phone": "",
        "ksic_codes": [{"code": "29229", "name": "기타 가공 공작기계 제조업"}],
    }


# List --------------------------------------------------------------------------------------------


def test_admin_sees_every_company(api, personas):
    response = api.get("/api/companies", as_=personas.admin)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert [c["name"] for c in body["items"]] == ["(주)고잔테크", "(주)남동정밀"]
    assert body["items"][1] == company_a_json(personas)


def test_a_manager_sees_only_their_company(api, personas):
    response = api.get("/api/companies", as_=personas.manager)
    assert response.json() == {"items": [company_a_json(personas)], "count": 1}


@pytest.mark.parametrize("who", ["worker", "student", "coordinator", "instructor"])
def test_others_see_no_company(api, personas, who):
    response = api.get("/api/companies", as_=getattr(personas, who))
    assert response.status_code == 200
    assert response.json() == {"items": [], "count": 0}


def test_anonymous_is_401(api, personas):
    assert api.get("/api/companies").status_code == 401


@pytest.mark.parametrize(
    ("q", "expected"), [("남동", ["(주)남동정밀"]), ("센서", ["(주)고잔테크"]), ("220-81", ["(주)고잔테크"])]
)
def test_search(api, personas, q, expected):
    assert [c["name"] for c in api.get("/api/companies", as_=personas.admin, q=q).json()["items"]] == expected


def test_search_stays_within_scope(api, personas):
    assert api.get("/api/companies", as_=personas.manager, q="고잔").json() == {"items": [], "count": 0}


def test_company_list_query_count_is_constant(api, personas):
    def add(i: int) -> None:
        company = Company.objects.create(name=f"테스트기업{i:02d}", factory_no=f"F-{i:04d}")
        company.ksic_codes.add("29229", "26299")

    api.get("/api/companies", as_=personas.admin)  # the token's first use writes last_used_at
    with CaptureQueriesContext(connection) as two:
        assert api.get("/api/companies", as_=personas.admin).json()["count"] == 2
    for i in range(8):
        add(i)
    with CaptureQueriesContext(connection) as ten:
        assert api.get("/api/companies", as_=personas.admin).json()["count"] == 10
    assert len(two) == len(ten) == 6  # token, roles, page keys, page, KSIC codes, count


# Detail ------------------------------------------------------------------------------------------


def test_company_detail_for_its_manager_and_the_admin(api, personas):
    for user in (personas.manager, personas.admin):
        response = api.get(f"/api/companies/{personas.company_a.pk}", as_=user)
        assert response.status_code == 200
        assert response.json() == company_a_json(personas)


@pytest.mark.parametrize("who", ["manager_b", "worker", "coordinator"])
def test_company_detail_is_404_for_anyone_else(api, personas, who):
    response = api.get(f"/api/companies/{personas.company_a.pk}", as_=getattr(personas, who))
    assert response.status_code == 404
    assert response.json() == COMPANY_NOT_FOUND


def test_company_detail_bad_id(api, personas):
    assert api.get("/api/companies/x", as_=personas.admin).status_code == 422
    assert api.get("/api/companies/99999999", as_=personas.admin).json() == COMPANY_NOT_FOUND


# Workers -----------------------------------------------------------------------------------------


def test_workers_for_their_manager(api, personas):
    response = api.get(f"/api/companies/{personas.company_a.pk}/workers", as_=personas.manager)
    assert response.status_code == 200
    assert response.json() == {
        "items": [
            {"id": personas.worker.pk, "name": "오재직", "email": "worker@sanhak.test", "job_title": "생산기술"},
            {"id": personas.worker2.pk, "name": "윤현장", "email": "worker2@sanhak.test", "job_title": "설비보전"},
        ],
        "count": 2,
    }


def test_workers_for_the_admin(api, personas):
    response = api.get(f"/api/companies/{personas.company_b.pk}/workers", as_=personas.admin)
    assert [w["id"] for w in response.json()["items"]] == [personas.worker_b.pk]


@pytest.mark.parametrize("who", ["manager_b", "worker", "worker2", "instructor"])
def test_workers_are_404_for_anyone_else(api, personas, who):
    response = api.get(f"/api/companies/{personas.company_a.pk}/workers", as_=getattr(personas, who))
    assert response.status_code == 404
    assert response.json() == COMPANY_NOT_FOUND


def test_workers_query_count_is_constant(api, personas):
    url = f"/api/companies/{personas.company_a.pk}/workers"
    api.get(url, as_=personas.manager)
    with CaptureQueriesContext(connection) as two:
        assert api.get(url, as_=personas.manager).json()["count"] == 2
    for i in range(8):
        make_worker(i, personas.company_a)
    with CaptureQueriesContext(connection) as ten:
        assert api.get(url, as_=personas.manager).json()["count"] == 10
    assert len(two) == len(ten) == 7  # token, roles, company, page keys, page, count, access log
    assert PersonalDataAccess.objects.filter(purpose="api_company_workers").count() == 3


def test_workers_log_only_the_page_served(api, personas):
    url = f"/api/companies/{personas.company_a.pk}/workers"
    everyone = [w["id"] for w in api.get(url, as_=personas.manager).json()["items"]]
    assert sorted(everyone) == sorted([personas.worker.pk, personas.worker2.pk])
    second = api.get(url, as_=personas.manager, limit=1, offset=1).json()["items"]
    assert [w["id"] for w in second] == everyone[1:]
    api.get(url, as_=personas.manager, offset=5)  # an empty page: nobody shown
    logged = PersonalDataAccess.objects.order_by("id").values_list("viewer_id", "purpose", "subject_ids")
    assert list(logged) == [
        (personas.manager.pk, "api_company_workers", sorted(everyone)),
        (personas.manager.pk, "api_company_workers", everyone[1:]),
    ]
