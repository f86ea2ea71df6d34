"""Recommendations from the demand: for an incumbent worker (the employer's needs, not taken, fitting
their times, open seats first) and for a company manager (offerings per need and whom to nominate);
access, the PIPA log, constant query counts. Fixture: factories.demand_fixture."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sanhak.accounts.models import Role, RoleAssignment, TraineeProfile, User
from sanhak.common.models import PersonalDataAccess
from sanhak.courses.services import course_create, offering_create
from sanhak.demand import selectors
from sanhak.demand.models import SurveyResponse
from sanhak.demand.services import ItemIn
from sanhak.demand.tests.factories import answer, company_with_manager, demand_fixture
from sanhak.enrollment.models import Enrollment
from sanhak.enrollment.services import enrollment_apply

pytestmark = pytest.mark.django_db

URL = reverse("demand_gaps:recommendations")


@pytest.fixture
def demand(personas, catalog):
    return demand_fixture(personas, catalog)


def worker_list(user):
    profile = TraineeProfile.objects.select_related("employer").get(user=user)
    result = selectors.worker_recommendations(user, profile)
    return [(r.offering.pk, [f"{n.competency.code} {n.headcount}" for n in r.needs]) for r in result.offerings]


def coverage(result):
    return [
        (
            c.need.competency.code,
            c.need.track.code,
            c.need.headcount,
            [(o.offering.pk, [(n.worker.name, n.fits) for n in o.nominees]) for o in c.offerings],
        )
        for c in result.needs
    ]


# --- workers --------------------------------------------------------------------------------------------


def test_worker_gets_employer_needs_fitting_evenings_open_seats_first(demand, personas, catalog):
    assert worker_list(personas.worker) == [
        (catalog.robot_offering.pk, ["SM-AUT-05 8"]),  # A's item 5 + A's confirmed statement 3
        (demand.dat_evening.pk, ["SM-DAT-01 10"]),
        (demand.robot_full.pk, ["SM-AUT-05 8"]),  # full (starts first, but no seat): last
    ]
    # worker2 prefers weekends and has completed the molding course.
    assert worker_list(personas.worker2) == [(demand.dat_weekend.pk, ["SM-DAT-01 10"])]


def test_worker_without_time_preference_gets_everything_in_order(demand, personas, catalog):
    TraineeProfile.objects.filter(user=personas.worker).update(prefers_evening=False, prefers_weekend=False)
    assert [pk for pk, _ in worker_list(personas.worker)] == [
        catalog.robot_offering.pk,
        catalog.molding_offering.pk,
        demand.dat_weekend.pk,
        demand.dat_evening.pk,
        demand.robot_full.pk,
    ]
    TraineeProfile.objects.filter(user=personas.worker).update(prefers_evening=True, prefers_weekend=True)
    assert len(worker_list(personas.worker)) == 5  # either time fits


def test_worker_enrolled_or_completed_course_is_left_out(demand, personas, catalog):
    enrollment_apply(offering=demand.dat_evening, trainee=personas.worker)  # pending: the whole course goes
    assert worker_list(personas.worker) == [
        (catalog.robot_offering.pk, ["SM-AUT-05 8"]),
        (demand.robot_full.pk, ["SM-AUT-05 8"]),
    ]
    # worker_b (B) is approved in robot_full: B's other needs have no evening offering.
    assert worker_list(personas.worker_b) == []


def test_worker_page(client, demand, personas, catalog):
    client.force_login(personas.worker)
    before = PersonalDataAccess.objects.count()
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert [r.offering.pk for r in response.context["result"].offerings] == [
        catalog.robot_offering.pk,
        demand.dat_evening.pk,
        demand.robot_full.pk,
    ]
    for text in (
        "추천 강좌",
        "회사 수요: 산업용 로봇 운용·프로그래밍 8명",
        "회사 수요: 제조 데이터 분석 10명",
        "(주)남동정밀",
    ):
        assert text in html, text
    assert reverse("courses:offering", args=[catalog.robot_offering.pk]) in html
    assert PersonalDataAccess.objects.count() == before  # their own data only


def test_worker_whose_employer_has_not_answered(client, demand, personas):
    SurveyResponse.objects.filter(company=personas.company_a).update(status="draft")
    client.force_login(personas.worker)
    response = client.get(URL)
    assert response.status_code == 200
    assert response.context["result"].offerings == []
    assert "회사가 제출한 수요조사 응답이 아직 없습니다." in response.content.decode()


def student_list(user):
    profile = TraineeProfile.objects.get(user=user)
    result = selectors.student_recommendations(user, profile)
    needs = [(n.competency.code, n.track.code, n.headcount, n.shortfall) for n in result.needs]
    return needs, [(r.offering.pk, [n.competency.code for n in r.needs]) for r in result.offerings]


def test_student_gets_what_the_complex_needs_at_their_track(demand, personas, catalog):
    """An undergraduate (technical track): the technical demand of the coming year by shortfall, SM-AUT-05
    (13 people: A 5 + 3 by statement, B 4, C 1; 4 seats on offer: 9 short) before SM-DAT-01 (10 people,
    40 seats); the skilled track's larger gaps (SM-AUT-01: 45) are not theirs."""
    TraineeProfile.objects.filter(user=personas.student).update(kind=TraineeProfile.Kind.UNDERGRADUATE)
    assert student_list(personas.student) == (
        [("SM-AUT-05", "technical", 13, 9), ("SM-DAT-01", "technical", 10, 0)],
        [
            (catalog.robot_offering.pk, ["SM-AUT-05"]),
            (demand.dat_weekend.pk, ["SM-DAT-01"]),
            (demand.dat_evening.pk, ["SM-DAT-01"]),
            (demand.robot_full.pk, ["SM-AUT-05"]),  # full: last
        ],
    )
    # preferring weekends, and enrolled in the robot course: the weekend offering only
    TraineeProfile.objects.filter(user=personas.student).update(prefers_weekend=True)
    enrollment_apply(offering=catalog.robot_offering, trainee=personas.student)
    assert student_list(personas.student)[1] == [(demand.dat_weekend.pk, ["SM-DAT-01"])]


def test_student_offerings_come_from_every_need_not_only_the_largest_gaps(demand, personas, catalog):
    """The largest shortfalls are often what nobody offers yet: eight more technical needs of 50 people,
    without an offering, fill the table, and the offerings still answer the needs that have them."""
    from sanhak.demand.services import response_reopen

    TraineeProfile.objects.filter(user=personas.student).update(kind=TraineeProfile.Kind.UNDERGRADUATE)
    tech = demand.tracks["technical"]
    unoffered = ["SM-CMN-01", "SM-CMN-02", "SM-ENG-01", "SM-ENG-02", "SM-IOT-01", "SM-IOT-02", "SM-SYS-01", "SM-SYS-02"]
    response_reopen(response=demand.resp_c, by=personas.admin, reason="추가")
    items = [ItemIn(demand.comp["SM-AUT-05"], 1, tech)] + [ItemIn(demand.comp[c], 50, tech) for c in unoffered]
    answer(SurveyResponse.objects.get(pk=demand.resp_c.pk), demand.manager_c, items)
    needs, offerings = student_list(personas.student)
    assert needs == [(code, "technical", 50, 50) for code in sorted(unoffered)]
    assert offerings == [
        (catalog.robot_offering.pk, ["SM-AUT-05"]),
        (demand.dat_weekend.pk, ["SM-DAT-01"]),
        (demand.dat_evening.pk, ["SM-DAT-01"]),
        (demand.robot_full.pk, ["SM-AUT-05"]),
    ]


def test_student_page(client, demand, personas, catalog):
    TraineeProfile.objects.filter(user=personas.student).update(kind=TraineeProfile.Kind.UNDERGRADUATE)
    client.force_login(personas.student)
    before = PersonalDataAccess.objects.count()
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    for text in (
        "기술인력 트랙에서 필요한 역량을 기르는",
        '<td class="num">13</td><td class="num">9</td>',
        '<td class="num">10</td><td class="num">–</td>',
        "산업단지 수요: 산업용 로봇 운용·프로그래밍 13명 (부족 9명)",
        "산업단지 수요: 제조 데이터 분석 10명</span>",
        reverse("competencies:detail", args=["SM-AUT-05"]),
        reverse("courses:offering", args=[demand.dat_evening.pk]),
    ):
        assert text in html, text
    assert PersonalDataAccess.objects.count() == before  # their own data only
    english = client.get(URL, headers={"Accept-Language": "en"})
    assert "Complex demand: " in english.content.decode()


def test_graduate_student_without_demand_at_their_track(client, demand, personas):
    """A graduate student's track is R&D; the fixture's companies need technical and skilled people only."""
    client.force_login(personas.student)
    response = client.get(URL)
    assert response.status_code == 200
    result = response.context["result"]
    assert (result.track.code, result.needs, result.offerings) == ("rnd", [], [])
    assert "이 트랙에 대한 기업들의 교육 수요가 아직 없습니다." in response.content.decode()


def test_trainee_without_a_profile_sees_an_explanation(client, demand, personas):
    TraineeProfile.objects.filter(user=personas.student).delete()
    client.force_login(personas.student)
    response = client.get(URL)
    assert response.status_code == 200
    assert (response.context["result"].track, response.context["result"].offerings) == (None, [])
    assert "학습자 정보가 등록되어 있지 않아" in response.content.decode()


# --- company managers -----------------------------------------------------------------------------------


def test_manager_sees_offerings_per_need_and_whom_to_nominate(demand, personas, catalog):
    from sanhak.common import access

    company = personas.company_a
    result = selectors.company_recommendations(company, access.workers_visible(personas.manager, company))
    assert result.response == demand.resp_a
    assert coverage(result) == [
        (
            "SM-AUT-05",
            "technical",
            8,
            [
                (catalog.robot_offering.pk, [("오재직", True), ("윤현장", False)]),
                (demand.robot_full.pk, [("오재직", True), ("윤현장", False)]),
            ],
        ),
        ("SM-CMN-01", "skilled", 9, []),
        (
            "SM-DAT-01",
            "technical",
            10,
            [
                (demand.dat_weekend.pk, [("윤현장", True), ("오재직", False)]),
                (demand.dat_evening.pk, [("오재직", True), ("윤현장", False)]),
            ],
        ),
        ("SM-PRC-01", "skilled", 2, [(catalog.molding_offering.pk, [("오재직", False)])]),  # 윤현장 completed it
    ]
    assert result.shown_worker_ids == sorted([personas.worker.pk, personas.worker2.pk])
    enrollment_apply(offering=demand.dat_weekend, trainee=personas.worker2)
    again = selectors.company_recommendations(company, access.workers_visible(personas.manager, company))
    assert coverage(again)[2][3] == [
        (demand.dat_weekend.pk, [("오재직", False)]),
        (demand.dat_evening.pk, [("오재직", True)]),
    ]


def test_manager_page_logs_the_workers_shown(client, demand, personas, catalog):
    client.force_login(personas.manager)
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    for text in (
        "수요 맞춤 강좌와 추천 직원",
        "2026 스마트제조 교육 수요조사",
        "SM-AUT-05 산업용 로봇 운용·프로그래밍 · 기술인력",
        "이 수요에 맞는 예정 강좌가 아직 없습니다.",
        "오재직",
        "시간 맞음",
        "강좌 페이지에서 추천하기",
    ):
        assert text in html, text
    assert reverse("courses:offering", args=[demand.dat_weekend.pk]) in html
    log = PersonalDataAccess.objects.get()
    assert (log.viewer_id, log.purpose, log.subject_ids, log.subject_count) == (
        personas.manager.pk,
        "demand_recommendations",
        sorted([personas.worker.pk, personas.worker2.pk]),
        2,
    )
    assert log.path == URL


def test_recommendation_rows_in_english(client, demand, personas):
    client.cookies["django_language"] = "en"
    client.force_login(personas.manager)
    html = client.get(URL).content.decode()
    for text in (
        '<span class="badge">Weekday evenings</span>',
        '<span class="badge">Weekends</span>',
        '<span class="badge ok">Schedule fits</span>',
        ">Nominate on the offering page</a>",
    ):
        assert text in html, text
    for korean in ("평일 저녁", "주말", "시간 맞음", "강좌 페이지에서 추천하기"):
        assert korean not in html, korean
    client.force_login(personas.manager_b)
    html = client.get(URL).content.decode()
    assert '<span class="muted">No employees to nominate</span>' in html
    assert "추천할 직원 없음" not in html


def test_manager_sees_only_their_company(client, demand, personas, catalog):
    client.force_login(personas.manager_b)
    result = client.get(URL).context["result"]
    assert result.company == personas.company_b
    assert [(c.need.competency.code, c.need.headcount) for c in result.needs] == [
        ("SM-AUT-01", 45),
        ("SM-AUT-05", 4),
        ("SM-PRC-01", 2),
    ]
    names = {n.worker.name for c in result.needs for o in c.offerings for n in o.nominees}
    assert names == {"서고잔"}  # B's worker only (and not for robot: approved in robot_full)
    assert [o.offering.pk for o in result.needs[1].offerings] == [catalog.robot_offering.pk, demand.robot_full.pk]
    assert [[n.worker.name for n in o.nominees] for o in result.needs[1].offerings] == [[], []]


def test_manager_without_a_submitted_response(client, demand, personas):
    _company, manager = company_with_manager(
        personas,
        name="(주)신규",
        brn="1010000022",
        employees=3,
        ksic="29229",
        email="new@sanhak.test",
        manager_name="신담당",
    )
    client.force_login(manager)
    response = client.get(URL)
    assert response.status_code == 200
    assert response.context["result"].response is None
    assert "제출한 수요조사 응답이 없습니다." in response.content.decode()
    assert not PersonalDataAccess.objects.exists()  # nobody shown, nothing logged


def test_company_page_links_to_recommendations_for_its_manager(client, demand, personas):
    client.force_login(personas.manager)
    assert URL in client.get(reverse("companies:detail", args=[personas.company_a.pk])).content.decode()
    client.force_login(personas.admin)
    assert URL not in client.get(reverse("companies:detail", args=[personas.company_a.pk])).content.decode()


@pytest.mark.parametrize("who", ["admin", "coordinator", "instructor", "lab_manager"])
def test_recommendations_denied(client, demand, personas, who):
    client.force_login(getattr(personas, who))
    before = (PersonalDataAccess.objects.count(), Enrollment.objects.count())
    assert client.get(URL).status_code == 403
    assert (PersonalDataAccess.objects.count(), Enrollment.objects.count()) == before


def test_recommendations_need_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


# --- query counts ---------------------------------------------------------------------------------------


def _count(client, user):
    client.force_login(user)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(URL).status_code == 200
    return len(ctx.captured_queries)


def _more(demand, personas, n):
    """n more workers at A, n more upcoming evening/weekend offerings of the needed competencies, a
    further need, and enrollments."""
    tech = demand.tracks["technical"]
    for i in range(n):
        user = User.objects.create_user(f"more{i}@sanhak.test", "pw", name=f"추가직원{i}")
        RoleAssignment.objects.create(user=user, role=Role.TRAINEE)
        TraineeProfile.objects.create(
            user=user, kind="incumbent", employer=personas.company_a, prefers_evening=bool(i % 2), prefers_weekend=True
        )
        code = ["SM-AUT-05", "SM-DAT-01", "SM-IOT-01"][i % 3]
        course = course_create(
            code=f"MORE-{i}",
            title_ko=f"추가 과목 {i}",
            institution=personas.lead,
            track=tech,
            mode="offline",
            hours=8,
            competencies=[(demand.comp[code], 5)],
        )
        start = demand.today + dt.timedelta(days=5 + i)
        while start.weekday() != (5 if i % 2 else 2):  # Saturday mornings, Wednesday evenings
            start += dt.timedelta(days=1)
        hours = (dt.time(9), dt.time(12)) if i % 2 else (dt.time(19), dt.time(22))
        offering = offering_create(
            course=course,
            term="2026-2",
            start_date=start,
            end_date=start,
            capacity=10,
            sessions=[(start, *hours, "R1")],
        )
        enrollment_apply(offering=offering, trainee=user)
    # A resubmits with one more need (reopened by the office).
    from sanhak.demand.services import response_reopen

    response_reopen(response=demand.resp_a, by=personas.admin, reason="추가")
    items = [ItemIn(demand.comp[c], 2, tech) for c in ("SM-AUT-05", "SM-DAT-01", "SM-IOT-01")]
    answer(SurveyResponse.objects.get(pk=demand.resp_a.pk), personas.manager, items)


def test_query_counts_do_not_grow_with_data(client, demand, personas):
    TraineeProfile.objects.filter(user=personas.student).update(kind=TraineeProfile.Kind.UNDERGRADUATE)

    def counts():
        cache.clear()  # the student's gap table added up afresh each time (from the cache it is 4 queries fewer)
        return (_count(client, personas.worker), _count(client, personas.manager), _count(client, personas.student))

    small = counts()
    _more(demand, personas, 6)
    large = counts()
    assert large == small
    client.force_login(personas.student)
    assert len(client.get(URL).context["result"].offerings) > 6
    client.force_login(personas.manager)
    result = client.get(URL).context["result"]
    assert len(result.needs) == 3
    assert sum(len(o.nominees) for c in result.needs for o in c.offerings) > 20
    client.force_login(personas.worker)
    assert len(client.get(URL).context["result"].offerings) > 3
