"""Each role's home page shows its own panel."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sanhak.enrollment.services import enrollment_apply

pytestmark = pytest.mark.django_db


def test_anonymous_home(client):
    body = client.get(reverse("home")).content.decode()
    assert "현장맞춤형 스마트제조 인력양성" in body


@pytest.mark.parametrize(
    ("who", "expected", "absent"),
    [
        ("admin", "사업 현황", "운영 중인 강좌"),
        ("coordinator", "운영 중인 강좌", "사업 현황"),
        ("instructor", "담당 강좌", "사업 현황"),
        ("manager", "(주)남동정밀", "사업 현황"),
        ("worker", "내 강좌", "사업 현황"),
    ],
)
def test_role_dashboards(client, personas, catalog, who, expected, absent):
    enrollment_apply(offering=catalog.robot_offering, trainee=personas.worker)
    client.force_login(getattr(personas, who))
    body = client.get(reverse("home")).content.decode()
    assert expected in body
    assert absent not in body


def test_coordinator_dashboard_counts_pending(client, personas, catalog):
    enrollment_apply(offering=catalog.robot_offering, trainee=personas.worker)
    client.force_login(personas.coordinator)
    assert "승인 대기 1건" in client.get(reverse("home")).content.decode()


def test_english_interface(client, personas):
    client.cookies.load({"django_language": "en"})
    body = client.get(reverse("courses:catalog")).content.decode()
    assert 'lang="en"' in body
