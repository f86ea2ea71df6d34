"""The OpenAPI schema and the interactive docs."""

from __future__ import annotations

from django.urls import reverse

PATHS = {
    "/api/courses": {"get"},
    "/api/courses/{code}": {"get"},
    "/api/offerings": {"get"},
    "/api/offerings/{offering_id}": {"get"},
    "/api/offerings/{offering_id}/apply": {"post"},
    "/api/offerings/{offering_id}/nominate": {"post"},
    "/api/companies": {"get"},
    "/api/companies/{company_id}": {"get"},
    "/api/companies/{company_id}/workers": {"get"},
    "/api/enrollments": {"get"},
    "/api/enrollments/{enrollment_id}": {"get"},
    "/api/enrollments/{enrollment_id}/approve": {"post"},
    "/api/enrollments/{enrollment_id}/reject": {"post"},
    "/api/enrollments/{enrollment_id}/cancel": {"post"},
    "/api/labs/equipment": {"get"},
    "/api/labs/free-slots": {"get"},
    "/api/labs/reservations": {"get", "post"},
    "/api/labs/reservations/{reservation_id}/cancel": {"post"},
    "/api/labs/reservations/{reservation_id}/approve": {"post"},
    "/api/labs/reservations/{reservation_id}/reject": {"post"},
    "/api/credentials/verify": {"post"},
    "/api/credentials/mine": {"get"},
    "/api/credentials/{credential_id}/revoke": {"post"},
    "/api/learning/offerings/{offering_id}/progress": {"get"},
}
PUBLIC = {
    "/api/courses",
    "/api/courses/{code}",
    "/api/offerings",
    "/api/offerings/{offering_id}",
    "/api/labs/equipment",
    "/api/labs/free-slots",
    "/api/credentials/verify",
}


def test_openapi_schema_lists_every_endpoint(client, db):
    assert reverse("api:openapi-json") == "/api/openapi.json"
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    schema = response.json()

    assert schema["info"]["title"] == "sanhak API"
    assert {path: set(ops) for path, ops in schema["paths"].items()} == PATHS
    assert set(schema["components"]["securitySchemes"]) == {"BearerToken", "SessionCookie"}
    assert schema["components"]["securitySchemes"]["BearerToken"]["scheme"] == "bearer"
    for path, ops in schema["paths"].items():
        for method, op in ops.items():
            assert op["summary"], (method, path)
            assert op["operationId"].isidentifier()
            security = op.get("security")
            if path in PUBLIC:
                assert security is None, path
            else:
                assert security == [{"BearerToken": []}, {"SessionCookie": []}], path


def test_error_responses_are_documented(client, db):
    schema = client.get("/api/openapi.json").json()
    assert set(schema["components"]["schemas"]["ErrorOut"]["properties"]) == {"code", "message", "detail"}
    nominate = schema["paths"]["/api/offerings/{offering_id}/nominate"]["post"]
    assert set(nominate["responses"]) == {"201", "400", "401", "403", "404", "409", "413", "422"}
    body_schema = nominate["requestBody"]["content"]["application/json"]["schema"]
    assert body_schema == {"$ref": "#/components/schemas/NominateIn"}


def test_errors_raised_before_an_operation_runs_are_documented_on_every_operation(client, db):
    """A NUL character is a 400 on any operation; a body too large a 413; invalid parameters or body a 422 where they are checked."""
    schema = client.get("/api/openapi.json").json()
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}
    without_input = set()
    for path, ops in schema["paths"].items():
        for method, op in ops.items():
            assert op["responses"]["400"]["content"] == error, (method, path)
            if "requestBody" in op:
                assert op["responses"]["413"]["content"] == error, (method, path)
            if "422" in op["responses"]:
                assert op["responses"]["422"]["content"] == error, (method, path)
            else:
                without_input.add(path)
    assert without_input == {"/api/credentials/mine", "/api/credentials/verify"}  # verify reads any body: 200 or 413
    assert client.get("/api/courses", {"q": "로봇\x00"}).json()["code"] == "invalid"


def test_list_endpoints_are_paginated(client, db):
    schema = client.get("/api/openapi.json").json()
    for path in (
        "/api/courses",
        "/api/offerings",
        "/api/companies",
        "/api/companies/{company_id}/workers",
        "/api/enrollments",
    ):
        names = {p["name"] for p in schema["paths"][path]["get"]["parameters"]}
        assert {"limit", "offset"} <= names, path


def test_docs_page(client, db):
    assert reverse("api:openapi-view") == "/api/docs"
    response = client.get("/api/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/api/openapi.json" in html
    # No CDN: Swagger UI comes from django-ninja's own static files (needs "ninja" in INSTALLED_APPS).
    assert "cdn.jsdelivr.net" not in html
    assert "/static/ninja/swagger-ui-bundle.js" in html


def test_an_unknown_api_path_is_a_json_404(client, db):
    for path in ("/api/course", "/api/courses/x/y/z", "/api/v2/offerings"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert response.json() == {"code": "not_found", "message": "찾을 수 없습니다. / Not found."}


def test_a_bug_is_still_answered_in_json(api, shop, personas, monkeypatch, caplog):
    def broken(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("sanhak.enrollment.services.enrollment_apply", broken)
    response = api.post(f"/api/offerings/{shop.robot_offering.pk}/apply", as_=personas.worker)
    assert response.status_code == 500
    assert response.json() == {
        "code": "server_error",
        "message": "서버 오류가 발생했습니다. / A server error occurred.",
    }
    assert "boom" in caplog.text
