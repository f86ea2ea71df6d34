"""Demand pages the audit found untested: "my surveys" for other roles and anonymous; reopening a
submitted response, by the office (allowed) and by everyone else (denied, the response stays submitted)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sanhak.common.models import PersonalDataAccess
from sanhak.common.tests.expected import login_redirect
from sanhak.demand import services
from sanhak.demand.models import DemandCell, ResponseStatus, SurveyResponse
from sanhak.demand.tests.test_surveys import competency, open_round, response_of

pytestmark = pytest.mark.django_db


def responses_snapshot() -> list[tuple]:
    return sorted(
        SurveyResponse.objects.values_list("id", "status", "submitted_at", "submitted_by_id", "reopened_reason")
    )


def cells_snapshot() -> list[tuple]:
    return sorted(
        DemandCell.objects.values_list("round_id", "ksic_division", "size_band", "competency_id", "headcount")
    )


@pytest.fixture
def submitted(personas) -> SurveyResponse:
    """Company A's submitted answer to an open round (company B's is not started)."""
    survey = open_round(personas)
    response = response_of(survey, personas.company_a)
    items = [services.ItemIn(competency=competency("SM-AUT-01"), headcount=3, target_level=2)]
    services.response_save(response=response, items=items, statements=[], by=personas.manager, submit=True)
    response.refresh_from_db()
    assert response.status == ResponseStatus.SUBMITTED
    return response


# --- my surveys --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["worker", "student", "coordinator", "instructor", "lab_manager"])
def test_my_surveys_denied_to_other_roles(client, personas, submitted, who):
    before = responses_snapshot()
    client.force_login(getattr(personas, who))
    response = client.get(reverse("demand:mine"))
    assert response.status_code == 403
    assert submitted.round.title not in response.content.decode()
    assert responses_snapshot() == before


def test_my_surveys_anonymous_redirects_to_login(client, personas, submitted):
    before = responses_snapshot()
    url = reverse("demand:mine")
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == login_redirect(url)
    assert responses_snapshot() == before


def test_my_surveys_shows_only_the_managers_company(client, personas, submitted):
    client.force_login(personas.manager_b)
    response = client.get(reverse("demand:mine"))
    assert response.status_code == 200
    assert list(response.context["responses"]) == [response_of(submitted.round, personas.company_b)]
    client.force_login(personas.manager)
    assert list(client.get(reverse("demand:mine")).context["responses"]) == [submitted]


# --- reopen -------------------------------------------------------------------------------------------------------


def test_office_reopens_a_submitted_response_with_a_reason(client, personas, submitted):
    client.force_login(personas.admin)
    response = client.post(reverse("demand:reopen", args=[submitted.pk]), {"reason": "인원 수정 요청"})
    assert response.status_code == 302
    assert response["Location"] == reverse("demand:round", args=[submitted.round_id])
    submitted.refresh_from_db()
    assert (submitted.status, submitted.reopened_reason) == (ResponseStatus.DRAFT, "인원 수정 요청")
    assert not DemandCell.objects.filter(round=submitted.round).exists()  # a draft counts for nothing


def test_office_reopen_without_a_reason_changes_nothing(client, personas, submitted):
    before, cells = responses_snapshot(), cells_snapshot()
    client.force_login(personas.admin)
    response = client.post(reverse("demand:reopen", args=[submitted.pk]), {"reason": ""}, follow=True)
    assert response.status_code == 200
    assert "재개 사유를 입력하세요" in response.content.decode()
    assert responses_snapshot() == before
    assert cells_snapshot() == cells


@pytest.mark.parametrize("who", ["manager", "manager_b", "coordinator", "worker"])
def test_reopen_denied_to_others_and_the_response_stays_submitted(client, personas, submitted, who):
    before, cells = responses_snapshot(), cells_snapshot()
    assert cells != []
    client.force_login(getattr(personas, who))
    response = client.post(reverse("demand:reopen", args=[submitted.pk]), {"reason": "수정하고 싶어요"})
    assert response.status_code == 403
    assert responses_snapshot() == before
    assert cells_snapshot() == cells
    submitted.refresh_from_db()
    assert (submitted.status, submitted.reopened_reason) == (ResponseStatus.SUBMITTED, "")
    assert PersonalDataAccess.objects.count() == 0


def test_reopen_anonymous_redirects_to_login_and_the_response_stays_submitted(client, personas, submitted):
    before, cells = responses_snapshot(), cells_snapshot()
    url = reverse("demand:reopen", args=[submitted.pk])
    response = client.post(url, {"reason": "수정"})
    assert response.status_code == 302
    assert response["Location"] == login_redirect(url)
    assert responses_snapshot() == before
    assert cells_snapshot() == cells
    submitted.refresh_from_db()
    assert submitted.status == ResponseStatus.SUBMITTED


def test_reopen_get_is_not_allowed(client, personas, submitted):
    before = responses_snapshot()
    client.force_login(personas.admin)
    assert client.get(reverse("demand:reopen", args=[submitted.pk])).status_code == 405
    assert responses_snapshot() == before


def test_my_surveys_sends_the_program_admin_to_the_rounds(client, personas, submitted):
    client.force_login(personas.admin)
    response = client.get(reverse("demand:mine"))
    assert (response.status_code, response["Location"]) == (302, reverse("demand:rounds"))
