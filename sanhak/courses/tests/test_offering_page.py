"""The offering page's own part for a logged-in user: a company manager's workers (to nominate, or
already applied, with their status), a trainee's own application; exact values."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from sanhak.common import pagecache
from sanhak.common.models import PersonalDataAccess
from sanhak.enrollment.models import Enrollment, Status
from sanhak.enrollment.services import enrollment_apply, enrollment_nominate

pytestmark = pytest.mark.django_db

CHECKBOX = re.compile(r'name="trainees" value="(\d+)"> ([^<]+)</label>')


def test_a_manager_sees_whom_to_nominate_and_who_applied(client, personas, catalog):
    url = reverse("courses:offering", args=[catalog.robot_offering.pk])
    client.force_login(personas.manager)
    page = client.get(url).content.decode()  # by name
    assert CHECKBOX.findall(page) == [  # by name
        (str(personas.worker.pk), "오재직 (생산기술)"),
        (str(personas.worker2.pk), "윤현장 (설비보전)"),
    ]
    enrollment_nominate(offering=catalog.robot_offering, trainees=[personas.worker], by=personas.manager)
    page = client.get(url).content.decode()
    assert CHECKBOX.findall(page) == [(str(personas.worker2.pk), "윤현장 (설비보전)")]
    assert "이미 신청한 직원: 오재직 (승인 대기)" in page
    # a cancelled application is not active: the worker can be nominated again
    Enrollment.objects.filter(trainee=personas.worker).update(status=Status.CANCELLED)
    page = client.get(url).content.decode()
    assert len(CHECKBOX.findall(page)) == 2 and "이미 신청한 직원" not in page


def test_another_companys_manager_sees_only_their_own_workers(client, personas, catalog):
    client.force_login(personas.manager_b)
    page = client.get(reverse("courses:offering", args=[catalog.robot_offering.pk])).content.decode()
    assert CHECKBOX.findall(page) == [
        (str(personas.worker_b.pk), f"{personas.worker_b.name} ({personas.worker_b.trainee_profile.job_title or '-'})")
    ]


def test_each_view_of_the_workers_is_logged_also_when_served_from_the_cache(client, personas, catalog):
    pagecache.clear()
    url = reverse("courses:offering", args=[catalog.robot_offering.pk])
    client.force_login(personas.manager)
    assert client.get(url).templates  # rendered
    enrollment_nominate(offering=catalog.robot_offering, trainees=[personas.worker], by=personas.manager)
    client.get(url)
    assert not client.get(url).templates  # served from the page cache: still logged
    workers = sorted([personas.worker.pk, personas.worker2.pk])  # to nominate, or with their status
    logged = PersonalDataAccess.objects.order_by("id").values_list("viewer_id", "purpose", "subject_ids")
    assert list(logged) == [(personas.manager.pk, "offering_workers", workers)] * 3


def test_a_trainee_or_a_visitor_sees_nobody_else_and_nothing_is_logged(client, personas, catalog):
    url = reverse("courses:offering", args=[catalog.robot_offering.pk])
    client.get(url)
    client.force_login(personas.student)
    client.get(url)
    assert not PersonalDataAccess.objects.exists()


def test_a_trainee_sees_their_own_application(client, personas, catalog):
    url = reverse("courses:offering", args=[catalog.robot_offering.pk])
    client.force_login(personas.student)
    assert "내 신청 상태" not in client.get(url).content.decode()
    enrollment_apply(offering=catalog.robot_offering, trainee=personas.student)
    assert '내 신청 상태: <span class="badge">승인 대기</span>' in client.get(url).content.decode()


def test_an_unknown_offering_is_not_found(client, personas):
    client.force_login(personas.manager)
    assert client.get(reverse("courses:offering", args=[999_999])).status_code == 404
    assert client.get(f"/courses/offerings/{2**70}/").status_code == 404
