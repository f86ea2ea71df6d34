"""Company pages the audit found untested: "my company" for other roles and anonymous; the detail page
denied writes no personal-data access log."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sanhak.common.models import PersonalDataAccess
from sanhak.common.tests.expected import login_redirect
from sanhak.companies.models import Company

pytestmark = pytest.mark.django_db


def companies_snapshot() -> list[tuple[int, str, int]]:
    return sorted(Company.objects.values_list("id", "name", "employees"))


@pytest.mark.parametrize("who", ["worker", "coordinator", "instructor", "student", "admin"])
def test_my_company_denied_to_other_roles(client, personas, who):
    before = companies_snapshot()
    client.force_login(getattr(personas, who))
    assert client.get(reverse("companies:mine")).status_code == 403
    assert companies_snapshot() == before
    assert PersonalDataAccess.objects.count() == 0


def test_my_company_anonymous_redirects_to_login(client, personas):
    url = reverse("companies:mine")
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == login_redirect(url)
    assert PersonalDataAccess.objects.count() == 0


def test_my_company_for_each_manager(client, personas):
    for manager, company in ((personas.manager, personas.company_a), (personas.manager_b, personas.company_b)):
        client.force_login(manager)
        response = client.get(reverse("companies:mine"))
        assert response.status_code == 302
        assert response["Location"] == reverse("companies:detail", args=[company.pk])
    assert PersonalDataAccess.objects.count() == 0  # the redirect itself shows nobody


@pytest.mark.parametrize("who", ["manager_b", "worker", "coordinator", "instructor"])
def test_company_detail_denied_writes_no_access_log(client, personas, who):
    client.force_login(getattr(personas, who))
    response = client.get(reverse("companies:detail", args=[personas.company_a.pk]))
    assert response.status_code == 404
    assert personas.worker.email not in response.content.decode()  # the workers' list is not shown
    assert PersonalDataAccess.objects.count() == 0


def test_company_detail_anonymous_writes_no_access_log(client, personas):
    url = reverse("companies:detail", args=[personas.company_a.pk])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == login_redirect(url)
    assert PersonalDataAccess.objects.count() == 0
