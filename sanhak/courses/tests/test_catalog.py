"""The public catalog: Korean morphology search, filters, detail pages, constant query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sanhak.common import pagecache
from sanhak.courses.search import index_text, query_terms
from sanhak.courses.selectors import CatalogFilters, catalog_offerings
from sanhak.courses.services import offering_create

pytestmark = pytest.mark.django_db


def titles(filters: CatalogFilters) -> list[str]:
    return [o.course.title_ko for o in catalog_offerings(filters)]


def test_index_text_splits_compounds_into_morphemes():
    assert index_text("산업용 로봇 운용") == " 산업 로봇 운용"
    assert index_text("사출성형 공정") == " 사출 성형 공정"
    assert query_terms("로봇") == [" 로봇"]
    assert query_terms("PLC를") == [" plc"]


def test_search_understands_korean_morphology(catalog):
    assert titles(CatalogFilters(q="로봇")) == ["산업용 로봇 운용"]
    assert titles(CatalogFilters(q="사출")) == ["사출성형 공정 최적화"]
    assert titles(CatalogFilters(q="사출성형")) == ["사출성형 공정 최적화"]
    assert titles(CatalogFilters(q="로봇을 운용하는")) == ["산업용 로봇 운용"]
    assert titles(CatalogFilters(q="용접")) == []


def test_search_matches_competency_names_and_english(catalog):
    # "SM-AUT-05" is the robot competency; its Korean name is indexed with the course.
    assert titles(CatalogFilters(q="Industrial robot")) == ["산업용 로봇 운용"]


def test_filters(catalog, personas):
    assert titles(CatalogFilters(schedule="evening")) == ["산업용 로봇 운용"]
    assert titles(CatalogFilters(schedule="weekend")) == ["사출성형 공정 최적화"]
    assert titles(CatalogFilters(track="technical")) == ["산업용 로봇 운용"]
    assert titles(CatalogFilters(institution="kopo-incheon")) == ["사출성형 공정 최적화"]
    assert titles(CatalogFilters(competency="SM-PRC-01")) == ["사출성형 공정 최적화"]
    assert titles(CatalogFilters(mode="blended")) == ["산업용 로봇 운용"]
    # past offerings are hidden unless asked for
    assert titles(CatalogFilters(q="PLC")) == []
    assert titles(CatalogFilters(q="PLC", include_past=True)) == ["PLC 프로그래밍 기초"]


def test_open_seats_filter(catalog):
    offering = catalog.robot_offering
    offering.approved_count = 3
    offering.save()
    assert titles(CatalogFilters(open_seats=True)) == ["사출성형 공정 최적화"]


def test_catalog_page_anonymous(client, catalog):
    response = client.get(reverse("courses:catalog"), {"q": "로봇"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "산업용 로봇 운용" in body
    assert "사출성형 공정 최적화" not in body
    assert "강좌 1개" in body


def test_catalog_page_htmx_returns_results_fragment(client, catalog):
    response = client.get(reverse("courses:catalog"), {"q": "사출"}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert "사출성형 공정 최적화" in body


def test_catalog_bad_filter_value_is_not_an_error(client, catalog):
    response = client.get(reverse("courses:catalog"), {"track": "nope", "page": "x"})
    assert response.status_code == 200


def test_catalog_query_count_is_constant(client, catalog, personas):
    def count() -> int:
        cache.clear()  # measure the uncached page
        pagecache.clear()
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("courses:catalog")).status_code == 200
        return len(ctx)

    before = count()
    start = catalog.robot_offering.start_date
    for i in range(8):
        offering_create(
            course=catalog.robot,
            term="2026-2",
            start_date=start + dt.timedelta(days=i),
            capacity=10,
            end_date=start + dt.timedelta(days=30),
        )
    assert count() == before


def test_course_and_offering_detail(client, catalog):
    response = client.get(reverse("courses:course", args=["INU-ROB-201"]))
    assert response.status_code == 200
    assert "SM-AUT-05" in response.content.decode()
    response = client.get(reverse("courses:offering", args=[catalog.robot_offering.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "0/3명 (잔여 3석)" in body
    assert "19:00–22:00" in body
    assert client.get(reverse("courses:course", args=["NOPE"])).status_code == 404
    assert client.get(reverse("courses:offering", args=[999999])).status_code == 404


def test_cached_catalog_shows_seat_changes_at_once(client, personas, catalog):
    from sanhak.enrollment.services import enrollment_apply, enrollment_approve

    url = reverse("courses:catalog")
    assert "3/3" in client.get(url, {"q": "로봇"}).content.decode()
    enrollment = enrollment_apply(offering=catalog.robot_offering, trainee=personas.worker)
    enrollment_approve(enrollment=enrollment, by=personas.coordinator)
    body = client.get(url, {"q": "로봇"}).content.decode()
    assert "2/3" in body
    assert "3/3" not in body


def test_catalog_ignores_invalid_filter_values(client, catalog):
    response = client.get(reverse("courses:catalog"), {"q": "로봇" * 60, "track": "nope", "schedule": "evening"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "산업용 로봇 운용" in body  # the bad q and track are dropped, the valid schedule filter stays
    assert "사출성형 공정 최적화</a>" not in body


def test_admin_edit_updates_the_search_index(client, personas, catalog):
    client.force_login(personas.admin)
    course = catalog.molding
    url = reverse("admin:courses_course_change", args=[course.pk])
    cc = course.course_competencies.get()
    response = client.post(
        url,
        {
            "code": course.code,
            "title_ko": "용접 자동화 실무",
            "title_en": "",
            "description": "",
            "institution": course.institution_id,
            "track": course.track_id,
            "mode": course.mode,
            "hours": course.hours,
            "is_active": "on",
            "course_competencies-TOTAL_FORMS": "1",
            "course_competencies-INITIAL_FORMS": "1",
            "course_competencies-MIN_NUM_FORMS": "0",
            "course_competencies-MAX_NUM_FORMS": "1000",
            "course_competencies-0-id": cc.pk,
            "course_competencies-0-course": course.pk,
            "course_competencies-0-competency": cc.competency_id,
            "course_competencies-0-target_level": 3,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert titles(CatalogFilters(q="용접")) == ["용접 자동화 실무"]
    assert titles(CatalogFilters(q="최적화")) == []  # the old title is gone from the index
