"""Survey forms given extreme input answer with a clear refusal and save nothing, never a 500 (what
submitting every form on PostgreSQL with extreme values found); `next` goes only to a path on this site."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from sanhak.common.demo import brn_with_check
from sanhak.companies.models import Company, KsicCode
from sanhak.competencies.models import Competency
from sanhak.demand import services
from sanhak.demand.models import NeedStatement, ResponseStatus, SurveyResponse, SurveyRound

pytestmark = pytest.mark.django_db

OUT_OF_CALENDAR = "날짜는 2000–2099년 사이여야 합니다. / Dates must be between 2000 and 2099."
TOO_MANY_PREFIXES = (
    "업종 코드가 너무 많습니다(쉼표 포함 200자까지). / Too many KSIC codes (200 characters at most, commas included)."
)
CODE_TOO_LONG = "역량 코드는 20자까지입니다. / A competency code has at most 20 characters."
DJANGO_TOO_LONG_300 = "이 값이 최대 300 개의 글자인지 확인하세요(입력값 301 자)."
RRN = "주민등록번호는 입력할 수 없습니다. / Do not enter a resident registration number."
REASON_MISSING = "재개 사유를 입력하세요. / Give a reason to reopen."


def _round_data(**change: object) -> dict[str, object]:
    today = timezone.localdate()
    return {
        "title": "수요조사",
        "opens_on": today.isoformat(),
        "closes_on": (today + dt.timedelta(days=7)).isoformat(),
        "period_start": today.isoformat(),
        "period_end": (today + dt.timedelta(days=90)).isoformat(),
        **change,
    }


def _ksic29_company() -> Company:
    company = Company.objects.create(brn=brn_with_check("314159265"), name="(주)다른단지", employees=5)
    company.ksic_codes.add(KsicCode.objects.filter(level=5, code__startswith="29").first())
    return company


# --- rounds ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["opens_on", "closes_on", "period_start", "period_end"])
@pytest.mark.parametrize("day", ["0001-01-01", "1999-12-31", "2100-01-01", "9999-12-31"])
def test_a_round_date_outside_the_calendar_is_a_form_error(client, personas, field, day):
    client.force_login(personas.admin)
    change: dict[str, object] = {field: day}
    if field in ("closes_on", "period_end") and day < "2000":  # keep the other end of the period before it
        change |= {"opens_on": day, "period_start": day}
    if field in ("opens_on", "period_start") and day > "2099":
        change |= {"closes_on": day, "period_end": day}
    response = client.post(reverse("demand:rounds"), _round_data(**change))
    assert response.status_code == 200
    assert OUT_OF_CALENDAR in response.content.decode()
    assert response.context["form"].has_error(field, "date_range")
    assert not SurveyRound.objects.exists()


def test_repeated_ksic_prefixes_and_size_bands_are_kept_once(client, personas):
    other = _ksic29_company()
    client.force_login(personas.admin)
    response = client.post(
        reverse("demand:rounds"),
        _round_data(ksic_prefixes=",".join(["29"] * 100), size_bands=["micro"] * 8),
    )
    survey = SurveyRound.objects.get()
    assert response["Location"] == reverse("demand:round", args=[survey.pk])
    assert (survey.ksic_prefixes, survey.size_bands) == ("29", "micro")
    assert list(survey.responses.values_list("company", flat=True)) == [other.pk]


def test_the_service_keeps_repeated_prefixes_and_bands_once(personas):
    _ksic29_company()
    today = timezone.localdate()
    survey = services.survey_round_open(
        title="수요조사",
        opens_on=today,
        closes_on=today,
        period_start=today,
        period_end=today,
        by=personas.admin,
        ksic_prefixes="29, 29 ,29",
        size_bands=["micro", "micro", "small", "micro"],
    )
    assert (survey.ksic_prefixes, survey.size_bands) == ("29", "micro,small")


def test_too_many_distinct_ksic_prefixes_is_a_form_error(client, personas):
    client.force_login(personas.admin)
    prefixes = ",".join(str(10000 + n) for n in range(40))  # 40 × 5 digits + 39 commas = 239 characters
    response = client.post(reverse("demand:rounds"), _round_data(ksic_prefixes=prefixes))
    assert response.status_code == 200
    assert TOO_MANY_PREFIXES in response.content.decode()
    assert not SurveyRound.objects.exists()
    today = timezone.localdate()
    dates = {"opens_on": today, "closes_on": today, "period_start": today, "period_end": today}
    with pytest.raises(services.DomainError) as refused:
        services.survey_round_open(title="x", by=personas.admin, ksic_prefixes=prefixes, **dates)
    assert (refused.value.code, refused.value.message) == ("invalid_ksic", TOO_MANY_PREFIXES)


def test_a_malformed_ksic_prefix_is_a_form_error(client, personas):
    client.force_login(personas.admin)
    response = client.post(reverse("demand:rounds"), _round_data(ksic_prefixes="29, C2"))
    assert response.status_code == 200
    assert "업종 코드는 숫자 1~5자리입니다: C2 / KSIC codes are 1 to 5 digits: C2" in response.content.decode()
    assert not SurveyRound.objects.exists()


# --- reopening -------------------------------------------------------------------------------------------------


def _submitted(personas) -> SurveyResponse:  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    survey = services.survey_round_open(
        title="수요조사",
        opens_on=today,
        closes_on=today + dt.timedelta(days=7),
        period_start=today,
        period_end=today + dt.timedelta(days=90),
        by=personas.admin,
    )
    response = SurveyResponse.objects.get(round=survey, company=personas.company_a)
    services.response_save(
        response=response,
        items=[],
        statements=[services.StatementIn(text="설비가 멈추면 왜 멈췄는지 아무도 몰라요")],
        by=personas.manager,
        submit=True,
    )
    return response


@pytest.mark.parametrize(
    ("reason", "told"),
    [("가" * 301, DJANGO_TOO_LONG_300), ("주민번호 900101-1234567", RRN), ("", REASON_MISSING)],
)
def test_a_refused_reopen_reason_says_why(client, personas, reason, told):
    response = _submitted(personas)
    client.force_login(personas.admin)
    answer = client.post(reverse("demand:reopen", args=[response.pk]), {"reason": reason})
    assert (answer.status_code, answer["Location"]) == (302, reverse("demand:round", args=[response.round_id]))
    body = client.get(answer["Location"]).content.decode()
    assert told in body
    if told != REASON_MISSING:
        assert "재개 사유를 입력하세요" not in body
    response.refresh_from_db()
    assert (response.status, response.reopened_reason) == (ResponseStatus.SUBMITTED, "")


# --- confirming statements ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "landing"),
    [
        ("abc", "/demand/statements/"),
        ("https://evil.example/", "/demand/statements/"),
        ("//evil.example/x", "/demand/statements/"),
        ("/\\evil.example/x", "/demand/statements/"),
        ("javascript:alert(1)", "/demand/statements/"),
        ("", "/demand/statements/"),
        ("/demand/statements/?page=2", "/demand/statements/?page=2"),
    ],
)
def test_next_goes_only_to_a_path_on_this_site(client, personas, target, landing):
    statement = NeedStatement.objects.get(response=_submitted(personas))
    client.force_login(personas.coordinator)
    response = client.post(reverse("demand:confirm", args=[statement.pk]), {"codes": ["SM-SYS-05"], "next": target})
    assert (response.status_code, response["Location"]) == (302, landing)
    statement.refresh_from_db()
    assert statement.primary is not None and statement.primary.code == "SM-SYS-05"


@pytest.mark.parametrize("data", [{"codes": ["SM-SYS-05", "X" * 21]}, {"codes": ["SM-SYS-05"], "other": "X" * 5000}])
def test_a_competency_code_too_long_is_refused(client, personas, data):
    assert Competency._meta.get_field("code").max_length == 20
    statement = NeedStatement.objects.get(response=_submitted(personas))
    client.force_login(personas.coordinator)
    response = client.post(reverse("demand:confirm", args=[statement.pk]), {**data, "next": "abc"})
    assert (response.status_code, response["Location"]) == (302, "/demand/statements/")
    assert CODE_TOO_LONG in client.get(response["Location"]).content.decode()
    statement.refresh_from_db()
    assert statement.confirmed_at is None and not statement.confirmed.exists()
