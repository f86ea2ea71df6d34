"""The anonymous whole-page cache of the public catalog."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from sanhak.common.pagecache import CSRF_PLACEHOLDER
from sanhak.courses.models import Course, Offering
from sanhak.courses.selectors import catalog_version

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
ANY_TOKEN = re.compile(r"[A-Za-z0-9]{64}")  # the form field's and htmx's X-CSRFToken header


def test_an_anonymous_page_is_served_from_the_cache_with_one_version_query(client, catalog, django_assert_num_queries):
    url = reverse("courses:offering", args=[catalog.robot_offering.pk])
    first = client.get(url)
    assert first.status_code == 200
    with django_assert_num_queries(1):  # the catalog version: the newest course and offering change
        second = client.get(url)
    assert second.status_code == 200
    strip = lambda body: ANY_TOKEN.sub("", body.decode())  # noqa: E731
    assert strip(second.content) == strip(first.content)


def test_a_change_to_the_catalog_shows_at_once(client, catalog):
    url = reverse("courses:offering", args=[catalog.robot_offering.pk])
    assert "3/3" not in client.get(url).content.decode()
    offering = Offering.objects.get(pk=catalog.robot_offering.pk)
    offering.approved_count = 3
    offering.save()  # moves updated_at, so the version
    assert "3/3명" in client.get(url).content.decode()


def test_each_visitor_gets_their_own_working_csrf_token(catalog):
    url = reverse("courses:catalog")
    tokens = []
    for _ in range(2):
        visitor = Client(enforce_csrf_checks=True)
        response = visitor.get(url)
        body = response.content.decode()
        assert CSRF_PLACEHOLDER not in body
        (token,) = set(TOKEN.findall(body))
        tokens.append(token)
        assert "csrftoken" in response.cookies
        # The language switch (a POST) accepts it.
        switched = visitor.post(reverse("set_language"), {"language": "en", "next": url, "csrfmiddlewaretoken": token})
        assert switched.status_code == 302
    assert tokens[0] != tokens[1]


def test_logged_in_users_and_flash_messages_get_fresh_pages(client, catalog, personas, django_assert_max_num_queries):
    url = reverse("courses:offering", args=[catalog.robot_offering.pk])
    client.get(url)  # cached for anonymous visitors
    client.force_login(personas.manager)
    body = client.get(url).content.decode()
    assert "직원 추천" in body  # the manager's own nominate form, not the anonymous page
    assert personas.manager.name in body
    visitor = Client()
    visitor.cookies["messages"] = "x"
    with django_assert_max_num_queries(30) as queries:
        visitor.get(url)
    assert len(queries) > 2  # rendered, not served from the cache


def test_english_and_korean_are_cached_apart(client, catalog):
    url = reverse("courses:catalog")
    assert "교육과정" in client.get(url).content.decode()
    client.cookies["django_language"] = "en"
    english = client.get(url, headers={"accept-language": "en"}).content.decode()
    assert 'lang="en"' in english


def test_the_catalog_version_moves_with_every_course_and_offering_change(catalog):
    versions = [catalog_version()]
    offering = catalog.robot_offering
    offering.capacity += 1
    offering.save()
    versions.append(catalog_version())
    course = offering.course
    course.title_ko += " (개정)"
    course.save()
    versions.append(catalog_version())
    Offering.objects.all().delete()  # courses without any offering: still versioned by the courses
    versions.append(catalog_version())
    course.save()
    versions.append(catalog_version())
    assert len(set(versions)) == 5
    Course.objects.all().delete()
    assert catalog_version() == "0-0"
