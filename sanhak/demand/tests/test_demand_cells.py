"""The demand cells the gap analysis adds up: always equal to the figures counted from the answers
themselves, through every change (submit, reopen, confirm), a company answering two rounds of one
period counted once, and parallel confirmations in one group leaving no cell wrong (PostgreSQL)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from sanhak.common.concurrency import run_at_once
from sanhak.common.factories import brn_check_digit
from sanhak.demand import selectors
from sanhak.demand.models import DemandCell, NeedStatement, RepeatCompany, SurveyResponse
from sanhak.demand.services import (
    ItemIn,
    StatementIn,
    demand_cells_refresh,
    response_reopen,
    statement_confirm,
    survey_round_open,
)
from sanhak.demand.tests.factories import answer, company_with_manager, demand_fixture

GROUP = ("d_ksic", "d_size", "d_comp", "d_track")


def counted(lookups, group):
    """Headcount and companies per group, counted from the answers (not the cells)."""
    return {
        tuple(row[: len(group)]): (row[len(group)], row[len(group) + 1])
        for row in selectors.demand_sums(lookups, group)
    }


def cells_of(round_id):
    return {
        (c.ksic_division, c.size_band, c.competency_id, c.track_id): (c.headcount, c.companies)
        for c in DemandCell.objects.filter(round_id=round_id)
    }


def assert_cells_match_answers(*rounds):
    for r in rounds:
        assert cells_of(r.pk) == counted({"status": "submitted", "round_id": r.pk}, GROUP), r.title


def figures_from_answers(f):
    return counted(selectors._response_lookups(f), ("d_comp", "d_track"))


def figures_from_cells(f):
    return {k: (v.headcount, v.companies) for k, v in selectors.demand_figures(f).items()}


def period(demand):
    return selectors.GapFilters(demand.today - dt.timedelta(days=90), demand.today + dt.timedelta(days=90))


@pytest.mark.django_db
def test_cells_follow_every_change_to_the_answers(personas, catalog):
    demand = demand_fixture(personas, catalog)
    assert_cells_match_answers(demand.r0, demand.r1)
    assert DemandCell.objects.filter(round=demand.r1).count() == 8
    statement_confirm(statement=demand.st_a_unconfirmed, codes=["SM-CMN-01", "SM-AUT-01"], by=personas.coordinator)
    assert_cells_match_answers(demand.r1)
    response_reopen(response=demand.resp_b, by=personas.admin, reason="수정 요청")
    assert_cells_match_answers(demand.r1)
    assert figures_from_cells(period(demand)) == figures_from_answers(period(demand))
    answer(
        SurveyResponse.objects.get(pk=demand.resp_b.pk),
        personas.manager_b,
        [ItemIn(demand.comp["SM-IOT-01"], 6, demand.tracks["rnd"], mode="blended", weekend=True)],
    )
    assert_cells_match_answers(demand.r1)
    cell = DemandCell.objects.get(round=demand.r1, competency=demand.comp["SM-IOT-01"])
    assert (cell.headcount, cell.companies, cell.item_headcount, cell.weekend, cell.mode_blended) == (6, 1, 6, 6, 6)
    assert figures_from_cells(period(demand)) == figures_from_answers(period(demand))
    # A whole round rebuilt from scratch gives the same cells.
    before = cells_of(demand.r1.pk)
    assert demand_cells_refresh(round_id=demand.r1.pk) == len(before)
    assert cells_of(demand.r1.pk) == before


@pytest.mark.django_db
def test_a_company_answering_two_rounds_of_the_period_counts_once(personas, catalog):
    demand = demand_fixture(personas, catalog)
    f = period(demand)
    before_all = figures_from_cells(f)
    assert before_all[(demand.comp["SM-AUT-05"].pk, "technical")] == (13, 3)
    assert list(RepeatCompany.objects.values_list("company_id", flat=True)) == [personas.company_a.pk]  # R0 and R1
    extra = survey_round_open(
        title="2026 추가 수요조사",
        opens_on=demand.today - dt.timedelta(days=5),
        closes_on=demand.today + dt.timedelta(days=20),
        period_start=demand.today,
        period_end=demand.today + dt.timedelta(days=60),
        by=personas.admin,
        complex=personas.complex,
    )
    mine = SurveyResponse.objects.get(round=extra, company=personas.company_a)
    answer(
        mine,
        personas.manager,
        [ItemIn(demand.comp["SM-AUT-05"], 2, demand.tracks["technical"])],
        [StatementIn("로봇 티칭을 배울 사람이 더 필요합니다", 1, demand.tracks["technical"])],
    )
    statement_confirm(statement=NeedStatement.objects.get(response=mine), codes=["SM-AUT-05"], by=personas.admin)
    assert_cells_match_answers(demand.r1, extra)
    after = figures_from_cells(f)
    assert after[(demand.comp["SM-AUT-05"].pk, "technical")] == (16, 3)  # A's 3 more people; A still one company
    assert after == figures_from_answers(f)
    # Filtered to A's industry and size too, and per competency (recommendations, traceability).
    narrow = selectors.GapFilters(f.start, f.end, ksic_division=mine.ksic_division, size_band=mine.size_band)
    assert figures_from_cells(narrow) == figures_from_answers(narrow)
    only = selectors.demand_figures(f, competency_ids=[demand.comp["SM-AUT-05"].pk], track_id="technical")
    assert {k: (v.headcount, v.companies) for k, v in only.items()} == {
        (demand.comp["SM-AUT-05"].pk, "technical"): (16, 3)
    }
    # Reopened: A's answer to the new round no longer counts.
    response_reopen(response=mine, by=personas.admin, reason="수정")
    assert figures_from_cells(f) == figures_from_answers(f) == before_all
    # B has answered R1 only; had B answered R0 too, it would be recorded as well.
    assert list(RepeatCompany.objects.values_list("company_id", flat=True)) == [personas.company_a.pk]


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks under real concurrency (PostgreSQL)")
@pytest.mark.django_db(transaction=True)
def test_parallel_changes_in_one_group_leave_every_cell_right(personas, catalog):
    demand = demand_fixture(personas, catalog)
    # Six more companies of one industry and size in the complex; a new round; each answers with a statement.
    managers = {}
    for i in range(6):
        first9 = f"3{i:02d}8100{i}0"[:9]
        company, manager = company_with_manager(
            personas,
            name=f"(주)동시성{i}",
            brn=first9 + str(brn_check_digit(first9)),
            employees=20,
            ksic="29229",
            email=f"cc{i}@sanhak.test",
            manager_name=f"담당{i}",
        )
        managers[company.pk] = manager
    survey = survey_round_open(
        title="동시 확정",
        opens_on=demand.today - dt.timedelta(days=1),
        closes_on=demand.today + dt.timedelta(days=20),
        period_start=demand.today,
        period_end=demand.today + dt.timedelta(days=60),
        by=personas.admin,
        complex=personas.complex,
    )
    statements = []
    for response in SurveyResponse.objects.filter(round=survey, company_id__in=managers).order_by("pk"):
        answer(
            response,
            managers[response.company_id],
            [],
            [StatementIn("설비가 자주 서요", 2, demand.tracks["technical"])],
        )
        statements.append(NeedStatement.objects.get(response=response))
    assert len(statements) == 6
    assert (
        len(
            {
                (r.ksic_division, r.size_band)
                for r in SurveyResponse.objects.filter(round=survey, company_id__in=managers)
            }
        )
        == 1
    )
    jobs = [
        (lambda st=st: statement_confirm(statement=st, codes=["SM-SYS-05"], by=personas.coordinator))
        for st in statements
    ]
    mine = SurveyResponse.objects.get(round=survey, company=personas.company_a)
    jobs.append(
        lambda: answer(mine, personas.manager, [ItemIn(demand.comp["SM-SYS-05"], 4, demand.tracks["technical"])])
    )
    outcomes = run_at_once(jobs)
    assert [o for o in outcomes if isinstance(o, BaseException)] == []
    assert_cells_match_answers(survey)
    sys05 = DemandCell.objects.get(
        round=survey, competency=demand.comp["SM-SYS-05"], ksic_division="29", size_band="small"
    )
    assert (sys05.headcount, sys05.companies) == (16, 7)  # six statements of 2, and company A (also 29, small) 4
    f = selectors.GapFilters(demand.today, demand.today + dt.timedelta(days=60))
    assert figures_from_cells(f) == figures_from_answers(f)
