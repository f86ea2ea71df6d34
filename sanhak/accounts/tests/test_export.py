"""PIPA: a person's export of their own record holds what the platform keeps about them, and who
else viewed it."""

from __future__ import annotations

import json

import pytest
from django.test import RequestFactory
from django.urls import reverse

from sanhak.accounts.tokens import api_token_create
from sanhak.common.audit import personal_data_viewed
from sanhak.common.notifications import notification_send
from sanhak.enrollment.services import enrollment_apply, enrollment_reject

pytestmark = pytest.mark.django_db


def viewed(viewer, subjects, purpose):  # type: ignore[no-untyped-def]
    request = RequestFactory().get("/enrollment/offerings/1/roster/")
    request.user = viewer
    personal_data_viewed(request=request, purpose=purpose, subject_ids=subjects)


def test_export_holds_the_record_and_who_viewed_it(client, personas, catalog):
    worker = personas.worker
    rejected = enrollment_apply(offering=catalog.molding_offering, trainee=worker)
    enrollment_reject(enrollment=rejected, by=personas.coordinator, reason="정원 초과")
    enrollment_apply(offering=catalog.robot_offering, trainee=worker)
    notification_send(user=worker, message="안내", url="/enrollment/my/")
    api_token_create(user=worker, name="엑셀 연동")
    viewed(personas.coordinator, [personas.student.pk, worker.pk], "roster")
    viewed(personas.coordinator, [personas.student.pk], "roster")  # not about the worker
    viewed(personas.manager, [worker.pk], "company_workers")

    client.force_login(worker)
    record = json.loads(client.get(reverse("accounts:export")).content)

    assert [(e["course_code"], e["status"], e["source"], e["reason"]) for e in record["enrollments"]] == [
        ("KP-INJ-110", "rejected", "application", "정원 초과"),
        ("INU-ROB-201", "pending", "application", ""),
    ]
    assert [(n["message"], n["url"]) for n in record["notifications"]][-1] == ("안내", "/enrollment/my/")
    assert [(t["name"], t["revoked_at"]) for t in record["api_tokens"]] == [("엑셀 연동", None)]
    assert [(v["viewer"], v["purpose"]) for v in record["viewed_by_others"]] == [
        (personas.coordinator.name, "roster"),
        (personas.manager.name, "company_workers"),
    ]
    for section in (
        "lesson_progress",
        "quiz_attempts",
        "attendance",
        "attendance_changes",
        "completions",
        "certificates",
        "lab_reservations",
        "lab_training_records",
    ):
        assert record[section] == [], section
    assert "token_hash" not in json.dumps(record)
