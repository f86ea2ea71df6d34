"""Malformed or hostile requests get a JSON 4xx and change nothing, never a 500 and never the site's HTML
pages (what fuzzing the API with schemathesis and by hand found)."""

from __future__ import annotations

import json
import unicodedata

import pytest
from django.test import Client

from sanhak.api.tests.test_enrollment_api import snapshot
from sanhak.common.models import Notification
from sanhak.enrollment.models import Enrollment, Status
from sanhak.enrollment.services import enrollment_apply

NUL_MESSAGE = "요청에 허용되지 않는 문자(NUL)가 있습니다. / The request contains a NUL character, which is not allowed."


@pytest.fixture
def pending(shop, personas) -> Enrollment:
    return enrollment_apply(offering=shop.robot_offering, trainee=personas.worker)


def test_a_nul_inside_a_json_string_is_a_400_and_changes_nothing(api, pending, personas):
    before = snapshot()
    for raw in ('{"reason": "a\\u0000b"}', '{"reason": "a\\\\\\u0000b"}'):  # \u0000, and \\ then \u0000
        response = api.post(f"/api/enrollments/{pending.pk}/reject", as_=personas.coordinator, raw=raw)
        assert (response.status_code, response.json()) == (400, {"code": "invalid", "message": NUL_MESSAGE})
    assert snapshot() == before


def test_an_escaped_backslash_before_u0000_is_plain_text(api, pending, personas):
    raw = '{"reason": "경로 C:\\\\u0000 확인"}'  # the text has a backslash, then "u0000": no NUL
    response = api.post(f"/api/enrollments/{pending.pk}/reject", as_=personas.coordinator, raw=raw)
    assert response.status_code == 200
    pending.refresh_from_db()
    assert (pending.status, pending.reason) == (Status.REJECTED, "경로 C:\\u0000 확인")


def test_the_longest_reason_reaches_the_notification_whole(api, pending, personas):
    reason = "가" * 300  # quoted twice (Korean and English) in the notification: more than 500 characters
    response = api.post(f"/api/enrollments/{pending.pk}/reject", as_=personas.coordinator, body={"reason": reason})
    assert response.status_code == 200
    [told] = Notification.objects.filter(user=personas.worker)
    assert told.message.count(reason) == 2


def test_json_nested_thousands_deep_is_invalid_not_a_crash(api, pending, personas):
    deep = "[" * 5000 + "]" * 5000
    before = snapshot()
    response = api.post(f"/api/enrollments/{pending.pk}/reject", as_=personas.coordinator, raw=deep)
    assert (response.status_code, response.json()["code"]) == (422, "invalid")
    assert response.json()["detail"] == [{"loc": ["body"], "msg": "nested too deeply", "type": "json_invalid"}]
    assert snapshot() == before
    verify = api.post("/api/credentials/verify", raw=deep)
    assert (verify.status_code, verify.json()["valid"]) == (200, False)


def test_a_body_over_the_limit_is_a_413(api, pending, personas, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    before = snapshot()
    body = {"reason": "x" * 2000}
    for path in (f"/api/enrollments/{pending.pk}/reject", "/api/credentials/verify"):
        response = api.post(path, as_=personas.coordinator, body=body)
        assert (response.status_code, response.json()) == (
            413,
            {"code": "too_large", "message": "요청 본문이 너무 큽니다. / The request body is too large."},
        )
    assert snapshot() == before


def test_head_is_answered_as_get_without_the_body(api, personas, shop):
    get = api.client.get("/api/courses")
    head = api.client.head("/api/courses")
    assert (head.status_code, head["Content-Type"], head.content) == (200, get["Content-Type"], b"")
    assert head["Content-Length"] == get["Content-Length"] == str(len(get.content))
    # the same checks as GET: a caller without a token is refused, and a path that takes only POST says so
    refused = api.client.head("/api/companies")
    assert (refused.status_code, refused["Content-Type"]) == (401, "application/json; charset=utf-8")
    post_only = api.client.head(f"/api/offerings/{shop.robot_offering.pk}/nominate")
    assert (post_only.status_code, post_only["Allow"]) == (405, "POST")


def test_options_names_the_methods_a_path_takes(api, personas, shop):
    listed = api.client.options("/api/courses")
    assert (listed.status_code, listed["Allow"], listed.content) == (204, "GET, HEAD, OPTIONS", b"")
    nominate = api.client.options(f"/api/offerings/{shop.robot_offering.pk}/nominate")
    assert (nominate.status_code, nominate["Allow"]) == (204, "POST, OPTIONS")
    missing = api.client.options("/api/no-such-thing")
    assert (missing.status_code, missing.json()["code"]) == (404, "not_found")


def test_too_many_query_parameters_is_a_json_400(api):
    response = api.client.get("/api/courses?" + "&".join(["a=1"] * 1001))
    assert response.status_code == 400
    assert response.json() == {"code": "invalid", "message": "요청 내용이 올바르지 않습니다. / The request is invalid."}


def test_a_method_the_path_does_not_take_is_a_json_405(api, personas):
    response = api.client.delete("/api/courses")
    assert (response.status_code, response["Content-Type"], response["Allow"]) == (
        405,
        "application/json",
        "GET, HEAD",
    )
    assert response.json() == {
        "code": "method_not_allowed",
        "message": "이 주소에서 허용되지 않는 요청 방식입니다. / This method is not allowed here.",
    }
    english = api.client.delete("/api/courses", headers={"Accept-Language": "en"})
    assert english.json()["message"] == "This method is not allowed here."


def test_api_root_and_csrf_refusals_are_json(personas, db):
    client = Client(enforce_csrf_checks=True)
    root = client.get("/api/")
    assert (root.status_code, root.json()["code"]) == (404, "not_found")
    client.force_login(personas.coordinator)
    refused = client.post("/api/openapi.json", "{}", content_type="application/json")
    assert (refused.status_code, refused.json()["code"]) == (403, "csrf_failed")
    page = client.get("/no/such/page/")  # the site's own pages keep their HTML
    assert (page.status_code, page["Content-Type"]) == (404, "text/html; charset=utf-8")


def test_decomposed_korean_finds_what_composed_korean_finds(api, shop, personas):
    nfd = unicodedata.normalize("NFD", "로봇")
    assert nfd != "로봇"
    composed = [c["code"] for c in api.get("/api/courses", q="로봇").json()["items"]]
    assert composed and [c["code"] for c in api.get("/api/courses", q=nfd).json()["items"]] == composed
    name = personas.company_a.name[-2:]
    found = api.get("/api/companies", as_=personas.admin, q=unicodedata.normalize("NFD", name)).json()
    assert personas.company_a.pk in [c["id"] for c in found["items"]]


def test_the_schema_names_one_reason_body_and_plain_local_times(client, db):
    schema = json.loads(client.get("/api/openapi.json").content)
    components = schema["components"]["schemas"]
    assert "ReasonIn" in components and "RejectIn" not in components and "RevokeIn" not in components
    assert (
        components["SessionOut"]["properties"]["start_time"]["pattern"] == "^([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]$"
    )
    verify = schema["paths"]["/api/credentials/verify"]["post"]
    assert verify["requestBody"]["content"]["application/json"]["schema"]["type"] == "object"
