"""Enrollments through the API: apply, nominate, approve, reject, cancel, list. Every denial changes nothing."""

from __future__ import annotations

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sanhak.api.tests.conftest import make_worker
from sanhak.common.models import Notification, PersonalDataAccess
from sanhak.courses.models import Offering
from sanhak.enrollment.models import Enrollment, Source, Status
from sanhak.enrollment.services import enrollment_apply, enrollment_approve

FORBIDDEN = {"code": "forbidden", "message": "이 작업을 할 권한이 없습니다. / You do not have permission to do this."}
ENROLLMENT_NOT_FOUND = {"code": "not_found", "message": "신청을 찾을 수 없습니다. / Enrollment not found."}
INVALID = "요청 내용이 올바르지 않습니다. / The request is invalid."
INVALID_JSON = "요청 본문이 올바른 JSON이 아닙니다. / The request body is not valid JSON."


def _time(value):
    return None if value is None else DjangoJSONEncoder().default(value)


def _person(user):
    return None if user is None else {"id": user.pk, "name": user.name}


def enrollment_json(enrollment: Enrollment) -> dict:
    e = Enrollment.objects.select_related("offering__course").get(pk=enrollment.pk)
    o = e.offering
    return {
        "id": e.pk,
        "offering": {
            "id": o.pk,
            "course_code": o.course.code,
            "course_title_ko": o.course.title_ko,
            "term": o.term,
            "start_date": o.start_date.isoformat(),
            "end_date": o.end_date.isoformat(),
        },
        "trainee": _person(e.trainee),
        "status": e.status,
        "source": e.source,
        "nominated_by": _person(e.nominated_by),
        "decided_by": _person(e.decided_by),
        "decided_at": _time(e.decided_at),
        "waitlisted_at": _time(e.waitlisted_at),
        "reason": e.reason,
        "created_at": _time(e.created_at),
    }


def snapshot() -> list[tuple]:
    """Everything a denied request must leave as it was."""
    return [
        *Enrollment.objects.order_by("pk").values_list("pk", "trainee_id", "status", "reason", "decided_by_id"),
        *Offering.objects.order_by("pk").values_list("pk", "approved_count"),
        ("notifications", Notification.objects.count()),
    ]


# Apply -------------------------------------------------------------------------------------------


def test_a_trainee_applies(api, shop, personas):
    response = api.post(f"/api/offerings/{shop.robot_offering.pk}/apply", as_=personas.worker)

    assert response.status_code == 201
    enrollment = Enrollment.objects.get()
    assert (enrollment.trainee, enrollment.offering, enrollment.status, enrollment.source) == (
        personas.worker,
        shop.robot_offering,
        Status.PENDING,
        Source.APPLICATION,
    )
    assert response.json() == enrollment_json(enrollment)
    assert response.json()["offering"]["course_code"] == "INU-ROB-201"
    assert response.json()["trainee"] == {"id": personas.worker.pk, "name": "오재직"}


def test_applying_to_a_full_offering_waitlists(api, shop, personas):
    Offering.objects.filter(pk=shop.robot_offering.pk).update(approved_count=2)
    response = api.post(f"/api/offerings/{shop.robot_offering.pk}/apply", as_=personas.student)
    assert response.status_code == 201
    assert response.json()["status"] == "waitlisted"
    assert response.json()["waitlisted_at"] is not None


def test_a_non_trainee_cannot_apply(api, shop, personas):
    before = snapshot()
    response = api.post(f"/api/offerings/{shop.robot_offering.pk}/apply", as_=personas.manager)
    assert response.status_code == 400
    assert response.json() == {
        "code": "not_a_trainee",
        "message": "정담당 님은 교육생으로 등록되어 있지 않습니다. / 정담당 is not registered as a trainee.",
    }
    assert snapshot() == before


def test_anonymous_cannot_apply(api, shop):
    before = snapshot()
    assert api.post(f"/api/offerings/{shop.robot_offering.pk}/apply").status_code == 401
    assert snapshot() == before


def test_applying_twice_is_a_conflict(api, shop, personas):
    api.post(f"/api/offerings/{shop.robot_offering.pk}/apply", as_=personas.worker)
    before = snapshot()
    response = api.post(f"/api/offerings/{shop.robot_offering.pk}/apply", as_=personas.worker)
    assert response.status_code == 409
    assert response.json() == {
        "code": "already_enrolled",
        "message": "오재직 님은 이미 이 강좌에 신청되어 있습니다. / 오재직 has already applied to this offering.",
    }
    assert snapshot() == before


def test_applying_to_an_ended_or_closed_offering(api, shop, personas):
    before = snapshot()
    response = api.post(f"/api/offerings/{shop.past_offering.pk}/apply", as_=personas.worker)
    assert (response.status_code, response.json()["code"]) == (400, "ended")
    Offering.objects.filter(pk=shop.molding_offering.pk).update(is_open=False)
    before = snapshot()
    response = api.post(f"/api/offerings/{shop.molding_offering.pk}/apply", as_=personas.worker)
    assert response.json() == {
        "code": "closed",
        "message": "신청이 마감된 강좌입니다. / Applications for this offering are closed.",
    }
    assert snapshot() == before


def test_applying_to_an_unknown_offering_is_404(api, shop, personas):
    response = api.post("/api/offerings/999999/apply", as_=personas.worker)
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert Enrollment.objects.count() == 0


# Nominate ----------------------------------------------------------------------------------------


def test_a_manager_nominates_their_workers(api, shop, personas):
    url = f"/api/offerings/{shop.molding_offering.pk}/nominate"
    response = api.post(url, as_=personas.manager, body={"trainee_ids": [personas.worker2.pk, personas.worker.pk]})

    assert response.status_code == 201
    body = response.json()
    assert [e["trainee"]["id"] for e in body] == [personas.worker2.pk, personas.worker.pk]
    assert body == [
        enrollment_json(Enrollment.objects.get(offering=shop.molding_offering, trainee=t))
        for t in (personas.worker2, personas.worker)
    ]
    assert {(e["status"], e["source"]) for e in body} == {("pending", "nomination")}
    assert body[0]["nominated_by"] == {"id": personas.manager.pk, "name": "정담당"}
    assert Enrollment.objects.filter(offering=shop.molding_offering, nominated_by=personas.manager).count() == 2


def test_nominating_the_same_worker_twice_in_one_request_counts_once(api, shop, personas):
    url = f"/api/offerings/{shop.molding_offering.pk}/nominate"
    response = api.post(url, as_=personas.manager, body={"trainee_ids": [personas.worker.pk, personas.worker.pk]})
    assert response.status_code == 201
    assert len(response.json()) == 1
    assert Enrollment.objects.count() == 1


@pytest.mark.parametrize(
    "ids",
    [
        pytest.param(lambda p: [p.worker_b.pk], id="another-company's-worker"),
        pytest.param(lambda p: [p.worker.pk, p.worker_b.pk], id="mixed: all or none"),
        pytest.param(lambda p: [p.student.pk], id="not-an-incumbent-worker"),
        pytest.param(lambda p: [999999], id="unknown-id"),
    ],
)
def test_nominating_someone_elses_worker_is_404_and_creates_nothing(api, shop, personas, ids):
    before = snapshot()
    id_list = ids(personas)
    response = api.post(
        f"/api/offerings/{shop.molding_offering.pk}/nominate", as_=personas.manager, body={"trainee_ids": id_list}
    )
    assert response.status_code == 404
    missing = ", ".join(str(i) for i in id_list if i != personas.worker.pk)
    assert response.json() == {
        "code": "not_found",
        "message": f"귀사 직원 중에서 찾을 수 없습니다: {missing} / Not among your workers: {missing}",
    }
    assert snapshot() == before


def test_manager_b_cannot_nominate_company_a_workers(api, shop, personas):
    before = snapshot()
    response = api.post(
        f"/api/offerings/{shop.molding_offering.pk}/nominate",
        as_=personas.manager_b,
        body={"trainee_ids": [personas.worker.pk]},
    )
    assert response.status_code == 404
    assert snapshot() == before


@pytest.mark.parametrize("who", ["worker", "admin", "coordinator"])
def test_only_company_managers_nominate(api, shop, personas, who):
    before = snapshot()
    response = api.post(
        f"/api/offerings/{shop.molding_offering.pk}/nominate",
        as_=getattr(personas, who),
        body={"trainee_ids": [personas.worker.pk]},
    )
    assert response.status_code == 403
    assert response.json() == FORBIDDEN
    assert snapshot() == before


def test_a_conflict_rolls_back_the_whole_nomination(api, shop, personas):
    enrollment_apply(offering=shop.molding_offering, trainee=personas.worker)
    before = snapshot()
    response = api.post(
        f"/api/offerings/{shop.molding_offering.pk}/nominate",
        as_=personas.manager,
        body={"trainee_ids": [personas.worker2.pk, personas.worker.pk]},
    )
    assert response.status_code == 409
    assert response.json()["code"] == "already_enrolled"
    assert snapshot() == before


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ('{"trainee_ids": [1,', INVALID_JSON),
        ("\xff\xfe", INVALID_JSON),
        ("{}", INVALID),
        ('{"trainee_ids": []}', INVALID),
        ('{"trainee_ids": ["abc"]}', INVALID),
        ('{"trainee_ids": [0]}', INVALID),
        ('{"trainee_ids": [9223372036854775808]}', INVALID),
        ('{"trainee_ids": 5}', INVALID),
        ("[1, 2]", INVALID),
        ("null", INVALID),
        ("", INVALID),
    ],
)
def test_a_malformed_nomination_is_422_and_creates_nothing(api, shop, personas, raw, message):
    before = snapshot()
    response = api.post(f"/api/offerings/{shop.molding_offering.pk}/nominate", as_=personas.manager, raw=raw)
    assert response.status_code == 422, response.content
    body = response.json()
    assert (body["code"], body["message"]) == ("invalid", message)
    assert isinstance(body["detail"], list)
    assert body["detail"]
    assert snapshot() == before


# Approve -----------------------------------------------------------------------------------------


@pytest.fixture
def pending(shop, personas) -> Enrollment:
    return enrollment_apply(offering=shop.robot_offering, trainee=personas.worker)


@pytest.mark.parametrize("who", ["coordinator", "admin"])
def test_approve(api, pending, personas, shop, who):
    approver = getattr(personas, who)
    response = api.post(f"/api/enrollments/{pending.pk}/approve", as_=approver)

    assert response.status_code == 200
    pending.refresh_from_db()
    assert (pending.status, pending.decided_by) == (Status.APPROVED, approver)
    assert response.json() == enrollment_json(pending)
    assert response.json()["decided_by"] == {"id": approver.pk, "name": approver.name}
    shop.robot_offering.refresh_from_db()
    assert shop.robot_offering.approved_count == 1
    assert Notification.objects.filter(user=personas.worker).count() == 1


def test_approving_when_full_waitlists(api, pending, shop, personas):
    Offering.objects.filter(pk=shop.robot_offering.pk).update(approved_count=2)
    response = api.post(f"/api/enrollments/{pending.pk}/approve", as_=personas.coordinator)
    assert response.status_code == 200
    assert response.json()["status"] == "waitlisted"
    shop.robot_offering.refresh_from_db()
    assert shop.robot_offering.approved_count == 2


@pytest.mark.parametrize(
    ("who", "status", "body"),
    [
        ("manager", 403, FORBIDDEN),
        ("instructor", 403, FORBIDDEN),
        ("worker", 403, FORBIDDEN),
        ("student", 403, FORBIDDEN),
        (None, 401, None),
    ],
)
def test_approve_is_denied_to_others(api, pending, personas, who, status, body):
    before = snapshot()
    response = api.post(f"/api/enrollments/{pending.pk}/approve", as_=getattr(personas, who) if who else None)
    assert response.status_code == status
    if body:
        assert response.json() == body
    assert snapshot() == before


def test_a_coordinator_cannot_approve_another_institutions_enrollment(api, shop, personas):
    enrollment = enrollment_apply(offering=shop.molding_offering, trainee=personas.worker)  # polytechnic
    before = snapshot()
    response = api.post(f"/api/enrollments/{enrollment.pk}/approve", as_=personas.coordinator)
    assert response.status_code == 404
    assert response.json() == ENROLLMENT_NOT_FOUND
    assert snapshot() == before


def test_approving_twice_is_a_conflict(api, pending, personas):
    api.post(f"/api/enrollments/{pending.pk}/approve", as_=personas.coordinator)
    before = snapshot()
    response = api.post(f"/api/enrollments/{pending.pk}/approve", as_=personas.coordinator)
    assert response.status_code == 409
    assert response.json() == {
        "code": "already_decided",
        "message": "이미 처리된 신청입니다(승인). / This application was already decided (승인).",
    }
    assert snapshot() == before


# Reject ------------------------------------------------------------------------------------------


def test_reject_with_a_reason(api, pending, personas):
    response = api.post(
        f"/api/enrollments/{pending.pk}/reject", as_=personas.coordinator, body={"reason": "선수 과목 미이수"}
    )
    assert response.status_code == 200
    pending.refresh_from_db()
    assert (pending.status, pending.reason, pending.decided_by) == (
        Status.REJECTED,
        "선수 과목 미이수",
        personas.coordinator,
    )
    assert response.json() == enrollment_json(pending)


def test_rejecting_an_approved_enrollment_gives_the_seat_to_the_waitlist(api, shop, personas):
    first = enrollment_apply(offering=shop.robot_offering, trainee=personas.worker)
    Offering.objects.filter(pk=shop.robot_offering.pk).update(capacity=1)
    enrollment_approve(enrollment=first, by=personas.coordinator)
    waiting = enrollment_apply(offering=shop.robot_offering, trainee=personas.student)
    assert waiting.status == Status.WAITLISTED

    response = api.post(f"/api/enrollments/{first.pk}/reject", as_=personas.coordinator, body={"reason": "중복"})
    assert response.status_code == 200
    waiting.refresh_from_db()
    assert waiting.status == Status.APPROVED
    shop.robot_offering.refresh_from_db()
    assert shop.robot_offering.approved_count == 1


@pytest.mark.parametrize(
    ("raw", "status", "code"),
    [
        ('{"reason": "   "}', 400, "reason_required"),
        ("{}", 422, "invalid"),
        ('{"reason": 5}', 422, "invalid"),
        ('{"reason": "' + "가" * 301 + '"}', 422, "invalid"),
        ('{"reason": "x"', 422, "invalid"),
    ],
)
def test_a_bad_rejection_changes_nothing(api, pending, personas, raw, status, code):
    before = snapshot()
    response = api.post(f"/api/enrollments/{pending.pk}/reject", as_=personas.coordinator, raw=raw)
    assert response.status_code == status
    assert response.json()["code"] == code
    assert snapshot() == before


def test_reject_blank_reason_message(api, pending, personas):
    empty = api.post(f"/api/enrollments/{pending.pk}/reject", as_=personas.coordinator, body={"reason": ""})
    assert (empty.status_code, empty.json()["code"]) == (422, "invalid")  # the schema's minimum length
    response = api.post(f"/api/enrollments/{pending.pk}/reject", as_=personas.coordinator, body={"reason": "  "})
    assert response.json() == {
        "code": "reason_required",
        "message": "반려 사유를 입력하세요. / A reason is required to reject.",
    }


@pytest.mark.parametrize("who", ["manager", "instructor", "worker"])
def test_reject_is_denied_to_others(api, pending, personas, who):
    before = snapshot()
    response = api.post(f"/api/enrollments/{pending.pk}/reject", as_=getattr(personas, who), body={"reason": "x"})
    assert response.status_code == 403
    assert response.json() == FORBIDDEN
    assert snapshot() == before


# Cancel ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["worker", "coordinator", "admin"])
def test_cancel_own_or_managed(api, pending, personas, who):
    response = api.post(f"/api/enrollments/{pending.pk}/cancel", as_=getattr(personas, who))
    assert response.status_code == 200
    pending.refresh_from_db()
    assert pending.status == Status.CANCELLED
    assert response.json() == enrollment_json(pending)


@pytest.mark.parametrize(
    ("who", "status", "body"),
    [
        ("worker_b", 404, ENROLLMENT_NOT_FOUND),
        ("student", 404, ENROLLMENT_NOT_FOUND),
        ("manager_b", 404, ENROLLMENT_NOT_FOUND),
        ("manager", 403, FORBIDDEN),  # sees their worker's enrollment, may not cancel it
        ("instructor", 403, FORBIDDEN),
    ],
)
def test_cancel_is_denied_to_others(api, pending, personas, who, status, body):
    before = snapshot()
    response = api.post(f"/api/enrollments/{pending.pk}/cancel", as_=getattr(personas, who))
    assert response.status_code == status
    assert response.json() == body
    assert snapshot() == before


def test_cancelling_twice_is_a_conflict(api, pending, personas):
    api.post(f"/api/enrollments/{pending.pk}/cancel", as_=personas.worker)
    before = snapshot()
    response = api.post(f"/api/enrollments/{pending.pk}/cancel", as_=personas.worker)
    assert response.status_code == 409
    assert response.json() == {
        "code": "not_cancellable",
        "message": "취소할 수 없는 상태입니다. / This enrollment cannot be cancelled.",
    }
    assert snapshot() == before


# List and detail ---------------------------------------------------------------------------------


@pytest.fixture
def three(shop, personas) -> dict[str, Enrollment]:
    return {
        "worker": enrollment_apply(offering=shop.robot_offering, trainee=personas.worker),
        "worker_b": enrollment_apply(offering=shop.molding_offering, trainee=personas.worker_b),
        "student": enrollment_apply(offering=shop.robot_offering, trainee=personas.student),
    }


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("admin", ["worker", "worker_b", "student"]),
        ("worker", ["worker"]),
        ("worker2", []),
        ("student", ["student"]),
        ("manager", ["worker"]),
        ("manager_b", ["worker_b"]),
        ("coordinator", ["worker", "student"]),  # the lead university's robot offering
        ("instructor", ["worker", "student"]),  # teaches the robot offering
    ],
)
def test_list_is_scoped(api, three, personas, who, expected):
    response = api.get("/api/enrollments", as_=getattr(personas, who))
    assert response.status_code == 200
    assert response.json() == {"items": [enrollment_json(three[k]) for k in expected], "count": len(expected)}


def test_list_anonymous_is_401(api, three):
    assert api.get("/api/enrollments").status_code == 401


def test_list_filters(api, three, shop, personas):
    enrollment_approve(enrollment=three["student"], by=personas.coordinator)

    def ids(**params):
        response = api.get("/api/enrollments", as_=personas.admin, **params)
        assert response.status_code == 200, response.content
        return [e["id"] for e in response.json()["items"]]

    assert ids(offering=shop.molding_offering.pk) == [three["worker_b"].pk]
    assert ids(status="approved") == [three["student"].pk]
    assert ids(status="pending", offering=shop.robot_offering.pk) == [three["worker"].pk]
    assert ids(status="pending", offering=shop.molding_offering.pk) == [three["worker_b"].pk]
    assert api.get("/api/enrollments", as_=personas.admin, status="accepted").status_code == 422
    assert api.get("/api/enrollments", as_=personas.admin, offering="x").status_code == 422


@pytest.mark.parametrize("who", ["admin", "instructor", "manager"])
def test_list_query_count_is_constant(api, shop, personas, who):
    caller = getattr(personas, who)
    workers = [personas.worker, personas.worker2] + [make_worker(i, personas.company_a) for i in range(8)]
    for w in workers[:2]:
        enrollment_apply(offering=shop.robot_offering, trainee=w)
    api.get("/api/enrollments", as_=caller)
    with CaptureQueriesContext(connection) as two:
        assert api.get("/api/enrollments", as_=caller).json()["count"] == 2
    for w in workers[2:]:
        enrollment_apply(offering=shop.robot_offering, trainee=w)
    with CaptureQueriesContext(connection) as ten:
        assert api.get("/api/enrollments", as_=caller).json()["count"] == 10
    assert len(two) == len(ten) == 6  # token, roles, page keys, page, count, access log


def test_detail(api, three, personas):
    e = three["worker"]
    for who in ("worker", "manager", "coordinator", "instructor", "admin"):
        response = api.get(f"/api/enrollments/{e.pk}", as_=getattr(personas, who))
        assert response.status_code == 200, who
        assert response.json() == enrollment_json(e)


def _logged():
    return list(PersonalDataAccess.objects.order_by("id").values_list("viewer_id", "purpose", "subject_ids"))


def test_list_logs_the_trainees_on_the_page_served(api, three, personas):
    admin = personas.admin
    api.get("/api/enrollments", as_=admin)
    api.get("/api/enrollments", as_=admin, limit=1, offset=1)
    api.get("/api/enrollments", as_=admin, offset=10)  # an empty page
    everyone = sorted([personas.worker.pk, personas.worker_b.pk, personas.student.pk])
    assert _logged() == [
        (admin.pk, "api_enrollments", everyone),
        (admin.pk, "api_enrollments", [personas.worker_b.pk]),
    ]


def test_list_of_ones_own_enrollments_logs_nothing(api, three, personas):
    assert api.get("/api/enrollments", as_=personas.worker).json()["count"] == 1
    assert api.get("/api/enrollments", as_=personas.worker2).json()["count"] == 0
    assert _logged() == []


def test_detail_logs_the_trainee_for_others_only(api, three, personas):
    e = three["worker"]
    api.get(f"/api/enrollments/{e.pk}", as_=personas.worker)
    api.get(f"/api/enrollments/{e.pk}", as_=personas.manager)
    api.get(f"/api/enrollments/{e.pk}", as_=personas.manager_b)  # 404: nothing shown
    assert _logged() == [(personas.manager.pk, "api_enrollment", [personas.worker.pk])]


@pytest.mark.parametrize("who", ["worker2", "worker_b", "student", "manager_b"])
def test_detail_is_404_for_others(api, three, personas, who):
    response = api.get(f"/api/enrollments/{three['worker'].pk}", as_=getattr(personas, who))
    assert response.status_code == 404
    assert response.json() == ENROLLMENT_NOT_FOUND


def test_a_page_far_into_the_list_has_the_rows_of_that_offset_in_order(api, personas, catalog):
    """Pages are read as keys first, then rows: the same items, in the list's order, as one query."""
    enrollment_apply(offering=catalog.robot_offering, trainee=personas.worker)
    enrollment_apply(offering=catalog.molding_offering, trainee=personas.worker)
    enrollment_apply(offering=catalog.robot_offering, trainee=personas.student)
    expected = list(Enrollment.objects.order_by("created_at", "id").values_list("id", flat=True))
    pages = [api.get("/api/enrollments", as_=personas.admin, limit=2, offset=offset).json() for offset in (0, 2, 4)]
    assert [[item["id"] for item in page["items"]] for page in pages] == [expected[:2], expected[2:], []]
    assert [page["count"] for page in pages] == [3, 3, 3]


def test_pages_of_plain_lists_and_values_querysets_are_sliced_as_before(personas, catalog, rf):
    from sanhak.api.schemas import Pagination
    from sanhak.courses.models import Course

    paginator = Pagination()
    page = Pagination.Input(limit=2, offset=1)
    request = rf.get("/")
    codes = list(Course.objects.order_by("code").values_list("code", flat=True))
    rows = Course.objects.order_by("code").values("code")
    assert list(paginator.paginate_queryset(rows, page, request)["items"]) == [{"code": c} for c in codes[1:3]]
    assert paginator.paginate_queryset(codes, page, request) == {"items": codes[1:3], "count": len(codes)}
    models = paginator.paginate_queryset(Course.objects.order_by("code"), page, request)
    assert [c.code for c in models["items"]] == codes[1:3]
