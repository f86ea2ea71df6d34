"""A small, exact demand fixture on top of the `personas` and `catalog` fixtures, built with the
project's services (a round opened by the office, answers submitted by each company's manager, staff
confirming statements).

Companies (all in the personas' complex): A (주)남동정밀 (KSIC 29, 48 people: small), B (주)고잔테크
(KSIC 26, 120: medium), C (주)논현기계 (KSIC 29, 150: medium).

Round R1 (demand period today − 30 … today + 180), submitted answers:
  A: SM-AUT-05 technical ×5 (offline, weekday evening, high); SM-PRC-01 skilled ×2 (any, weekend, low);
     SM-DAT-01 technical ×7 (online, weekday day + evening, medium); SM-CMN-01 skilled ×9 (any, no time);
     statement ×3 technical confirmed as SM-DAT-01 + SM-AUT-05; statement ×1 never confirmed.
  B: SM-AUT-05 technical ×4 (online, weekday day); SM-AUT-01 skilled ×45 (blended, weekend, high);
     statement ×2 skilled confirmed as SM-PRC-01.
  C: SM-AUT-05 technical ×1 (blended, weekend, low).
Round R0 (demand period today − 480 … today − 400): A submitted SM-AUT-05 technical ×10; B left a
draft (SM-AUT-05 technical ×7), which never counts.

Offerings (catalog + these): robot course — robot_offering (evening, 3 seats, in 2–3 weeks), robot_full
(evening, 1 seat taken by worker_b, in a week); SM-DAT-01 technical course — dat_weekend (+30 days),
dat_evening (+40 days), 20 seats each; molding — molding_offering (weekend) and molding_past
(today − 120 … − 110, worker2 completed it); PLC — plc_offering (today − 60, 20 seats).
Workers of A: worker 오재직 prefers evenings, worker2 윤현장 prefers weekends.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

from django.utils import timezone

from sanhak.accounts.models import Role, RoleAssignment, User
from sanhak.companies.models import Company, KsicCode
from sanhak.competencies.models import Competency, Track
from sanhak.courses.services import course_create, offering_create
from sanhak.demand.models import NeedStatement, SurveyResponse
from sanhak.demand.services import ItemIn, StatementIn, response_save, statement_confirm, survey_round_open
from sanhak.enrollment.models import Enrollment, Status
from sanhak.enrollment.services import enrollment_apply, enrollment_approve


def company_with_manager(
    personas: Any, *, name: str, brn: str, employees: int, ksic: str, email: str, manager_name: str
) -> tuple[Company, User]:
    company = Company.objects.create(name=name, brn=brn, employees=employees, complex=personas.complex)
    company.ksic_codes.add(KsicCode.objects.get(code=ksic))
    manager = User.objects.create_user(email, "pw-demand-test", name=manager_name)
    RoleAssignment.objects.create(user=manager, role=Role.COMPANY_MANAGER, company=company)
    return company, User.objects.get(pk=manager.pk)


def answer(
    response: SurveyResponse,
    by: User,
    items: list[ItemIn],
    statements: list[StatementIn] = (),  # type: ignore[assignment]
    *,
    submit: bool = True,
    today: dt.date | None = None,
) -> SurveyResponse:
    return response_save(response=response, items=items, statements=list(statements), by=by, submit=submit, today=today)


def demand_fixture(personas: Any, catalog: Any) -> SimpleNamespace:
    today = timezone.localdate()
    comp = {c.code: c for c in Competency.objects.all()}
    tracks = {t.code: t for t in Track.objects.all()}
    tech, skilled = tracks["technical"], tracks["skilled"]
    p = personas
    company_c, manager_c = company_with_manager(
        p,
        name="(주)논현기계",
        brn="1010000006",
        employees=150,
        ksic="29229",
        email="manager-c@sanhak.test",
        manager_name="문담당",
    )

    # R0: an old round (its period is long past).
    r0 = survey_round_open(
        title="2025 상반기 수요조사",
        opens_on=today - dt.timedelta(days=500),
        closes_on=today - dt.timedelta(days=450),
        period_start=today - dt.timedelta(days=480),
        period_end=today - dt.timedelta(days=400),
        by=p.admin,
        complex=p.complex,
    )
    then = today - dt.timedelta(days=460)
    old = {r.company_id: r for r in r0.responses.all()}
    answer(old[p.company_a.pk], p.manager, [ItemIn(comp["SM-AUT-05"], 10, tech)], today=then)
    answer(old[p.company_b.pk], p.manager_b, [ItemIn(comp["SM-AUT-05"], 7, tech)], submit=False, today=then)

    # R1: the current round.
    r1 = survey_round_open(
        title="2026 스마트제조 교육 수요조사",
        opens_on=today - dt.timedelta(days=10),
        closes_on=today + dt.timedelta(days=20),
        period_start=today - dt.timedelta(days=30),
        period_end=today + dt.timedelta(days=180),
        by=p.admin,
        complex=p.complex,
    )
    cur = {r.company_id: r for r in r1.responses.all()}
    resp_a = answer(
        cur[p.company_a.pk],
        p.manager,
        [
            ItemIn(comp["SM-AUT-05"], 5, tech, urgency="high", mode="offline", weekday_evening=True),
            ItemIn(comp["SM-PRC-01"], 2, skilled, urgency="low", mode="any", weekend=True),
            ItemIn(comp["SM-DAT-01"], 7, tech, mode="online", weekday_day=True, weekday_evening=True),
            ItemIn(comp["SM-CMN-01"], 9, skilled),
        ],
        [
            StatementIn("라인이 자주 서요. 설비 데이터를 모아서 원인을 찾고 로봇 셀도 손보고 싶습니다.", 3, tech),
            StatementIn("신입 교육 자료가 부족해요", 1, tech),
        ],
    )
    resp_b = answer(
        cur[p.company_b.pk],
        p.manager_b,
        [
            ItemIn(comp["SM-AUT-05"], 4, tech, mode="online", weekday_day=True),
            ItemIn(comp["SM-AUT-01"], 45, skilled, urgency="high", mode="blended", weekend=True),
        ],
        [StatementIn("사출 불량이 많아서 성형 조건을 다시 잡아야 합니다", 2, skilled)],
    )
    resp_c = answer(
        cur[company_c.pk],
        manager_c,
        [ItemIn(comp["SM-AUT-05"], 1, tech, urgency="low", mode="blended", weekend=True)],
    )
    st_a, st_a_unconfirmed = NeedStatement.objects.filter(response=resp_a).order_by("id")
    statement_confirm(statement=st_a, codes=["SM-DAT-01", "SM-AUT-05"], by=p.coordinator)
    st_b = NeedStatement.objects.get(response=resp_b)
    statement_confirm(statement=st_b, codes=["SM-PRC-01"], by=p.admin)

    # Supply beyond the catalog fixture.
    evening = [dt.time(19), dt.time(22)]
    robot_start = today + dt.timedelta(days=7)
    robot_full = offering_create(
        course=catalog.robot,
        term="2026-2",
        start_date=robot_start,
        end_date=robot_start + dt.timedelta(days=7),
        capacity=1,
        sessions=[(_weekday(robot_start), *evening, "B101")],
    )
    enrollment_approve(enrollment=enrollment_apply(offering=robot_full, trainee=p.worker_b), by=p.coordinator)
    dat = course_create(
        code="INU-DAT-210",
        title_ko="제조 데이터 분석 실무",
        institution=p.lead,
        track=tech,
        mode="blended",
        hours=24,
        competencies=[(comp["SM-DAT-01"], 5)],
    )
    dat_weekend = offering_create(
        course=dat,
        term="2026-2",
        start_date=today + dt.timedelta(days=30),
        end_date=today + dt.timedelta(days=45),
        capacity=20,
        sessions=[(_saturday(today + dt.timedelta(days=30)), dt.time(9), dt.time(17), "B201")],
    )
    dat_evening = offering_create(
        course=dat,
        term="2026-2",
        start_date=today + dt.timedelta(days=40),
        end_date=today + dt.timedelta(days=60),
        capacity=20,
        sessions=[(_weekday(today + dt.timedelta(days=40)), *evening, "B201")],
    )
    molding_past = offering_create(
        course=catalog.molding,
        term="2026-1",
        start_date=today - dt.timedelta(days=120),
        end_date=today - dt.timedelta(days=110),
        capacity=20,
        sessions=[(_saturday(today - dt.timedelta(days=120)), dt.time(9), dt.time(17), "실습동 2층")],
    )
    Enrollment.objects.create(offering=molding_past, trainee=p.worker2, status=Status.COMPLETED)
    profile2 = p.worker2.trainee_profile
    profile2.prefers_evening, profile2.prefers_weekend = False, True
    profile2.save(update_fields=["prefers_evening", "prefers_weekend"])
    return SimpleNamespace(
        today=today,
        comp=comp,
        tracks=tracks,
        r0=r0,
        r1=r1,
        resp_a=resp_a,
        resp_b=resp_b,
        resp_c=resp_c,
        st_a=st_a,
        st_a_unconfirmed=st_a_unconfirmed,
        st_b=st_b,
        company_c=company_c,
        manager_c=manager_c,
        robot_full=robot_full,
        dat=dat,
        dat_weekend=dat_weekend,
        dat_evening=dat_evening,
        molding_past=molding_past,
    )


def _weekday(day: dt.date) -> dt.date:
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def _saturday(day: dt.date) -> dt.date:
    while day.weekday() != 5:
        day += dt.timedelta(days=1)
    return day
