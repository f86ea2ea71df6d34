"""Demo demand survey: a round open now for the Namdong complex, ~40% of companies answered (structured
needs and free-text statements, half of those confirmed), ~10% still drafting."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from sanhak.common.personas import Personas
from sanhak.companies.models import Company
from sanhak.competencies.models import Competency, Track
from sanhak.demand.models import (
    NeedItem,
    NeedStatement,
    PreferredMode,
    ResponseStatus,
    SurveyResponse,
    SurveyRound,
    Urgency,
    size_band,
)
from sanhak.demand.services import demand_cells_refresh, learned_mapper, suggestions_for

# Free-text needs the way company people write them, with the competencies staff confirmed.
STATEMENTS: list[tuple[str, list[str]]] = [
    ("야간에 설비가 멈춰도 아침에야 알게 됩니다. 멈춘 이유를 기록하고 바로 알려 주는 체계가 필요해요.", ["SM-IOT-01", "SM-SYS-05"]),
    ("금형 교체 시간이 너무 길어서 생산 계획이 자꾸 틀어집니다.", ["SM-SYS-08", "SM-PRC-01"]),
    ("작업자가 바뀔 때마다 불량이 늘어요. 검사 기준을 데이터로 관리하고 싶습니다.", ["SM-SYS-04", "SM-DAT-02"]),
    ("로봇을 들여놨는데 티칭할 줄 아는 사람이 없어 한쪽에 세워 두고 있어요.", ["SM-AUT-05"]),
    ("고객사가 공정 데이터를 달라고 하는데 종이 일지밖에 없습니다.", ["SM-SYS-01", "SM-DAT-01"]),
    ("전기요금이 너무 많이 나와서 어디서 전기를 많이 쓰는지 알고 싶어요.", ["SM-SYS-07"]),
    ("시퀀스 회로를 고칠 사람이 없어 외주 기사만 기다립니다.", ["SM-AUT-01"]),
    ("재고가 맞지 않아 매달 실사를 다시 합니다.", ["SM-SYS-02", "SM-SYS-06"]),
]  # fmt: skip
ROUND_TITLE = "2026년 남동산단 스마트제조 인력 수요조사"


def _statements(rng: random.Random, tracks: list[Track]) -> list[tuple[str, list[str], Track, int]]:
    picks = rng.sample(STATEMENTS, k=rng.randint(1, 2))
    return [(text, codes, rng.choice(tracks), rng.randint(1, 4)) for text, codes in picks]


def demand_seed(*, personas: Personas, rng: random.Random) -> int:
    """Returns the number of submitted responses."""
    today = timezone.localdate()
    now = timezone.now()
    survey = SurveyRound.objects.create(
        title=ROUND_TITLE,
        opens_on=today - dt.timedelta(days=20),
        closes_on=today + dt.timedelta(days=20),
        period_start=today - dt.timedelta(days=30),
        period_end=today + dt.timedelta(days=180),
        complex=personas.complex,
        created_by=personas.admin,
    )
    companies = list(Company.objects.filter(complex=personas.complex).only("id", "employees").order_by("id"))
    divisions: dict[int, str] = {}
    for company_id, code in (
        Company.ksic_codes.through.objects.filter(company__complex=personas.complex)
        .order_by("company_id", "ksiccode_id")
        .values_list("company_id", "ksiccode_id")
    ):
        divisions.setdefault(company_id, code[:2])
    responses = []
    for company in companies:
        roll = rng.random()
        if company.pk == personas.company_a.pk:
            status = ResponseStatus.SUBMITTED
        elif company.pk == personas.company_b.pk:
            status = ResponseStatus.NOT_STARTED
        else:
            status = (
                ResponseStatus.SUBMITTED
                if roll < 0.4
                else ResponseStatus.DRAFT
                if roll < 0.5
                else ResponseStatus.NOT_STARTED
            )
        responses.append(
            SurveyResponse(
                round=survey,
                company=company,
                status=status,
                ksic_division=divisions.get(company.pk, ""),
                size_band=size_band(company.employees),
                submitted_at=now - dt.timedelta(days=rng.randint(0, 19))
                if status == ResponseStatus.SUBMITTED
                else None,
            )
        )
    created = SurveyResponse.objects.bulk_create(responses, batch_size=2000)
    competencies = list(Competency.objects.order_by("code"))
    by_code = {c.code: c for c in competencies}
    tracks = list(Track.objects.order_by("order"))
    mapper = learned_mapper()
    suggested = {text: suggestions_for(mapper, text) for text, _codes in STATEMENTS}
    items, statements, confirmations = [], [], []
    for response in created:
        if response.status == ResponseStatus.NOT_STARTED:
            continue
        for competency in rng.sample(competencies, k=rng.randint(2, 4)):
            track = rng.choice(tracks)
            items.append(
                NeedItem(
                    response=response,
                    competency=competency,
                    headcount=rng.randint(1, 5),
                    target_level=rng.randint(track.level_min, track.level_max) if rng.random() < 0.6 else None,
                    track=track,
                    urgency=rng.choice(Urgency.values),
                    mode=rng.choice(PreferredMode.values),
                    weekday_day=rng.random() < 0.3,
                    weekday_evening=rng.random() < 0.6,
                    weekend=rng.random() < 0.4,
                )
            )
        for text, codes, track, headcount in _statements(rng, tracks):
            confirm = response.status == ResponseStatus.SUBMITTED and rng.random() < 0.5
            statements.append(
                NeedStatement(
                    response=response,
                    text=text,
                    headcount=headcount,
                    track=track,
                    suggestions=suggested[text],
                    primary=by_code[codes[0]] if confirm else None,
                    confirmed_by=personas.admin if confirm else None,
                    confirmed_at=now if confirm else None,
                )
            )
            confirmations.append(codes if confirm else [])
    NeedItem.objects.bulk_create(items, batch_size=2000)
    saved = NeedStatement.objects.bulk_create(statements, batch_size=2000)
    through = NeedStatement.confirmed.through
    through.objects.bulk_create(
        (
            through(needstatement_id=s.pk, competency_id=by_code[code].pk)
            for s, codes in zip(saved, confirmations, strict=True)
            for code in codes
        ),
        batch_size=2000,
    )
    demand_cells_refresh(round_id=survey.pk)
    return sum(1 for r in created if r.status == ResponseStatus.SUBMITTED)
