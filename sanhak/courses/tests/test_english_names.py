"""English pages show reference data (courses, competencies, tracks, institutions) by their English
names where they have one, and the Korean name where they do not; Korean pages are unchanged."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from sanhak.common import pagecache
from sanhak.common.i18n import in_language
from sanhak.competencies.models import Competency, Track
from sanhak.enrollment.services import enrollment_apply

pytestmark = pytest.mark.django_db


def english(client):  # type: ignore[no-untyped-def]
    client.cookies["django_language"] = "en"
    return client


def text(response) -> str:  # type: ignore[no-untyped-def]
    assert response.status_code == 200
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_in_language_falls_back_to_korean():
    with translation.override("en"):
        assert in_language("기술인력", "Technical personnel") == "Technical personnel"
        assert in_language("사출성형 공정 최적화", "") == "사출성형 공정 최적화"
    with translation.override("ko"):
        assert in_language("기술인력", "Technical personnel") == "기술인력"
    track = Track.objects.get(code="technical")
    with translation.override("en"):
        assert (str(track), track.name) == ("Technical personnel", "Technical personnel")
    assert (str(track), track.name) == ("기술인력", "기술인력")


def test_catalog_in_english(client, catalog):
    body = text(english(client).get(reverse("courses:catalog"), {"q": "로봇"}))
    assert "Industrial robot operation" in body
    assert "Industrial robot operation and programming L5" in body  # the competency badge
    assert "Incheon National University Technical personnel" in body
    assert "산업용 로봇" not in body
    assert "인천대학교" not in body

    molding = text(client.get(reverse("courses:catalog"), {"q": "사출"}))
    assert "사출성형 공정 최적화" in molding  # no English title: the Korean one
    assert "Korea Polytechnics Incheon Campus Skilled workers" in molding


def test_catalog_filters_in_english(client, catalog):
    body = english(client).get(reverse("courses:catalog")).content.decode()
    assert '<option value="technical">Technical personnel</option>' in body
    assert '<option value="inu">Incheon National University</option>' in body
    assert '<option value="SM-AUT-05">SM-AUT-05 Industrial robot operation and programming</option>' in body
    korean = client.get(reverse("courses:catalog"), HTTP_COOKIE="django_language=ko").content.decode()
    assert '<option value="technical">기술인력</option>' in korean


def test_course_and_offering_detail_in_english(client, catalog):
    course = text(english(client).get(reverse("courses:course", args=["INU-ROB-201"])))
    assert "Institution Incheon National University" in course
    assert "Track Technical personnel (NCS 4–6)" in course
    assert "SM-AUT-05 Industrial robot operation and programming" in course

    offering = text(client.get(reverse("courses:offering", args=[catalog.robot_offering.pk])))
    assert offering.startswith(" Industrial robot operation · sanhak ")  # the page title
    assert "INU-ROB-201 · Incheon National University · Technical personnel" in offering


def test_competency_pages_in_english(client, catalog):
    detail = text(english(client).get(reverse("competencies:detail", args=["SM-AUT-05"])))
    # The English name heads the page; the Korean one follows as the secondary label (and the reverse in Korean).
    assert (
        " Industrial robot operation and programming SM-AUT-05 Field automation · 산업용 로봇 운용·프로그래밍 "
        in detail
    )
    korean = text(client.get(reverse("competencies:detail", args=["SM-AUT-05"]), HTTP_COOKIE="django_language=ko"))
    assert " 산업용 로봇 운용·프로그래밍 SM-AUT-05 현장 자동화 · Industrial robot operation and programming " in korean
    assert "Industrial robot operation · Incheon National University · Technical personnel · Target L5" in detail
    listing = english(client).get(reverse("competencies:list")).content.decode()
    assert "<td>Field automation</td>" in listing


def test_manager_dashboard_in_english(client, personas, catalog):
    enrollment_apply(offering=catalog.robot_offering, trainee=personas.worker)
    enrollment_apply(offering=catalog.molding_offering, trainee=personas.worker)
    english(client).force_login(personas.manager)
    body = text(client.get(reverse("home")))
    assert f"{personas.worker.name} · Industrial robot operation · Pending" in body
    assert f"{personas.worker.name} · 사출성형 공정 최적화 · Pending" in body


def test_english_catalog_reads_as_few_queries_as_the_korean_one(client, catalog):
    def count(language: str) -> int:
        cache.clear()
        pagecache.clear()
        client.cookies["django_language"] = language
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("courses:catalog")).status_code == 200
            assert client.get(reverse("courses:course", args=["INU-ROB-201"])).status_code == 200
        return len(ctx)

    assert count("en") == count("ko")
    assert Competency.objects.filter(name_en="").count() == 0  # every catalog competency has its English name


def test_messages_name_courses_in_the_visitors_language(personas, catalog):
    from sanhak.enrollment.services import missing_prerequisites
    from sanhak.labs.services import training_error

    catalog.molding.prerequisites.add(catalog.robot)
    with translation.override("en"):
        assert missing_prerequisites(offering=catalog.molding_offering, trainee=personas.worker) == [
            "Industrial robot operation"
        ]
        assert training_error([catalog.robot]).message == (
            "Complete this training before booking: Industrial robot operation (INU-ROB-201)"
        )
    assert missing_prerequisites(offering=catalog.molding_offering, trainee=personas.worker) == ["산업용 로봇 운용"]
