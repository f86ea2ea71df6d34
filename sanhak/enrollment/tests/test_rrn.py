"""A rejection reason with a resident registration number in it is refused and changes nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sanhak.enrollment.forms import RejectForm
from sanhak.enrollment.models import Enrollment, Status
from sanhak.enrollment.services import enrollment_apply

pytestmark = pytest.mark.django_db

RRN_ERROR = "주민등록번호는 입력할 수 없습니다. / Do not enter a resident registration number."


def snapshot():
    return sorted(Enrollment.objects.values_list("id", "status", "reason", "decided_by"))


def test_reject_form_refuses_an_rrn():
    form = RejectForm({"reason": "본인 확인 900101-1234567 불일치"})
    assert form.errors == {"reason": [RRN_ERROR]}
    assert RejectForm({"reason": "연락처 010-1234-5678 불통"}).is_valid()


def test_roster_reject_with_an_rrn_in_the_reason_changes_nothing(client, personas, catalog):
    e = enrollment_apply(offering=catalog.robot_offering, trainee=personas.worker)
    before = snapshot()
    client.force_login(personas.coordinator)
    response = client.post(reverse("enrollment:reject", args=[e.pk]), {"reason": "주민번호 9001011234567"}, follow=True)
    assert response.status_code == 200
    body = response.content.decode()
    assert (
        "주민등록번호는 입력할 수 없습니다. / Do not enter a resident registration number." in body
    )  # the reason, not "missing"
    assert "반려 사유를 입력하세요" not in body
    assert snapshot() == before
    e.refresh_from_db()
    assert (e.status, e.reason) == (Status.PENDING, "")
