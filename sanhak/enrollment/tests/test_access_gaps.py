"""Enrollment pages the audit found untested: "my courses" for anonymous, the Excel roster denied."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sanhak.common.models import PersonalDataAccess
from sanhak.common.tests.expected import login_redirect
from sanhak.enrollment.services import enrollment_apply
from sanhak.enrollment.tests.test_views import snapshot

pytestmark = pytest.mark.django_db


def test_my_courses_anonymous_redirects_to_login(client, personas, catalog):
    enrollment_apply(offering=catalog.robot_offering, trainee=personas.worker)
    before = snapshot()
    url = reverse("enrollment:my_courses")
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == login_redirect(url)
    assert snapshot() == before


@pytest.mark.parametrize("who", ["manager", "worker", "student"])  # as test_roster_denied
def test_roster_xlsx_denied_writes_no_access_log(client, personas, catalog, who):
    enrollment_apply(offering=catalog.robot_offering, trainee=personas.worker)
    enrollment_apply(offering=catalog.robot_offering, trainee=personas.student)
    before = snapshot()
    client.force_login(getattr(personas, who))
    response = client.get(reverse("enrollment:roster_xlsx", args=[catalog.robot_offering.pk]))
    assert response.status_code == 403
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert PersonalDataAccess.objects.count() == 0
    assert snapshot() == before


def test_roster_xlsx_anonymous_redirects_to_login(client, personas, catalog):
    enrollment_apply(offering=catalog.robot_offering, trainee=personas.worker)
    url = reverse("enrollment:roster_xlsx", args=[catalog.robot_offering.pk])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == login_redirect(url)
    assert PersonalDataAccess.objects.count() == 0
