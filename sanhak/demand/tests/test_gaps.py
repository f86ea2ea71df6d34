"""The gap analysis: exact demand, supply and gap figures on the fixture (factories.demand_fixture),
filters by period, industry and size, the drill-downs, the XLSX export, the ranked new offerings, the
demand a course answers (traceability), access (denials change nothing), constant query counts."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from sanhak.common import pagecache
from sanhak.common.models import PersonalDataAccess
from sanhak.courses.services import course_create, offering_create
from sanhak.demand import selectors
from sanhak.demand.models import NeedItem, NeedStatement, SurveyResponse
from sanhak.demand.services import ItemIn, StatementIn, statement_confirm
from sanhak.demand.tests.factories import answer, company_with_manager, demand_fixture

pytestmark = pytest.mark.django_db

GAPS = reverse("demand_gaps:gaps")


@pytest.fixture
def demand(personas, catalog):
    return demand_fixture(personas, catalog)


def period(demand, before=90, after=90):
    return selectors.GapFilters(demand.today - dt.timedelta(days=before), demand.today + dt.timedelta(days=after))


def figures(table):
    """{(code, track): (demand, companies, supply, offerings, gap)} of the non-empty cells."""
    return {
        (c.competency.code, c.track.code): (c.demand, c.companies, c.supply, c.offerings, c.gap)
        for row in table.rows
        for c in row.cells
        if not c.is_empty
    }


def params(f: selectors.GapFilters, **extra):
    return {**f.query(), **extra}


def snapshot():
    return [
        list(SurveyResponse.objects.order_by("pk").values_list("pk", "status", "submitted_at")),
        list(NeedItem.objects.order_by("pk").values_list("pk", "headcount")),
        list(NeedStatement.objects.order_by("pk").values_list("pk", "confirmed_at")),
        PersonalDataAccess.objects.count(),
    ]


# --- figures ---------------------------------------------------------------------------------------------


def test_gap_table_exact_figures(demand):
    table = selectors.gap_table(period(demand))
    assert figures(table) == {
        ("SM-AUT-01", "skilled"): (45, 1, 20, 1, 25),
        ("SM-AUT-05", "technical"): (13, 3, 4, 2, 9),  # A 5 + A's statement 3 + B 4 + C 1; robot 3 + 1 seats
        ("SM-CMN-01", "skilled"): (9, 1, 0, 0, 9),
        ("SM-DAT-01", "technical"): (10, 1, 40, 2, -30),  # A 7 + A's statement 3
        ("SM-PRC-01", "skilled"): (4, 2, 20, 1, -16),  # A 2 + B's statement 2; the past molding is outside
    }
    assert [r.competency.code for r in table.rows] == ["SM-AUT-01", "SM-AUT-05", "SM-CMN-01", "SM-DAT-01", "SM-PRC-01"]
    assert [c.track.code for c in table.rows[0].cells] == ["rnd", "technical", "skilled"]
    assert [(t.track.code, t.demand, t.supply, t.offerings, t.gap) for t in table.totals] == [
        ("rnd", 0, 0, 0, 0),
        ("technical", 23, 44, 4, -21),
        ("skilled", 58, 40, 2, 18),
    ]
    assert table.peak == 30
    assert table.cell("SM-AUT-05", "technical").from_statements == 3


def test_unconfirmed_statements_and_drafts_do_not_count_until_confirmed_and_submitted(demand, personas):
    f = period(demand)
    statement_confirm(statement=demand.st_a_unconfirmed, codes=["SM-CMN-01"], by=personas.coordinator)
    assert figures(selectors.gap_table(f))[("SM-CMN-01", "technical")] == (1, 1, 0, 0, 1)
    old = period(demand, before=480, after=-400)
    assert figures(selectors.gap_table(old)) == {("SM-AUT-05", "technical"): (10, 1, 0, 0, 10)}  # not B's draft


def test_filters_by_industry_and_size(demand):
    f = period(demand)
    by_29 = figures(selectors.gap_table(selectors.GapFilters(f.start, f.end, ksic_division="29")))
    assert by_29 == {
        ("SM-AUT-01", "skilled"): (0, 0, 20, 1, -20),
        ("SM-AUT-05", "technical"): (9, 2, 4, 2, 5),  # A 5 + 3, C 1
        ("SM-CMN-01", "skilled"): (9, 1, 0, 0, 9),
        ("SM-DAT-01", "technical"): (10, 1, 40, 2, -30),
        ("SM-PRC-01", "skilled"): (2, 1, 20, 1, -18),
    }
    medium = figures(selectors.gap_table(selectors.GapFilters(f.start, f.end, size_band="medium")))
    assert medium == {
        ("SM-AUT-01", "skilled"): (45, 1, 20, 1, 25),
        ("SM-AUT-05", "technical"): (5, 2, 4, 2, 1),  # B 4, C 1
        ("SM-DAT-01", "technical"): (0, 0, 40, 2, -40),
        ("SM-PRC-01", "skilled"): (2, 1, 20, 1, -18),
    }
    both = figures(selectors.gap_table(selectors.GapFilters(f.start, f.end, ksic_division="29", size_band="medium")))
    assert both[("SM-AUT-05", "technical")] == (1, 1, 4, 2, -3)
    assert both[("SM-AUT-01", "skilled")] == (0, 0, 20, 1, -20)


def test_period_selects_rounds_and_offerings_that_overlap(demand):
    # Only the next week: R1 overlaps; robot_full (today + 7) starts inside, the rest later or earlier.
    f = selectors.GapFilters(demand.today, demand.today + dt.timedelta(days=7))
    assert figures(selectors.gap_table(f)) == {
        ("SM-AUT-01", "skilled"): (45, 1, 0, 0, 45),
        ("SM-AUT-05", "technical"): (13, 3, 1, 1, 12),
        ("SM-CMN-01", "skilled"): (9, 1, 0, 0, 9),
        ("SM-DAT-01", "technical"): (10, 1, 0, 0, 10),
        ("SM-PRC-01", "skilled"): (4, 2, 0, 0, 4),
    }


def test_new_offerings_ranked_by_gap_then_companies(demand):
    table = selectors.gap_table(period(demand))
    assert [
        (s.cell.competency.code, s.cell.track.code, s.cell.gap, s.cell.companies, s.mode, s.times, s.offerings_needed)
        for s in table.suggestions
    ] == [
        ("SM-AUT-01", "skilled", 25, 1, "blended", ["weekend"], 2),
        # 5 offline, 4 online, 1 blended; evening 5/10, weekday day 4/10, weekend 1/10 (< 30%)
        ("SM-AUT-05", "technical", 9, 3, "offline", ["weekday_day", "weekday_evening"], 1),
        ("SM-CMN-01", "skilled", 9, 1, "offline", [], 1),  # "any" and no time: offline, any time
    ]


def test_suggested_mode_and_times_rules():
    fig = selectors.DemandFigure(
        headcount=10, item_headcount=10, modes={"online": 3, "offline": 3, "blended": 0}, times={"weekend": 3}
    )
    assert selectors.suggested_mode(fig) == "offline"  # a tie goes to offline
    assert selectors.suggested_times(fig) == ["weekend"]  # exactly 30%
    fig.modes = {"online": 4, "offline": 3}
    fig.times = {"weekend": 2, "weekday_day": 9}
    assert selectors.suggested_mode(fig) == "online"
    assert selectors.suggested_times(fig) == ["weekday_day"]
    assert selectors.suggested_mode(selectors.DemandFigure()) == "offline"
    assert selectors.suggested_times(selectors.DemandFigure(headcount=3)) == []


def test_drill_down_lists(demand, personas, catalog):
    f = period(demand)
    comp, tech = demand.comp["SM-AUT-05"], demand.tracks["technical"]
    sources = selectors.demand_sources(f, comp, tech)
    assert [(s.company.name, s.headcount, s.from_items, s.from_statements, s.urgency) for s in sources] == [
        ("(주)남동정밀", 8, 5, 3, "high"),
        ("(주)고잔테크", 4, 4, 0, "medium"),
        ("(주)논현기계", 1, 1, 0, "low"),
    ]
    assert [o.pk for o in selectors.supply_sources(f, comp, tech)] == [demand.robot_full.pk, catalog.robot_offering.pk]
    prc = selectors.demand_sources(f, demand.comp["SM-PRC-01"], demand.tracks["skilled"])
    assert [(s.company.name, s.headcount, s.from_items, s.from_statements, s.urgency) for s in prc] == [
        ("(주)고잔테크", 2, 0, 2, ""),
        ("(주)남동정밀", 2, 2, 0, "low"),
    ]


# --- pages ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["admin", "coordinator"])
def test_gaps_page_for_staff(client, demand, personas, who):
    client.force_login(getattr(personas, who))
    f = period(demand)
    response = client.get(GAPS, params(f))
    assert response.status_code == 200
    html = response.content.decode()
    table = response.context["table"]
    assert figures(table)[("SM-AUT-05", "technical")] == (13, 3, 4, 2, 9)
    for text in (
        "수요-공급 격차 분석",
        "격차 히트맵",
        "▲ 부족",
        "▼ 여유",
        "격차를 줄일 신규 개설 제안",
        "SM-AUT-05",
        "산업용 로봇 운용·프로그래밍",
        "+25",
        "\u221230",
        "평일 주간, 평일 저녁",
        "시간 무관",
        "블렌디드",
    ):
        assert text in html, text
    drill = reverse("demand_gaps:demand", args=["SM-AUT-05", "technical"])
    assert f'href="{drill}?start={f.start.isoformat()}&amp;end={f.end.isoformat()}"' in html
    # The heatmap colours: the largest shortage/surplus are the strongest, with light text.
    assert "background-color:#1c548c;color:#ffffff" in html  # −30 (the peak): full blue
    # Without parameters: this calendar year.
    default = client.get(GAPS)
    assert default.context["table"].filters == selectors.GapFilters(
        dt.date(demand.today.year, 1, 1), dt.date(demand.today.year, 12, 31)
    )


def test_gaps_page_filters_and_invalid_period(client, demand, personas):
    client.force_login(personas.admin)
    f = period(demand)
    response = client.get(GAPS, params(f, ksic="29", size="medium"))
    assert figures(response.context["table"])[("SM-AUT-05", "technical")] == (1, 1, 4, 2, -3)
    bad = client.get(GAPS, {"start": f.end.isoformat(), "end": f.start.isoformat()})
    assert bad.status_code == 200
    assert "기간의 끝이 시작보다 빠릅니다." in bad.content.decode()


def test_gaps_xlsx(client, demand, personas):
    client.force_login(personas.coordinator)
    f = period(demand)
    response = client.get(GAPS, params(f, format="xlsx"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert f"demand-gaps-{f.start:%Y%m%d}-{f.end:%Y%m%d}.xlsx" in response["Content-Disposition"]
    ws = load_workbook(io.BytesIO(response.content)).active
    assert ws.title == "수요-공급 격차"
    assert [list(r) for r in ws.iter_rows(values_only=True)] == [
        ["역량 코드", "역량", "트랙", "수요(명)", "기업 수", "공급(석)", "강좌 수", "격차"],
        ["SM-AUT-01", "PLC 프로그래밍 및 시퀀스 제어", "기능인력", 45, 1, 20, 1, 25],
        ["SM-AUT-05", "산업용 로봇 운용·프로그래밍", "기술인력", 13, 3, 4, 2, 9],
        ["SM-CMN-01", "산업안전·보건", "기능인력", 9, 1, 0, 0, 9],
        ["SM-DAT-01", "제조 데이터 분석", "기술인력", 10, 1, 40, 2, -30],
        ["SM-PRC-01", "사출성형 공정", "기능인력", 4, 2, 20, 1, -16],
    ]


def test_drill_down_pages(client, demand, personas, catalog):
    client.force_login(personas.admin)
    f = period(demand)
    response = client.get(reverse("demand_gaps:demand", args=["SM-AUT-05", "technical"]), params(f))
    assert response.status_code == 200
    assert [(s.company.name, s.headcount) for s in response.context["page"]] == [
        ("(주)남동정밀", 8),
        ("(주)고잔테크", 4),
        ("(주)논현기계", 1),
    ]
    html = response.content.decode()
    assert "3개 기업, 13명" in html
    assert "라인이 자주 서요" in html
    assert "시급" in html
    filtered = client.get(reverse("demand_gaps:demand", args=["SM-AUT-05", "technical"]), params(f, size="medium"))
    assert [s.company.name for s in filtered.context["page"]] == ["(주)고잔테크", "(주)논현기계"]
    assert "50–299명" in filtered.content.decode()
    supply = client.get(reverse("demand_gaps:supply", args=["SM-AUT-05", "technical"]), params(f))
    assert supply.status_code == 200
    assert [o.pk for o in supply.context["offerings"]] == [demand.robot_full.pk, catalog.robot_offering.pk]
    assert "2개 강좌, 4석" in supply.content.decode()
    assert client.get(reverse("demand_gaps:supply", args=["SM-NOPE-99", "technical"])).status_code == 404
    assert client.get(reverse("demand_gaps:demand", args=["SM-AUT-05", "nope"])).status_code == 404


@pytest.mark.parametrize("who", ["manager", "worker", "student", "instructor", "lab_manager"])
def test_gap_pages_denied(client, demand, personas, who):
    client.force_login(getattr(personas, who))
    before = snapshot()
    f = period(demand)
    for url in (
        GAPS,
        reverse("demand_gaps:demand", args=["SM-AUT-05", "technical"]),
        reverse("demand_gaps:supply", args=["SM-AUT-05", "technical"]),
    ):
        assert client.get(url, params(f)).status_code == 403
    assert client.get(GAPS, params(f, format="xlsx")).status_code == 403
    assert snapshot() == before


def test_gap_pages_need_login(client, demand):
    response = client.get(GAPS)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


# --- traceability on the course page --------------------------------------------------------------------


def test_course_page_shows_the_demand_it_answers(client, demand, catalog, personas):
    trace = selectors.course_demand(catalog.robot)
    assert [(r.competency.code, r.companies, r.headcount) for r in trace.rows] == [("SM-AUT-05", 3, 13)]
    assert trace.companies == 3
    molding = selectors.course_demand(catalog.molding)
    assert [(r.competency.code, r.companies, r.headcount) for r in molding.rows] == [("SM-PRC-01", 2, 4)]
    assert selectors.course_demand(demand.dat).companies == 1
    assert [(r.companies, r.headcount) for r in selectors.course_demand(demand.dat).rows] == [(1, 10)]
    response = client.get(reverse("courses:course", args=[catalog.robot.code]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "이 과목이 답하는 기업 수요" in html
    assert "3개 기업 · 13명" in html


def test_course_page_demand_is_fresh_for_logged_in_users_and_bounded_for_anonymous(client, demand, catalog, personas):
    url = reverse("courses:course", args=[catalog.molding.code])
    assert "2개 기업 · 4명" in client.get(url).content.decode()  # cached for anonymous visitors
    company, manager = company_with_manager(
        personas,
        name="(주)간석산업",
        brn="1010000014",
        employees=5,
        ksic="29229",
        email="m-d@sanhak.test",
        manager_name="류담당",
    )
    response = SurveyResponse.objects.create(round=demand.r1, company=company, ksic_division="29", size_band="micro")
    answer(response, manager, [ItemIn(demand.comp["SM-PRC-01"], 6, demand.tracks["skilled"])])
    client.force_login(personas.student)
    assert "3개 기업 · 10명" in client.get(url).content.decode()
    client.logout()
    pagecache.clear()  # what the page cache's 60-second lifetime does
    assert "3개 기업 · 10명" in client.get(url).content.decode()


# --- query counts ---------------------------------------------------------------------------------------


def _more_data(demand, personas, n):
    """n more companies answering with three items and a confirmed statement, and n more offerings."""
    tech = demand.tracks["technical"]
    codes = ["SM-AUT-05", "SM-DAT-01", "SM-IOT-01"]
    for i in range(n):
        company, manager = company_with_manager(
            personas,
            name=f"(주)추가{i}",
            brn=f"30000000{i:02d}",
            employees=20 + i,
            ksic="29229",
            email=f"extra{i}@sanhak.test",
            manager_name=f"추가{i}",
        )
        response = SurveyResponse.objects.create(
            round=demand.r1, company=company, ksic_division="29", size_band="small"
        )
        answer(
            response,
            manager,
            [ItemIn(demand.comp[c], 1 + i, tech, weekday_evening=True) for c in codes],
            [StatementIn("설비 데이터 수집이 필요합니다", 2, tech)],
        )
        statement_confirm(
            statement=NeedStatement.objects.get(response=response), codes=["SM-IOT-01"], by=personas.admin
        )
        course = course_create(
            code=f"X-{i}",
            title_ko=f"추가 과목 {i}",
            institution=personas.lead,
            track=tech,
            mode="offline",
            hours=8,
            competencies=[(demand.comp[codes[i % 3]], 5)],
        )
        start = demand.today + dt.timedelta(days=10 + i)
        offering_create(course=course, term="2026-2", start_date=start, end_date=start, capacity=10)


def _count(client, url, query):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, query).status_code == 200
    return len(ctx.captured_queries)


def test_query_counts_do_not_grow_with_data(client, demand, personas, catalog):
    client.force_login(personas.admin)
    f = period(demand)
    urls = [
        (GAPS, params(f)),
        (GAPS, params(f, ksic="29", size="small")),
        (reverse("demand_gaps:demand", args=["SM-AUT-05", "technical"]), params(f)),
        (reverse("demand_gaps:supply", args=["SM-AUT-05", "technical"]), params(f)),
        (reverse("courses:course", args=[catalog.robot.code]), {}),
    ]
    small = [_count(client, u, q) for u, q in urls]
    _more_data(demand, personas, 6)
    large = [_count(client, u, q) for u, q in urls]
    assert large == small
    assert small[0] <= 17, small
    with CaptureQueriesContext(connection) as ctx:
        selectors.compute_gap_table(f)
    assert len(ctx.captured_queries) == 4
    with CaptureQueriesContext(connection) as ctx:
        selectors.gap_table(f)  # cached: only the four version look-ups
    assert len(ctx.captured_queries) == 4


def test_cached_gap_table_follows_the_demand(demand, personas):
    f = period(demand)
    before = figures(selectors.gap_table(f))
    statement = NeedStatement.objects.filter(confirmed_at__isnull=True, response__status="submitted").first()
    assert statement is not None
    statement_confirm(statement=statement, codes=["SM-CMN-02"], by=personas.admin)
    after = figures(selectors.gap_table(f))
    assert after != before
    assert after == figures(selectors.compute_gap_table(f))
