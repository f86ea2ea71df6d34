"""The labs REST API: equipment and free slots (public), reservations (list, create once or weekly,
cancel, approve, reject). Allowed and denied callers for each; every denial changes nothing; bad
input is a 422, never a 500."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from sanhak.api.tests.conftest import Api
from sanhak.common.models import Notification, PersonalDataAccess
from sanhak.labs.models import (
    Equipment,
    EquipmentStatus,
    Reservation,
    ReservationSeries,
    ReservationStatus,
    TrainingRecord,
)
from sanhak.labs.rules import is_open_day, when_text
from sanhak.labs.tests.conftest import at, open_day, reserve

pytestmark = pytest.mark.django_db

UNAUTHENTICATED = {
    "code": "unauthenticated",
    "message": "로그인하거나 유효한 API 토큰을 보내세요. / Log in or send a valid API token.",
}
NOT_FOUND = {"code": "not_found", "message": "예약을 찾을 수 없습니다. / Reservation not found."}
NOT_MANAGER = {
    "code": "forbidden",
    "message": "이 장비의 관리자만 처리할 수 있습니다. / Only this equipment's lab managers can do this.",
}
INVALID = "요청 내용이 올바르지 않습니다. / The request is invalid."


@pytest.fixture
def api(db):
    return Api()


def _time(value):
    """How the API writes a time: in Korean time (+09:00)."""
    return DjangoJSONEncoder().default(timezone.localtime(value))


def equipment_json(eq):
    eq = Equipment.objects.select_related("type", "facility__institution").get(pk=eq.pk)
    return {
        "id": eq.pk,
        "code": eq.code,
        "name": eq.name,
        "type": eq.type.code,
        "institution": eq.facility.institution.name_ko,
        "location": f"{eq.facility.building} {eq.facility.room}",
        "status": eq.status,
    }


def reservation_json(r):
    r = Reservation.objects.select_related("user").get(pk=r.pk)
    return {
        "id": r.pk,
        "equipment": equipment_json(r.equipment),
        "user": {"id": r.user_id, "name": r.user.name},
        "starts_at": _time(r.starts_at),
        "ends_at": _time(r.ends_at),
        "blocked_until": _time(r.blocked_until),
        "status": r.status,
        "purpose": r.purpose,
        "project": r.project,
        "reason": r.reason,
        "created_at": _time(r.created_at),
    }


def snapshot():
    return [
        *Reservation.objects.order_by("pk").values_list(
            "pk", "equipment_id", "user_id", "status", "starts_at", "reason"
        ),
        ("series", ReservationSeries.objects.count()),
        ("notifications", Notification.objects.count()),
    ]


def iso(moment):
    return timezone.localtime(moment).isoformat()


# --- equipment (public) --------------------------------------------------------------------------


def test_equipment_list_is_public_and_paginated(api, labs):
    Equipment.objects.create(
        code="EQ-OLD",
        name="폐기",
        type=labs.types["plc-trainer"],
        facility=labs.facility,
        status="retired",
        status_reason="x",
    )
    response = api.get("/api/labs/equipment")
    assert response.status_code == 200
    assert response.json() == {"items": [equipment_json(labs.plc), equipment_json(labs.robot)], "count": 2}
    assert response.json()["items"][1] == {
        "id": labs.robot.pk,
        "code": "EQ-R1",
        "name": "협동로봇 셀",
        "type": "robot-cell",
        "institution": "인천대학교",
        "location": "공학관 B101",
        "status": "available",
    }
    assert api.get("/api/labs/equipment", type="robot-cell").json()["count"] == 1
    assert api.get("/api/labs/equipment", limit=1, offset=1).json()["items"] == [equipment_json(labs.robot)]
    assert api.get("/api/labs/equipment", limit=0).status_code == 422


# --- free slots (public) -------------------------------------------------------------------------


def test_free_slots(api, labs, personas):
    day = open_day(labs.plc.effective_rules)
    reserve(labs.plc, personas.worker, at(day, 19), at(day, 20))
    second = Equipment.objects.create(
        code="EQ-P2", name="PLC 2", type=labs.types["plc-trainer"], facility=labs.facility
    )
    response = api.get(
        "/api/labs/free-slots",
        type="plc-trainer",
        date_from=day.isoformat(),
        window_start="18:00",
        window_end="22:00",
        duration_minutes=60,
    )
    assert response.status_code == 200

    def instants(slots):
        keys = ("starts_at", "ends_at", "latest_start")
        return [tuple(dt.datetime.fromisoformat(s[k]) for k in keys) for s in slots]

    assert [(a["equipment"], instants(a["slots"])) for a in response.json()] == [
        (
            equipment_json(labs.plc),
            [(at(day, 18), at(day, 19), at(day, 18)), (at(day, 20), at(day, 22), at(day, 21))],
        ),
        (equipment_json(second), [(at(day, 18), at(day, 22), at(day, 21))]),
    ]
    assert response.json()[1]["slots"] == [
        {"starts_at": iso(at(day, 18)), "ends_at": iso(at(day, 22)), "latest_start": iso(at(day, 21))}
    ]
    assert iso(at(day, 18)).endswith("T18:00:00+09:00")
    other = api.get(
        "/api/labs/free-slots", type="plc-trainer", institution=personas.polytechnic.pk, date_from=day.isoformat()
    )
    assert other.json() == []


def test_free_slots_bad_input_is_422(api, labs):
    day = open_day(labs.plc.effective_rules)
    d = day.isoformat()
    cases = {
        "month-13": {"date_from": "2026-13-01"},
        "garbage": {"date_from": "not-a-date"},
        "end-before-start": {"date_from": d, "date_to": (day - dt.timedelta(days=1)).isoformat()},
        "span-15-days": {"date_from": d, "date_to": (day + dt.timedelta(days=14)).isoformat()},
        "window-reversed": {"date_from": d, "window_start": "20:00", "window_end": "18:00"},
        "window-empty": {"date_from": d, "window_start": "20:00", "window_end": "20:00"},
        "bad-time": {"date_from": d, "window_start": "25:00"},
        "time-with-zone": {"date_from": d, "window_end": "00:00:00Z"},
        "times-with-zones": {"date_from": d, "window_start": "18:00+09:00", "window_end": "20:00+09:00"},
        "duration-0": {"date_from": d, "duration_minutes": 0},
        "duration-too-long": {"date_from": d, "duration_minutes": 24 * 60 + 1},
        "institution-0": {"date_from": d, "institution": 0},
        "type-too-long": {"date_from": d, "type": "x" * 41},
        "no-date": {},
    }
    for name, params in cases.items():
        response = api.get("/api/labs/free-slots", **{"type": "plc-trainer", **params})
        assert response.status_code == 422, name
        assert (response.json()["code"], response.json()["message"]) == ("invalid", INVALID), name


def test_free_slots_fourteen_days_is_the_limit(api, labs):
    day = open_day(labs.plc.effective_rules)
    response = api.get(
        "/api/labs/free-slots",
        type="plc-trainer",
        date_from=day.isoformat(),
        date_to=(day + dt.timedelta(days=13)).isoformat(),
    )
    assert response.status_code == 200


def test_far_future_dates_are_not_a_server_error(api, labs, personas):
    api.client.raise_request_exception = False
    statuses = {
        "free-slots": api.get("/api/labs/free-slots", type="plc-trainer", date_from="9999-12-31").status_code,
        "list": api.get("/api/labs/reservations", as_=personas.student, date_to="9999-12-31").status_code,
    }
    for weeks in (1, 2):
        body = {
            "equipment_id": labs.plc.pk,
            "starts_at": "9999-12-30T10:00:00+09:00",
            "ends_at": "9999-12-30T11:00:00+09:00",
            "weeks": weeks,
        }
        statuses[f"create-{weeks}"] = api.post("/api/labs/reservations", as_=personas.student, body=body).status_code
    assert Reservation.objects.count() == 0
    assert {name: status for name, status in statuses.items() if status == 500} == {}


# --- reservations: list ----------------------------------------------------------------------------


@pytest.fixture
def three(labs, personas):
    """The student's PLC booking, the worker's PLC booking, and the student's pending robot booking."""
    day = open_day(labs.plc.effective_rules)
    TrainingRecord.objects.create(user=personas.student, course=labs.safety, completed_on=timezone.localdate())
    return (
        reserve(labs.plc, personas.student, at(day, 19), at(day, 20), purpose="졸업 과제"),
        reserve(labs.plc, personas.worker, at(day, 20), at(day, 21)),
        reserve(labs.robot, personas.student, at(day, 10), at(day, 11), ReservationStatus.PENDING),
    )


def test_list_needs_authentication(api, three):
    response = api.get("/api/labs/reservations")
    assert (response.status_code, response.json()) == (401, UNAUTHENTICATED)
    assert response["WWW-Authenticate"] == "Bearer"


def test_each_sees_their_own_and_lab_managers_see_their_equipment(api, labs, personas, three):
    mine, theirs, robot = three
    response = api.get("/api/labs/reservations", as_=personas.student)
    assert response.status_code == 200
    assert response.json() == {"items": [reservation_json(robot), reservation_json(mine)], "count": 2}
    assert api.get("/api/labs/reservations", as_=personas.worker).json()["items"] == [reservation_json(theirs)]
    assert api.get("/api/labs/reservations", as_=personas.instructor).json() == {"items": [], "count": 0}
    for who in (personas.lab_manager, personas.admin):
        ids = [r["id"] for r in api.get("/api/labs/reservations", as_=who).json()["items"]]
        assert ids == [robot.pk, mine.pk, theirs.pk]


def test_list_filters(api, labs, personas, three):
    mine, theirs, robot = three
    manager = personas.lab_manager

    def ids(**params):
        return [r["id"] for r in api.get("/api/labs/reservations", as_=manager, **params).json()["items"]]

    day = timezone.localtime(mine.starts_at).date()
    assert ids(equipment=labs.plc.pk) == [mine.pk, theirs.pk]
    assert ids(status="pending") == [robot.pk]
    assert ids(date_from=(day + dt.timedelta(days=1)).isoformat()) == []
    assert ids(date_to=(day - dt.timedelta(days=1)).isoformat()) == []
    assert ids(date_from=day.isoformat(), date_to=day.isoformat()) == [robot.pk, mine.pk, theirs.pk]
    for bad in ({"status": "lost"}, {"date_from": "2026-02-30"}, {"equipment": 0}, {"limit": 101}):
        assert api.get("/api/labs/reservations", as_=manager, **bad).status_code == 422


def test_list_logs_only_the_other_people_on_the_page_served(api, personas, three):
    manager = personas.lab_manager
    api.get("/api/labs/reservations", as_=personas.student)  # their own only
    api.get("/api/labs/reservations", as_=manager)  # robot (student), mine (student), theirs (worker)
    api.get("/api/labs/reservations", as_=manager, limit=1)  # robot: the student
    api.get("/api/labs/reservations", as_=manager, offset=2)  # theirs: the worker
    api.get("/api/labs/reservations", as_=manager, offset=3)  # nothing
    logged = PersonalDataAccess.objects.order_by("id").values_list("viewer_id", "purpose", "subject_ids")
    assert list(logged) == [
        (manager.pk, "api_lab_reservations", sorted([personas.student.pk, personas.worker.pk])),
        (manager.pk, "api_lab_reservations", [personas.student.pk]),
        (manager.pk, "api_lab_reservations", [personas.worker.pk]),
    ]


def test_list_with_the_session_login(api, personas, three):
    mine, _theirs, robot = three
    api.client.force_login(personas.student)
    assert [r["id"] for r in api.client.get("/api/labs/reservations").json()["items"]] == [robot.pk, mine.pk]


# --- reservations: create -----------------------------------------------------------------------


def body_for(equipment, start, end, **extra):
    return {"equipment_id": equipment.pk, "starts_at": iso(start), "ends_at": iso(end), **extra}


def test_create_one(api, labs, personas):
    day = open_day(labs.plc.effective_rules)
    response = api.post(
        "/api/labs/reservations",
        as_=personas.worker,
        body=body_for(labs.plc, at(day, 19), at(day, 21), purpose="PLC 실습", project="라인 개선"),
    )
    assert response.status_code == 201
    r = Reservation.objects.get()
    assert response.json() == [reservation_json(r)]
    assert (r.user, r.status, r.purpose, r.project, r.company) == (
        personas.worker,
        "confirmed",
        "PLC 실습",
        "라인 개선",
        personas.company_a,
    )


def test_create_with_a_naive_time_is_korean_time(api, labs, personas):
    day = open_day(labs.plc.effective_rules)
    body = {"equipment_id": labs.plc.pk, "starts_at": f"{day}T19:00:00", "ends_at": f"{day}T20:00:00"}
    assert api.post("/api/labs/reservations", as_=personas.worker, body=body).status_code == 201
    assert Reservation.objects.get().starts_at == at(day, 19)


def test_create_weekly_with_skip(api, labs, personas):
    rules = labs.plc.effective_rules
    day = open_day(rules)
    while not all(is_open_day(rules, day + dt.timedelta(weeks=i)) for i in range(3)):
        day += dt.timedelta(days=1)
    second = day + dt.timedelta(weeks=1)
    taken = reserve(labs.plc, personas.worker2, at(second, 19), at(second, 20))
    body = body_for(labs.plc, at(day, 19), at(day, 20), weeks=3)
    before = snapshot()
    response = api.post("/api/labs/reservations", as_=personas.worker, body=body)
    assert response.status_code == 409
    assert response.json()["code"] == "conflict"
    assert when_text(at(second, 19), at(second, 20)) in response.json()["message"]
    assert snapshot() == before

    response = api.post("/api/labs/reservations", as_=personas.worker, body={**body, "skip": [second.isoformat()]})
    assert response.status_code == 201
    made = Reservation.objects.exclude(pk=taken.pk).order_by("starts_at")
    assert response.json() == [reservation_json(r) for r in made]
    assert [r.starts_at for r in made] == [at(day, 19), at(day + dt.timedelta(weeks=2), 19)]


def test_create_conflict_is_a_409(api, labs, personas):
    day = open_day(labs.plc.effective_rules)
    taken = reserve(labs.plc, personas.worker2, at(day, 19), at(day, 21))
    before = snapshot()
    response = api.post(
        "/api/labs/reservations", as_=personas.worker, body=body_for(labs.plc, at(day, 20), at(day, 21))
    )
    when = when_text(taken.starts_at, taken.ends_at)
    assert response.status_code == 409
    assert response.json() == {
        "code": "conflict",
        "message": f"PLC 트레이너은(는) 이미 예약된 시간입니다: {when} / PLC 트레이너 is already booked then: {when}",
    }
    assert snapshot() == before


def test_create_without_training_is_a_403(api, labs, personas):
    day = open_day(labs.robot.effective_rules)
    response = api.post(
        "/api/labs/reservations", as_=personas.worker, body=body_for(labs.robot, at(day, 10), at(day, 11))
    )
    assert response.status_code == 403
    assert response.json() == {
        "code": "training_required",
        "message": "이 장비를 예약하려면 먼저 다음 교육을 이수해야 합니다: 산업용 로봇 안전교육 (LAB-SAFE-ROBOT) / "
        "Complete this training before booking: 산업용 로봇 안전교육 (LAB-SAFE-ROBOT)",
    }
    assert Reservation.objects.count() == 0


def test_create_breaking_a_rule_is_a_400(api, labs, personas):
    day = open_day(labs.plc.effective_rules)
    response = api.post(
        "/api/labs/reservations", as_=personas.worker, body=body_for(labs.plc, at(day, 21), at(day, 22, 30))
    )
    assert response.status_code == 400
    assert response.json() == {
        "code": "hours",
        "message": "운영 시간(09:00–22:00) 안에서만 예약할 수 있습니다. / Bookings must fit the opening hours (09:00–22:00).",
    }
    response = api.post(
        "/api/labs/reservations", as_=personas.worker, body=body_for(labs.plc, at(day, 11), at(day, 10))
    )
    assert (response.status_code, response.json()["code"]) == (400, "order")
    Equipment.objects.filter(pk=labs.plc.pk).update(status=EquipmentStatus.MAINTENANCE, status_reason="수리")
    response = api.post(
        "/api/labs/reservations", as_=personas.worker, body=body_for(labs.plc, at(day, 10), at(day, 11))
    )
    assert (response.status_code, response.json()["code"]) == (400, "equipment_unavailable")
    assert Reservation.objects.count() == 0


def test_create_denied_and_invalid(api, labs, personas):
    day = open_day(labs.plc.effective_rules)
    good = body_for(labs.plc, at(day, 19), at(day, 20))
    response = api.post("/api/labs/reservations", body=good)
    assert (response.status_code, response.json()) == (401, UNAUTHENTICATED)
    response = api.post("/api/labs/reservations", as_=personas.worker, body={**good, "equipment_id": 999999})
    assert (response.status_code, response.json()) == (
        404,
        {"code": "not_found", "message": "장비를 찾을 수 없습니다. / Equipment not found."},
    )
    for bad in (
        {**good, "weeks": 27},
        {**good, "weeks": 0},
        {**good, "starts_at": "2026-12-32T10:00:00+09:00"},
        {**good, "ends_at": "tomorrow"},
        {**good, "skip": ["2026-02-30"]},
        {**good, "equipment_id": 0},
        {**good, "purpose": "x" * 201},
        {"equipment_id": labs.plc.pk},
    ):
        response = api.post("/api/labs/reservations", as_=personas.worker, body=bad)
        assert response.status_code == 422, bad
        assert (response.json()["code"], response.json()["message"]) == ("invalid", INVALID)
    response = api.post("/api/labs/reservations", as_=personas.worker, raw="{not json")
    assert (response.status_code, response.json()["code"]) == (422, "invalid")
    assert Reservation.objects.count() == 0


# --- reservations: cancel, approve, reject ------------------------------------------------------------


def test_cancel(api, personas, three):
    mine, _theirs, _robot = three
    response = api.post(f"/api/labs/reservations/{mine.pk}/cancel", as_=personas.student)
    assert response.status_code == 200
    mine.refresh_from_db()
    assert mine.status == "cancelled"
    assert response.json() == reservation_json(mine)
    response = api.post(f"/api/labs/reservations/{mine.pk}/cancel", as_=personas.student)
    assert (response.status_code, response.json()) == (
        409,  # a conflict with the booking's state, as for an application decided already
        {"code": "state", "message": "이미 처리된 예약입니다. / This booking can no longer be cancelled."},
    )


def test_a_lab_manager_cancels_anyones(api, personas, three):
    _mine, theirs, _robot = three
    response = api.post(f"/api/labs/reservations/{theirs.pk}/cancel", as_=personas.lab_manager)
    assert (response.status_code, response.json()["status"]) == (200, "cancelled")
    assert Notification.objects.filter(user=personas.worker).count() == 1


def test_approve_and_reject(api, personas, three):
    _mine, _theirs, robot = three
    response = api.post(f"/api/labs/reservations/{robot.pk}/approve", as_=personas.lab_manager)
    assert response.status_code == 200
    robot.refresh_from_db()
    assert response.json() == reservation_json(robot)
    assert robot.status == "confirmed"
    response = api.post(f"/api/labs/reservations/{robot.pk}/approve", as_=personas.lab_manager)
    assert (response.status_code, response.json()["code"]) == (409, "state")

    robot.status = ReservationStatus.PENDING
    robot.save()
    response = api.post(f"/api/labs/reservations/{robot.pk}/reject", as_=personas.admin, body={"reason": "  "})
    assert (response.status_code, response.json()) == (
        400,
        {"code": "reason", "message": "반려 사유를 입력하세요. / Give a reason for the rejection."},
    )
    response = api.post(
        f"/api/labs/reservations/{robot.pk}/reject", as_=personas.admin, body={"reason": "교육 확인 필요"}
    )
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["reason"]) == ("rejected", "교육 확인 필요")
    assert Notification.objects.filter(user=personas.student).count() == 2


@pytest.mark.parametrize("action", ["cancel", "approve", "reject"])
def test_reservation_actions_denied(api, personas, three, action):
    mine, _theirs, robot = three
    target = robot if action != "cancel" else mine
    body = {"reason": "x"}
    before = snapshot()
    path = f"/api/labs/reservations/{target.pk}/{action}"
    response = api.post(path, body=body)
    assert (response.status_code, response.json()) == (401, UNAUTHENTICATED)
    for who in (personas.worker, personas.instructor, personas.coordinator, personas.manager):
        response = api.post(path, as_=who, body=body)
        assert (response.status_code, response.json()) == (404, NOT_FOUND), who
    response = api.post(f"/api/labs/reservations/999999/{action}", as_=personas.lab_manager, body=body)
    assert (response.status_code, response.json()) == (404, NOT_FOUND)
    assert api.post(f"/api/labs/reservations/0/{action}", as_=personas.lab_manager, body=body).status_code == 422
    if action != "cancel":
        response = api.post(path, as_=personas.student, body=body)  # the owner
        assert (response.status_code, response.json()) == (403, NOT_MANAGER)
    assert snapshot() == before


def test_reject_needs_a_reason_body(api, personas, three):
    _mine, _theirs, robot = three
    before = snapshot()
    for body in (None, {}, {"reason": ""}, {"reason": "x" * 301}):
        response = api.post(f"/api/labs/reservations/{robot.pk}/reject", as_=personas.lab_manager, body=body)
        assert response.status_code == 422, body
    assert snapshot() == before


# --- the schema ------------------------------------------------------------------------------------


def test_openapi_lists_the_labs_paths(client, db):
    schema = client.get("/api/openapi.json").json()
    labs_paths = {path: set(ops) for path, ops in schema["paths"].items() if path.startswith("/api/labs/")}
    assert labs_paths == {
        "/api/labs/equipment": {"get"},
        "/api/labs/free-slots": {"get"},
        "/api/labs/reservations": {"get", "post"},
        "/api/labs/reservations/{reservation_id}/cancel": {"post"},
        "/api/labs/reservations/{reservation_id}/approve": {"post"},
        "/api/labs/reservations/{reservation_id}/reject": {"post"},
    }
    paths = schema["paths"]
    for public in ("/api/labs/equipment", "/api/labs/free-slots"):
        assert paths[public]["get"].get("security") is None
    assert paths["/api/labs/reservations"]["post"]["security"] == [{"BearerToken": []}, {"SessionCookie": []}]
    assert set(paths["/api/labs/reservations"]["post"]["responses"]) == {
        "201",
        "400",
        "401",
        "403",
        "404",
        "409",
        "413",
        "422",
    }
    assert all(op["tags"] == ["labs"] for path in labs_paths for op in paths[path].values())
