"""The public catalog: courses and offerings, with the catalog's search and filters."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sanhak.api.tests.conftest import make_course, make_offering
from sanhak.courses.models import Course, Offering

INVALID = "요청 내용이 올바르지 않습니다. / The request is invalid."

LEAD = {"code": "inu", "name_ko": "인천대학교", "name_en": "Incheon National University"}
POLYTECHNIC = {
    "code": "kopo-incheon",
    "name_ko": "한국폴리텍대학 인천캠퍼스",
    "name_en": "Korea Polytechnics Incheon Campus",
}
ROBOT = {
    "code": "INU-ROB-201",
    "title_ko": "산업용 로봇 운용",
    "title_en": "Industrial robot operation",
    "description": "협동로봇 티칭 실습",
    "institution": LEAD,
    "track": {"code": "technical", "name_ko": "기술인력", "name_en": "Technical personnel"},
    "mode": "blended",
    "hours": 32,
    "competencies": [
        {
            "code": "SM-AUT-05",
            "name_ko": "산업용 로봇 운용·프로그래밍",
            "name_en": "Industrial robot operation and programming",
            "target_level": 5,
        },
    ],
}
MOLDING = {
    "code": "KP-INJ-110",
    "title_ko": "사출성형 공정 최적화",
    "title_en": "",
    "description": "",
    "institution": POLYTECHNIC,
    "track": {"code": "skilled", "name_ko": "기능인력", "name_en": "Skilled workers"},
    "mode": "offline",
    "hours": 16,
    "competencies": [
        {"code": "SM-PRC-01", "name_ko": "사출성형 공정", "name_en": "Injection molding process", "target_level": 3},
    ],
}


def codes(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [c["code"] for c in response.json()["items"]]


def offering_ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [o["id"] for o in response.json()["items"]]


# Courses -----------------------------------------------------------------------------------------


def test_course_list_is_public_with_exact_values(api, shop):
    response = api.get("/api/courses")
    assert response.status_code == 200
    assert response.json() == {"items": [ROBOT, MOLDING], "count": 2}


def test_course_list_hides_courses_no_longer_run(api, shop):
    Course.objects.filter(pk=shop.molding.pk).update(is_active=False)
    assert codes(api.get("/api/courses")) == ["INU-ROB-201"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "로봇"}, ["INU-ROB-201"]),
        ({"q": "사출성형"}, ["KP-INJ-110"]),
        ({"q": "용접"}, []),
        ({"track": "skilled"}, ["KP-INJ-110"]),
        ({"institution": "inu"}, ["INU-ROB-201"]),
        ({"competency": "SM-AUT-05"}, ["INU-ROB-201"]),
        ({"mode": "offline"}, ["KP-INJ-110"]),
        ({"mode": "online"}, []),
        ({"track": "technical", "q": "사출"}, []),
    ],
)
def test_course_list_filters(api, shop, params, expected):
    assert codes(api.get("/api/courses", **params)) == expected


def test_course_list_pages(api, shop):
    response = api.get("/api/courses", limit=1, offset=1)
    assert response.json() == {"items": [MOLDING], "count": 2}


@pytest.mark.parametrize(
    ("params", "loc"),
    [
        ({"mode": "hybrid"}, ["query", "mode"]),
        ({"limit": 0}, ["query", "limit"]),
        ({"limit": 101}, ["query", "limit"]),
        ({"offset": -1}, ["query", "offset"]),
        ({"q": "가" * 201}, ["query", "q"]),
    ],
)
def test_course_list_rejects_bad_filters(api, shop, params, loc):
    response = api.get("/api/courses", **params)
    assert response.status_code == 422
    body = response.json()
    assert (body["code"], body["message"]) == ("invalid", INVALID)
    assert [d["loc"] for d in body["detail"]] == [loc]


def test_course_list_query_count_is_constant(api, personas):
    for i in range(2):
        make_course(f"C-{i:02d}", institution=personas.lead, competencies=(("SM-AUT-01", 3), ("SM-AUT-02", 4)))
    with CaptureQueriesContext(connection) as two:
        assert len(api.get("/api/courses").json()["items"]) == 2
    for i in range(2, 10):
        make_course(f"C-{i:02d}", institution=personas.polytechnic, competencies=(("SM-AUT-03", 3),))
    with CaptureQueriesContext(connection) as ten:
        assert len(api.get("/api/courses").json()["items"]) == 10
    assert len(two) == len(ten) == 4  # page keys, page, competencies, count


def test_course_detail(api, shop, personas):
    advanced = make_course(
        "INU-ROB-301",
        institution=personas.lead,
        title_ko="로봇 셀 설계",
        competencies=(("SM-AUT-05", 6),),
        prerequisites=[shop.robot],
    )
    response = api.get(f"/api/courses/{advanced.code}")
    assert response.status_code == 200
    body = response.json()
    assert body["code"] == "INU-ROB-301"
    assert body["is_active"] is True
    assert body["prerequisites"] == [
        {"code": "INU-ROB-201", "title_ko": "산업용 로봇 운용", "title_en": "Industrial robot operation"},
    ]
    assert api.get(f"/api/courses/{shop.robot.code}").json() == {**ROBOT, "is_active": True, "prerequisites": []}


def test_course_detail_unknown_code_is_404(api, shop):
    response = api.get("/api/courses/NOPE-000")
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "message": "과목을 찾을 수 없습니다. / Course not found."}


# Offerings ---------------------------------------------------------------------------------------


def robot_offering_json(shop) -> dict:
    o = shop.robot_offering
    return {
        "id": o.pk,
        "course": ROBOT,
        "term": "2026-2",
        "start_date": o.start_date.isoformat(),
        "end_date": o.end_date.isoformat(),
        "capacity": 2,
        "approved_count": 0,
        "seats_left": 2,
        "location": "B101",
        "has_evening": True,
        "has_weekend": False,
        "is_open": True,
        "instructors": ["최교수"],
    }


def test_offering_list_is_public_with_exact_values(api, shop):
    response = api.get("/api/offerings")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert body["items"][0] == robot_offering_json(shop)
    assert body["items"][1]["id"] == shop.molding_offering.pk
    assert body["items"][1]["course"] == MOLDING
    assert (body["items"][1]["has_evening"], body["items"][1]["has_weekend"]) == (False, True)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["robot_offering", "molding_offering"]),
        ({"include_past": "true"}, ["past_offering", "robot_offering", "molding_offering"]),
        ({"schedule": "evening"}, ["robot_offering"]),
        ({"schedule": "weekend"}, ["molding_offering"]),
        ({"schedule": "evening_or_weekend"}, ["robot_offering", "molding_offering"]),
        ({"q": "로봇"}, ["robot_offering"]),
        ({"q": "로봇", "include_past": "true"}, ["past_offering", "robot_offering"]),
        ({"track": "skilled"}, ["molding_offering"]),
        ({"institution": "kopo-incheon"}, ["molding_offering"]),
        ({"competency": "SM-AUT-05"}, ["robot_offering"]),
        ({"mode": "blended"}, ["robot_offering"]),
        ({"open_seats": "true"}, ["robot_offering", "molding_offering"]),
    ],
)
def test_offering_list_filters(api, shop, params, expected):
    assert offering_ids(api.get("/api/offerings", **params)) == [getattr(shop, name).pk for name in expected]


def test_offering_list_open_seats_leaves_out_full_offerings(api, shop):
    Offering.objects.filter(pk=shop.robot_offering.pk).update(approved_count=2)
    assert offering_ids(api.get("/api/offerings", open_seats="true")) == [shop.molding_offering.pk]
    assert offering_ids(api.get("/api/offerings")) == [shop.robot_offering.pk, shop.molding_offering.pk]


@pytest.mark.parametrize(
    ("params", "loc"),
    [
        ({"schedule": "night"}, ["query", "schedule"]),
        ({"open_seats": "maybe"}, ["query", "open_seats"]),
        ({"mode": "x"}, ["query", "mode"]),
    ],
)
def test_offering_list_rejects_bad_filters(api, shop, params, loc):
    response = api.get("/api/offerings", **params)
    assert response.status_code == 422
    assert [d["loc"] for d in response.json()["detail"]] == [loc]


def test_offering_list_query_count_is_constant(api, personas):
    def add(i: int) -> None:
        course = make_course(f"O-{i:02d}", institution=personas.lead, competencies=(("SM-AUT-01", 3),))
        make_offering(course, days_from_now=10 + i, instructors=[personas.instructor])

    for i in range(2):
        add(i)
    with CaptureQueriesContext(connection) as two:
        assert api.get("/api/offerings").json()["count"] == 2
    for i in range(2, 10):
        add(i)
    with CaptureQueriesContext(connection) as ten:
        assert api.get("/api/offerings").json()["count"] == 10
    assert len(two) == len(ten) == 5  # page keys, page, competencies, instructors, count


def test_offering_detail_with_sessions(api, shop):
    response = api.get(f"/api/offerings/{shop.robot_offering.pk}")
    assert response.status_code == 200
    tuesday = shop.robot_offering.start_date
    assert response.json() == {
        **robot_offering_json(shop),
        "sessions": [
            {"date": tuesday.isoformat(), "start_time": "19:00:00", "end_time": "22:00:00", "room": "B101"},
            {
                "date": (tuesday + dt.timedelta(days=7)).isoformat(),
                "start_time": "19:00:00",
                "end_time": "22:00:00",
                "room": "B101",
            },
        ],
    }


@pytest.mark.parametrize(("path", "status"), [("999999", 404), ("abc", 422), ("0", 422), (str(2**63), 422)])
def test_offering_detail_bad_ids(api, shop, path, status):
    response = api.get(f"/api/offerings/{path}")
    assert response.status_code == status
    assert response.json()["code"] == {404: "not_found", 422: "invalid"}[status]
    if status == 404:
        assert response.json() == {"code": "not_found", "message": "강좌를 찾을 수 없습니다. / Offering not found."}
