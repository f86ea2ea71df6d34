"""The site's own 403, 404 and 500 pages: in the layout and the visitor's language, with our reason."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_403_in_the_layout_with_the_reason(client, personas, catalog):
    client.force_login(personas.worker)
    response = client.get(reverse("enrollment:roster", args=[catalog.robot_offering.pk]))
    body = response.content.decode()
    assert response.status_code == 403
    assert "<h1>이 페이지를 볼 권한이 없습니다</h1>" in body
    assert "<p>이 작업을 할 권한이 없습니다. / You do not have permission to do this.</p>" in body
    assert f"{personas.worker.name} 님의 계정에는 이 페이지에 필요한 역할이 없습니다." in body
    assert '<main id="main"' in body and 'href="/accounts/profile/"' in body  # the site's layout, logged in


def test_403_in_english(client, personas, catalog):
    client.cookies["django_language"] = "en"
    client.force_login(personas.worker)
    body = client.get(reverse("enrollment:roster", args=[catalog.robot_offering.pk])).content.decode()
    assert "<h1>You do not have permission to view this page</h1>" in body
    assert "<p>You do not have permission to do this.</p>" in body


def test_404_for_an_unknown_address(client, db):
    response = client.get("/no/such/page/")
    body = response.content.decode()
    assert response.status_code == 404
    assert "<h1>페이지를 찾을 수 없습니다</h1>" in body
    assert "<code>/no/such/page/</code>" in body
    assert "Resolver404" not in body and "tried" not in body  # nothing of the URL configuration


def test_404_with_our_reason_and_without_djangos(client, personas):
    client.force_login(personas.worker)
    body = client.get(reverse("courses:offering", args=[999999])).content.decode()
    assert "<p>강좌를 찾을 수 없습니다. / Offering not found.</p>" in body
    client.logout()
    body = client.get(reverse("courses:course", args=["NOPE-000"])).content.decode()
    assert "<h1>페이지를 찾을 수 없습니다</h1>" in body
    assert "matches the given query" not in body  # get_object_or_404's model names are not for people


def test_500_page_stands_alone(client, personas, monkeypatch):
    def broken(request):  # type: ignore[no-untyped-def]
        raise RuntimeError("boom")

    monkeypatch.setattr("sanhak.common.views.home_context", broken)
    client.raise_request_exception = False
    response = client.get(reverse("home"))
    body = response.content.decode()
    assert response.status_code == 500
    assert "<h1>일시적인 오류가 발생했습니다 / Something went wrong</h1>" in body
    assert "/static/css/sanhak.css" in body
    assert "boom" not in body
