"""The public competency pages (list and detail), which no test requested: anyone may read them."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sanhak.competencies.models import Competency

pytestmark = pytest.mark.django_db


def test_competency_list_is_public_and_lists_the_catalog(client):
    response = client.get(reverse("competencies:list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>스마트제조 역량체계</h1>" in html
    detail = reverse("competencies:detail", args=["SM-AUT-05"])
    assert f'<a href="{detail}">SM-AUT-05</a>' in html
    assert "산업용 로봇 운용·프로그래밍" in html
    assert Competency.objects.count() == 37
    assert html.count(f'<a href="{reverse("competencies:list")}SM-') == 37


def test_competency_list_counts_the_courses_of_each(client, personas, catalog):
    response = client.get(reverse("competencies:list"))
    assert response.status_code == 200
    counts = {c.code: c.course_count for c in response.context["competencies"]}
    assert (counts["SM-AUT-01"], counts["SM-AUT-05"], counts["SM-PRC-01"], counts["SM-DAT-01"]) == (1, 1, 1, 0)


def test_competency_detail_is_public(client, personas, catalog):
    response = client.get(reverse("competencies:detail", args=["SM-AUT-05"]))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<h1>산업용 로봇 운용·프로그래밍 <small class="muted">SM-AUT-05</small></h1>' in html
    assert "현장 자동화 · Industrial robot operation and programming" in html
    assert "NCS 3–6" in html
    assert f'href="{reverse("courses:course", args=["INU-ROB-201"])}">산업용 로봇 운용</a>' in html


def test_competency_detail_unknown_code_is_404(client, db):
    assert client.get(reverse("competencies:detail", args=["SM-XXX-99"])).status_code == 404
