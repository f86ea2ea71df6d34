"""The API refuses a resident registration number in the free text it stores, like the pages."""

from __future__ import annotations

import pytest

from sanhak.enrollment.models import Enrollment, Status
from sanhak.enrollment.services import enrollment_apply

pytestmark = pytest.mark.django_db

RRN = "본인 확인 900101-1234567"


def test_reject_reason_with_an_rrn_is_a_422_and_changes_nothing(api, shop, personas):
    pending = enrollment_apply(offering=shop.robot_offering, trainee=personas.worker)
    response = api.post(f"/api/enrollments/{pending.pk}/reject", as_=personas.coordinator, body={"reason": RRN})
    assert response.status_code == 422
    body = response.json()
    assert (body["code"], body["detail"][0]["loc"]) == ("invalid", ["body", "payload", "reason"])
    assert "Do not enter a resident registration number." in body["detail"][0]["msg"]
    assert Enrollment.objects.get(pk=pending.pk).status == Status.PENDING
    ok = api.post(
        f"/api/enrollments/{pending.pk}/reject", as_=personas.coordinator, body={"reason": "연락처 010-1234-5678"}
    )
    assert ok.status_code == 200
