"""The learning and certificate API endpoints: allowed and denied callers; denials change nothing."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from sanhak.api.tests.conftest import Api
from sanhak.common.models import PersonalDataAccess
from sanhak.credentials.models import IssuedCredential
from sanhak.learning import services
from sanhak.learning.models import LessonProgress
from sanhak.learning.tests.factories import classroom_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(db):  # type: ignore[no-untyped-def]
    return Api()


@pytest.fixture
def room(personas, catalog):  # type: ignore[no-untyped-def]
    return classroom_create(personas, catalog)


def test_progress_api_for_staff_and_the_workers_manager(api, personas, room):
    worker = room.offering.enrollments.get(trainee=personas.worker)
    services.lesson_complete(enrollment=worker, lesson=room.text)
    url = f"/api/learning/offerings/{room.offering.pk}/progress"
    rows = api.get(url, as_=personas.instructor).json()
    assert sorted(r["name"] for r in rows) == sorted([personas.student.name, personas.worker.name])
    mine = api.get(url, as_=personas.manager).json()
    assert [(r["name"], r["lessons_done"], r["lessons_required"]) for r in mine] == [(personas.worker.name, 1, 2)]
    assert mine[0]["attendance_percent"] == 0.0  # last week's session held, not attended
    assert mine[0]["quiz_average"] == 0.0
    assert PersonalDataAccess.objects.filter(
        purpose="learning_progress_api", viewer=personas.manager
    ).get().subject_ids == [personas.worker.pk]


def test_progress_api_denied(api, personas, room):
    url = f"/api/learning/offerings/{room.offering.pk}/progress"
    assert api.get(url).status_code == 401
    assert api.get(url, as_=personas.manager_b).status_code == 403
    assert api.get(url, as_=personas.student).status_code == 403
    assert api.get("/api/learning/offerings/999999/progress", as_=personas.instructor).status_code == 404
    assert not PersonalDataAccess.objects.exists()


@pytest.fixture
def issued(personas, room):  # type: ignore[no-untyped-def]
    student = room.offering.enrollments.get(trainee=personas.student)
    for lesson in (room.text, room.video):
        LessonProgress.objects.create(lesson=lesson, enrollment=student, completed_at="2026-11-01T10:00:00+09:00")
    attempt = services.quiz_attempt_start(enrollment=student, quiz=room.quiz)
    correct = room.q1.choices.get(is_correct=True)
    services.quiz_attempt_submit(attempt=attempt, answers={room.q1.pk: str(correct.pk), room.q2.pk: "MES"})
    type(room.offering).objects.filter(pk=room.offering.pk).update(
        end_date=room.offering.end_date - dt.timedelta(days=1)
    )
    room.offering.refresh_from_db()
    services.completions_decide(offering=room.offering)
    return IssuedCredential.objects.get(recipient=personas.student)


def test_my_credentials_api(api, personas, issued):
    rows = api.get("/api/credentials/mine", as_=personas.student).json()
    assert rows == [
        {
            "id": str(issued.pk),
            "certificate_number": issued.certificate_number,
            "name": "산업용 로봇 운용",
            "issuer": "인천대학교",
            "issued": issued.document["validFrom"][:10],
            "revoked": False,
            "shared": False,
            "public_url": f"/credentials/verify/{issued.pk}/",
            "pdf_url": f"/credentials/{issued.pk}/certificate.pdf",
            "json_url": f"/credentials/{issued.pk}/credential.json",
        }
    ]
    assert api.get("/api/credentials/mine", as_=personas.worker).json() == []
    assert api.get("/api/credentials/mine").status_code == 401


def test_revoke_api_by_the_coordinator_only(api, personas, issued):
    url = f"/api/credentials/{issued.pk}/revoke"
    for user in (personas.student, personas.instructor, personas.manager):
        response = api.post(url, as_=user, body={"reason": "?"})
        assert response.status_code == 403
    assert api.post(url, body={"reason": "?"}).status_code == 401
    assert api.post(url, as_=personas.coordinator, body={"reason": ""}).status_code == 422
    issued.status_entry.refresh_from_db()
    assert issued.status_entry.revoked is False
    done = api.post(url, as_=personas.coordinator, body={"reason": "부정 응시"})
    assert done.status_code == 200
    assert done.json()["revoked"] is True
    verdict = api.post("/api/credentials/verify", raw=json.dumps(issued.document))
    assert verdict.json() == {"valid": False, "reason": "revoked"}
    missing = api.post(
        "/api/credentials/00000000-0000-0000-0000-000000000000/revoke", as_=personas.coordinator, body={"reason": "x"}
    )
    assert missing.status_code == 404
