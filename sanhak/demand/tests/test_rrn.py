"""No resident registration number in a need statement or a reopening reason."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sanhak.demand.forms import ReopenForm
from sanhak.demand.models import NeedStatement, ResponseStatus, SurveyResponse
from sanhak.demand.tests.test_surveys import open_round, response_of

pytestmark = pytest.mark.django_db

RRN_ERROR = "주민등록번호는 입력할 수 없습니다. / Do not enter a resident registration number."


def answers():
    return (
        sorted(SurveyResponse.objects.values_list("id", "status", "submitted_at")),
        sorted(NeedStatement.objects.values_list("id", "text")),
    )


def test_a_statement_with_an_rrn_is_refused_and_saves_nothing(client, personas):
    survey = open_round(personas)
    response = response_of(survey, personas.company_a)
    before = answers()
    client.force_login(personas.manager)
    url = reverse("demand:response", args=[response.pk])
    data = {
        "item-TOTAL_FORMS": "0",
        "item-INITIAL_FORMS": "0",
        "statement-TOTAL_FORMS": "1",
        "statement-INITIAL_FORMS": "0",
        "statement-0-text": "김철수(850315-1234567) 같은 PLC 담당자가 필요해요",
        "statement-0-headcount": "1",
        "submit": "1",
    }
    page = client.post(url, data)
    assert page.status_code == 200
    assert page.context["statements"].errors == [{"text": [RRN_ERROR]}]
    assert RRN_ERROR in page.content.decode()
    assert answers() == before
    response.refresh_from_db()
    assert response.status == ResponseStatus.NOT_STARTED


def test_reopen_reason_refuses_an_rrn():
    assert ReopenForm({"reason": "담당자 변경 9001012345678"}).errors == {"reason": [RRN_ERROR]}
    assert ReopenForm({"reason": "담당자 변경 (010-1234-5678)"}).is_valid()
