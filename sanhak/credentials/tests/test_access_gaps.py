"""Certificate pages the audit found untested: "my certificates" for anonymous; the PDF denied writes no
personal-data access log."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sanhak.common.models import PersonalDataAccess
from sanhak.common.tests.expected import login_redirect
from sanhak.credentials.models import IssuedCredential
from sanhak.credentials.tests import test_badge_pages as badge_pages

pytestmark = pytest.mark.django_db

issued = badge_pages.issued  # the student's certificate of the robot course, as the badge page tests issue it


def credentials_snapshot() -> list[tuple]:
    return sorted(IssuedCredential.objects.values_list("id", "recipient_id", "shared"))


def test_my_certificates_anonymous_redirects_to_login(client, personas, issued):
    url = reverse("credentials:mine")
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == login_redirect(url)
    assert PersonalDataAccess.objects.count() == 0


def test_my_certificates_lists_only_ones_own(client, personas, issued):
    client.force_login(personas.student)
    response = client.get(reverse("credentials:mine"))
    assert response.status_code == 200
    assert [c.pk for c, _summary in response.context["rows"]] == [issued.pk]
    client.force_login(personas.worker)
    response = client.get(reverse("credentials:mine"))
    assert response.status_code == 200
    assert response.context["rows"] == []
    assert issued.certificate_number not in response.content.decode()


@pytest.mark.parametrize("who", ["worker", "manager", "instructor", "lab_manager"])
def test_certificate_pdf_denied_writes_no_access_log(client, personas, issued, who):
    before = credentials_snapshot()
    client.force_login(getattr(personas, who))
    response = client.get(reverse("credentials:pdf", args=[issued.pk]))
    assert response.status_code == 404
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert PersonalDataAccess.objects.count() == 0
    assert credentials_snapshot() == before


def test_certificate_pdf_anonymous_writes_no_access_log(client, personas, issued):
    url = reverse("credentials:pdf", args=[issued.pk])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == login_redirect(url)
    assert PersonalDataAccess.objects.count() == 0


def test_certificate_pdf_is_logged_only_when_shown(client, personas, issued):
    from sanhak.learning.models import Completion

    client.force_login(personas.admin)
    url = reverse("credentials:pdf", args=[issued.pk])
    assert client.get(url).status_code == 200
    assert list(PersonalDataAccess.objects.values_list("viewer_id", "purpose", "subject_ids")) == [
        (personas.admin.pk, "certificate_pdf", [personas.student.pk])
    ]
    Completion.objects.filter(credential=issued).update(credential=None)  # as for a credential replaced later
    assert client.get(url).status_code == 404
    assert PersonalDataAccess.objects.count() == 1


def test_credential_json_is_logged_for_others_only(client, personas, issued):
    url = reverse("credentials:json", args=[issued.pk])
    client.force_login(personas.student)  # the recipient: their own
    assert client.get(url).status_code == 200
    assert PersonalDataAccess.objects.count() == 0
    client.force_login(personas.worker)  # not theirs to see: a 404, nothing shown
    assert client.get(url).status_code == 404
    client.force_login(personas.admin)
    assert client.get(url).status_code == 200
    assert list(PersonalDataAccess.objects.values_list("viewer_id", "purpose", "subject_ids")) == [
        (personas.admin.pk, "credential_json", [personas.student.pk])
    ]
