"""Survey rounds, company answers and statement confirmation: services and pages, allowed and denied."""

from __future__ import annotations

import datetime as dt
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from sanhak.common.demo import brn_with_check
from sanhak.common.errors import ConflictError, DomainError
from sanhak.common.models import PersonalDataAccess
from sanhak.companies.models import Company, KsicCode
from sanhak.competencies.models import Competency, Track
from sanhak.demand import services
from sanhak.demand.models import NeedItem, NeedStatement, ResponseStatus, SurveyResponse, SurveyRound

pytestmark = pytest.mark.django_db


def open_round(personas, **kwargs):  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    values = {
        "title": "2026 하반기 수요조사",
        "opens_on": today - dt.timedelta(days=1),
        "closes_on": today + dt.timedelta(days=10),
        "period_start": today,
        "period_end": today + dt.timedelta(days=180),
        "by": personas.admin,
        **kwargs,
    }
    return services.survey_round_open(**values)


def competency(code: str) -> Competency:
    return Competency.objects.get(code=code)


def track(code: str) -> Track:
    return Track.objects.get(code=code)


def response_of(survey: SurveyRound, company: Company) -> SurveyResponse:
    return SurveyResponse.objects.get(round=survey, company=company)


# --- rounds ---------------------------------------------------------------------------------------------


def test_round_targets_by_complex_ksic_and_size(personas):
    other = Company.objects.create(brn=brn_with_check("314159265"), name="(주)다른단지", employees=400)
    other.ksic_codes.add(KsicCode.objects.filter(level=5, code__startswith="29").first())
    everyone = open_round(personas)
    assert set(everyone.responses.values_list("company__name", flat=True)) == {
        personas.company_a.name,
        personas.company_b.name,
        "(주)다른단지",
    }
    in_complex = open_round(personas, complex=personas.complex)
    assert in_complex.responses.count() == 2
    large = open_round(personas, size_bands=["large"])
    assert list(large.responses.values_list("company__name", flat=True)) == ["(주)다른단지"]
    response = response_of(large, other)
    assert (response.status, response.size_band, response.ksic_division) == ("not_started", "large", "29")
    by_ksic = open_round(personas, ksic_prefixes="29")
    assert "(주)다른단지" in set(by_ksic.responses.values_list("company__name", flat=True))


def test_round_validation_and_permission(personas):
    with pytest.raises(DomainError) as bad:
        open_round(personas, ksic_prefixes="29, C2")
    assert bad.value.code == "invalid_ksic"
    with pytest.raises(DomainError) as none:
        open_round(personas, ksic_prefixes="99999")
    assert none.value.code == "no_targets"
    with pytest.raises(DomainError) as dates:
        open_round(personas, closes_on=timezone.localdate() - dt.timedelta(days=5))
    assert dates.value.code == "invalid_dates"
    with pytest.raises(DomainError) as denied:
        open_round(personas, by=personas.coordinator)
    assert denied.value.status == 403
    assert not SurveyRound.objects.exists()


# --- answering -----------------------------------------------------------------------------------------------


def test_company_saves_a_draft_then_submits(personas):
    survey = open_round(personas)
    response = response_of(survey, personas.company_a)
    services.response_save(
        response=response,
        items=[services.ItemIn(competency=competency("SM-AUT-01"), headcount=3, target_level=3)],
        statements=[services.StatementIn(text="라인이 자주 서는데 원인을 아무도 몰라요", headcount=2)],
        by=personas.manager,
    )
    response.refresh_from_db()
    assert response.status == ResponseStatus.DRAFT
    item = NeedItem.objects.get(response=response)
    assert (item.competency.code, item.headcount, item.target_level, item.track.code) == ("SM-AUT-01", 3, 3, "skilled")
    statement = NeedStatement.objects.get(response=response)
    assert statement.suggestions[0]["code"] == "SM-SYS-05"
    assert "라인이" in statement.suggestions[0]["evidence"]
    assert len(statement.suggestions) == 5
    services.response_save(
        response=response,
        items=[services.ItemIn(competency=competency("SM-AUT-05"), headcount=1, track=track("technical"))],
        statements=[],
        by=personas.manager,
        submit=True,
    )
    response.refresh_from_db()
    assert response.status == ResponseStatus.SUBMITTED and response.submitted_by == personas.manager
    assert list(response.items.values_list("competency__code", "track_id")) == [("SM-AUT-05", "technical")]
    assert not response.statements.exists()
    with pytest.raises(ConflictError):
        services.response_save(response=response, items=[], statements=[], by=personas.manager)


def test_answer_rules(personas):
    survey = open_round(personas)
    response = response_of(survey, personas.company_a)
    with pytest.raises(DomainError) as empty:
        services.response_save(response=response, items=[], statements=[], by=personas.manager, submit=True)
    assert empty.value.code == "empty_response"
    with pytest.raises(DomainError) as level:
        services.response_save(
            response=response, items=[services.ItemIn(competency=competency("SM-AUT-01"), headcount=1)], statements=[],
            by=personas.manager,
        )  # fmt: skip
    assert level.value.code == "level_or_track"
    twice = [services.ItemIn(competency=competency("SM-AUT-01"), headcount=1, target_level=2)] * 2
    with pytest.raises(DomainError) as duplicate:
        services.response_save(response=response, items=twice, statements=[], by=personas.manager)
    assert duplicate.value.code == "duplicate_item"
    with pytest.raises(DomainError) as other:
        services.response_save(response=response, items=[], statements=[], by=personas.manager_b)
    assert other.value.status == 403
    late = timezone.localdate() + dt.timedelta(days=11)
    with pytest.raises(ConflictError):
        services.response_save(response=response, items=[], statements=[], by=personas.manager, today=late)
    response.refresh_from_db()
    assert response.status == ResponseStatus.NOT_STARTED
    assert not NeedItem.objects.exists()


def test_track_for_level_prefers_the_higher_track_where_they_overlap():
    assert [services.track_for_level(n).code for n in range(1, 9)] == [
        "skilled", "skilled", "skilled", "technical", "technical", "rnd", "rnd", "rnd",
    ]  # fmt: skip


def test_reopen_by_the_office_with_a_reason(personas):
    survey = open_round(personas)
    response = response_of(survey, personas.company_a)
    items = [services.ItemIn(competency=competency("SM-AUT-01"), headcount=1, target_level=2)]
    services.response_save(response=response, items=items, statements=[], by=personas.manager, submit=True)
    with pytest.raises(DomainError) as denied:
        services.response_reopen(response=response, by=personas.manager, reason="수정")
    assert denied.value.status == 403
    with pytest.raises(DomainError):
        services.response_reopen(response=response, by=personas.admin, reason=" ")
    services.response_reopen(response=response, by=personas.admin, reason="인원 수정 요청")
    response.refresh_from_db()
    assert (response.status, response.reopened_reason) == ("draft", "인원 수정 요청")
    services.response_save(response=response, items=items, statements=[], by=personas.manager, submit=True)


# --- statements --------------------------------------------------------------------------------------------------


def submitted_statement(personas, text="설비가 멈추면 왜 멈췄는지 아무도 몰라요"):  # type: ignore[no-untyped-def]
    survey = open_round(personas)
    response = response_of(survey, personas.company_a)
    services.response_save(
        response=response, items=[], statements=[services.StatementIn(text=text)], by=personas.manager, submit=True
    )
    return NeedStatement.objects.get(response=response)


def test_staff_confirm_a_statement_primary_first(personas):
    statement = submitted_statement(personas)
    with pytest.raises(DomainError) as denied:
        services.statement_confirm(statement=statement, codes=["SM-SYS-05"], by=personas.manager)
    assert denied.value.status == 403
    with pytest.raises(DomainError) as unknown:
        services.statement_confirm(statement=statement, codes=["SM-XXX-99"], by=personas.coordinator)
    assert unknown.value.code == "unknown_codes"
    services.statement_confirm(statement=statement, codes=["SM-SYS-05", "SM-IOT-01"], by=personas.coordinator)
    statement.refresh_from_db()
    assert statement.primary.code == "SM-SYS-05"
    assert sorted(statement.confirmed.values_list("code", flat=True)) == ["SM-IOT-01", "SM-SYS-05"]
    assert services.confirmed_examples() == [("설비가 멈추면 왜 멈췄는지 아무도 몰라요", ["SM-SYS-05", "SM-IOT-01"])]


def test_the_mapper_is_rebuilt_when_confirmations_change(personas):
    first = services.learned_mapper()
    assert services.learned_mapper() is first
    statement = submitted_statement(personas)
    services.statement_confirm(statement=statement, codes=["SM-DAT-05"], by=personas.admin)
    assert services.learned_mapper() is not first


# --- pages ---------------------------------------------------------------------------------------------------------


def test_office_opens_a_round_and_follows_up(client, personas):
    client.force_login(personas.admin)
    today = timezone.localdate()
    response = client.post(
        reverse("demand:rounds"),
        {
            "title": "긴급 수요조사",
            "opens_on": today,
            "closes_on": today + dt.timedelta(days=7),
            "period_start": today,
            "period_end": today + dt.timedelta(days=90),
            "complex": personas.complex.pk,
        },
    )
    survey = SurveyRound.objects.get(title="긴급 수요조사")
    assert response["Location"] == reverse("demand:round", args=[survey.pk])
    page = client.get(reverse("demand:round", args=[survey.pk])).content.decode()
    assert personas.company_a.name in page and personas.company_b.name in page
    xlsx = client.get(reverse("demand:round", args=[survey.pk]), {"format": "xlsx"})
    rows = list(load_workbook(BytesIO(xlsx.content)).active.iter_rows(values_only=True))
    assert rows[0] == ("회사명", "사업자등록번호", "상태", "담당자", "이메일", "회사 전화")
    assert {r[0] for r in rows[1:]} == {personas.company_a.name, personas.company_b.name}
    a_row = next(r for r in rows[1:] if r[0] == personas.company_a.name)
    assert a_row[3] == personas.manager.name and a_row[4] == personas.manager.email
    assert PersonalDataAccess.objects.get(purpose="survey_nonresponders").viewer == personas.admin


def test_office_pages_denied_to_others(client, personas):
    survey = open_round(personas)
    for user in (personas.coordinator, personas.manager, personas.worker):
        client.force_login(user)
        assert client.get(reverse("demand:rounds")).status_code == 403
        assert client.get(reverse("demand:round", args=[survey.pk])).status_code == 403
        assert client.post(reverse("demand:rounds"), {"title": "x"}).status_code == 403
    assert SurveyRound.objects.count() == 1
    assert not PersonalDataAccess.objects.exists()


def test_company_manager_answers_on_the_page(client, personas):
    survey = open_round(personas)
    response = response_of(survey, personas.company_a)
    client.force_login(personas.manager)
    assert survey.title in client.get(reverse("demand:mine")).content.decode()
    url = reverse("demand:response", args=[response.pk])
    assert 'id="survey-form"' in client.get(url).content.decode()
    data = {
        "item-TOTAL_FORMS": "2",
        "item-INITIAL_FORMS": "0",
        "item-0-competency": str(competency("SM-AUT-01").pk),
        "item-0-headcount": "3",
        "item-0-target_level": "3",
        "item-0-urgency": "high",
        "item-0-mode": "offline",
        "item-0-weekday_evening": "on",
        "item-1-urgency": "medium",
        "item-1-mode": "any",
        "statement-TOTAL_FORMS": "1",
        "statement-INITIAL_FORMS": "0",
        "statement-0-text": "라인이 자주 서는데 원인을 아무도 몰라요",
        "statement-0-headcount": "2",
        "statement-0-track": "technical",
        "submit": "1",
    }
    assert client.post(url, data)["Location"] == url
    response.refresh_from_db()
    assert response.status == "submitted"
    item = response.items.get()
    assert (item.headcount, item.urgency, item.mode, item.weekday_evening, item.weekend) == (
        3,
        "high",
        "offline",
        True,
        False,
    )
    page = client.get(url).content.decode()
    assert 'id="survey-form"' not in page and "라인이 자주 서는데" in page


def test_another_company_cannot_see_or_answer(client, personas):
    survey = open_round(personas)
    response = response_of(survey, personas.company_a)
    url = reverse("demand:response", args=[response.pk])
    client.force_login(personas.manager_b)
    assert client.get(url).status_code == 404
    assert client.post(url, {"item-TOTAL_FORMS": "0", "item-INITIAL_FORMS": "0", "submit": "1"}).status_code == 404
    client.force_login(personas.worker)
    assert client.get(url).status_code == 404
    response.refresh_from_db()
    assert response.status == "not_started"


def test_statement_queue_and_confirmation_page(client, personas):
    statement = submitted_statement(personas)
    client.force_login(personas.coordinator)
    page = client.get(reverse("demand:statements")).content.decode()
    assert "설비가 멈추면 왜 멈췄는지" in page
    top = statement.suggestions[0]
    assert f'value="{top["code"]}" checked' in page
    client.post(reverse("demand:confirm", args=[statement.pk]), {"codes": ["SM-SYS-05"], "other": "SM-DAT-05"})
    statement.refresh_from_db()
    assert statement.primary.code == "SM-SYS-05"
    assert sorted(statement.confirmed.values_list("code", flat=True)) == ["SM-DAT-05", "SM-SYS-05"]
    assert "설비가 멈추면" not in client.get(reverse("demand:statements")).content.decode()
    assert "설비가 멈추면" in client.get(reverse("demand:statements"), {"show": "done"}).content.decode()


def test_statement_confirmation_denied(client, personas):
    statement = submitted_statement(personas)
    for user in (personas.manager, personas.instructor, personas.worker):
        client.force_login(user)
        assert client.get(reverse("demand:statements")).status_code == 403
        assert client.post(reverse("demand:confirm", args=[statement.pk]), {"codes": ["SM-SYS-05"]}).status_code == 403
    statement.refresh_from_db()
    assert statement.confirmed_at is None
