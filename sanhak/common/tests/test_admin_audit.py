"""PIPA in Django's admin: lists and records of people are logged as viewed; the access log itself
cannot be added to, changed or deleted, not even by a superuser."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from sanhak.common.audit import personal_data_viewed
from sanhak.common.models import PersonalDataAccess
from sanhak.enrollment.services import enrollment_apply

pytestmark = pytest.mark.django_db


def rows() -> list[tuple]:
    return list(PersonalDataAccess.objects.order_by("id").values_list("viewer_id", "purpose", "subject_ids", "path"))


def test_admin_user_list_and_record_are_logged(client, personas):
    client.force_login(personas.admin)
    listing = client.get(reverse("admin:accounts_user_changelist"), {"q": "worker@sanhak.test"})
    assert listing.status_code == 200
    record = client.get(reverse("admin:accounts_user_change", args=[personas.worker.pk]))
    assert record.status_code == 200
    assert rows() == [
        (personas.admin.pk, "admin_user", [personas.worker.pk], "/admin/accounts/user/"),
        (personas.admin.pk, "admin_user", [personas.worker.pk], f"/admin/accounts/user/{personas.worker.pk}/change/"),
    ]


def test_admin_lists_log_the_people_of_their_rows(client, personas, catalog):
    enrollment_apply(offering=catalog.robot_offering, trainee=personas.worker)
    enrollment_apply(offering=catalog.molding_offering, trainee=personas.worker)
    enrollment_apply(offering=catalog.robot_offering, trainee=personas.student)
    client.force_login(personas.admin)
    assert client.get(reverse("admin:enrollment_enrollment_changelist")).status_code == 200
    people = sorted([personas.worker.pk, personas.student.pk])
    assert rows() == [(personas.admin.pk, "admin_enrollment", people, "/admin/enrollment/enrollment/")]


def test_an_admin_page_showing_nobody_else_writes_nothing(client, personas):
    client.force_login(personas.admin)
    assert client.get(reverse("admin:enrollment_enrollment_changelist")).status_code == 200
    assert client.get(reverse("admin:accounts_user_change", args=[personas.admin.pk])).status_code == 200
    assert rows() == []


def test_the_access_log_is_read_only_in_the_admin(client, personas, rf):
    request = rf.get("/")
    request.user = personas.coordinator
    personal_data_viewed(request=request, purpose="roster", subject_ids=[personas.worker.pk])
    entry = PersonalDataAccess.objects.get()
    client.force_login(personas.admin)  # a superuser
    assert client.get(reverse("admin:common_personaldataaccess_changelist")).status_code == 200
    assert client.get(reverse("admin:common_personaldataaccess_add")).status_code == 403
    assert (
        client.post(reverse("admin:common_personaldataaccess_delete", args=[entry.pk]), {"post": "yes"}).status_code
        == 403
    )
    bulk = client.post(
        reverse("admin:common_personaldataaccess_changelist"),
        {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"},
    )
    assert bulk.status_code == 200  # no delete action offered: the list again
    assert PersonalDataAccess.objects.filter(pk=entry.pk).exists()


def test_the_access_log_list_filters_by_period_and_searches_by_viewer(client, personas, rf):
    for viewer in (personas.coordinator, personas.manager):
        request = rf.get("/x/", REMOTE_ADDR="203.0.113.9")
        request.user = viewer
        personal_data_viewed(request=request, purpose="roster", subject_ids=[personas.worker.pk])
    client.force_login(personas.admin)
    url = reverse("admin:common_personaldataaccess_changelist")
    found = client.get(url, {"q": "coordinator@sanhak.test"})
    assert [r.viewer_id for r in found.context["cl"].result_list] == [personas.coordinator.pk]
    midnight = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    today = client.get(url, {"created_at__gte": str(midnight)})  # the filter's "오늘" (today) link
    assert sorted(r.viewer_id for r in today.context["cl"].result_list) == sorted(
        [personas.coordinator.pk, personas.manager.pk, personas.admin.pk]  # the admin's search was logged too
    )
    assert "203.0.113.9" in today.content.decode()


def test_searching_a_persons_email_finds_who_viewed_their_data(client, personas, rf):
    def view(viewer, purpose, subjects):
        request = rf.get("/x/")
        request.user = viewer
        personal_data_viewed(request=request, purpose=purpose, subject_ids=subjects)

    view(personas.coordinator, "roster", [personas.worker.pk, personas.student.pk])
    view(personas.manager, "company_workers", [personas.worker.pk, personas.worker2.pk])
    view(personas.coordinator, "roster", [personas.student.pk])
    client.force_login(personas.admin)
    url = reverse("admin:common_personaldataaccess_changelist")
    found = client.get(url, {"q": "WORKER@sanhak.test"})
    assert sorted((r.viewer_id, r.purpose) for r in found.context["cl"].result_list) == sorted(
        [(personas.coordinator.pk, "roster"), (personas.manager.pk, "company_workers")]
    )
    # as a viewer too: the rows the coordinator wrote, and the admin's search above, which showed them
    by_viewer = client.get(url, {"q": "coordinator@sanhak.test"})
    assert [r.viewer_id for r in by_viewer.context["cl"].result_list] == [personas.admin.pk] + [
        personas.coordinator.pk
    ] * 2


def test_the_purpose_filter_lists_the_recent_purposes_and_filters(client, personas, rf):
    request = rf.get("/x/")
    request.user = personas.coordinator
    personal_data_viewed(request=request, purpose="roster", subject_ids=[personas.worker.pk])
    personal_data_viewed(request=request, purpose="attendance", subject_ids=[personas.worker.pk])
    old = PersonalDataAccess.objects.create(
        viewer=personas.manager, purpose="long_ago", subject_count=1, subject_ids=[personas.worker.pk], path="/y/"
    )
    PersonalDataAccess.objects.filter(pk=old.pk).update(created_at=timezone.now() - timezone.timedelta(days=40))
    client.force_login(personas.admin)
    url = reverse("admin:common_personaldataaccess_changelist")
    listing = client.get(url)
    purposes = next(f for f in listing.context["cl"].filter_specs if getattr(f, "parameter_name", "") == "purpose")
    assert [value for value, _label in purposes.lookup_choices] == ["attendance", "roster"]
    filtered = client.get(url, {"purpose": "attendance"})
    assert [r.purpose for r in filtered.context["cl"].result_list] == ["attendance"]


def test_reading_the_access_log_is_logged_in_turn(client, personas, rf):
    request = rf.get("/x/")
    request.user = personas.coordinator
    personal_data_viewed(request=request, purpose="roster", subject_ids=[personas.worker.pk, personas.student.pk])
    entry = PersonalDataAccess.objects.get()
    client.force_login(personas.admin)
    assert client.get(reverse("admin:common_personaldataaccess_changelist")).status_code == 200
    assert client.get(reverse("admin:common_personaldataaccess_change", args=[entry.pk])).status_code == 200
    logged = PersonalDataAccess.objects.filter(viewer=personas.admin).order_by("pk")
    assert [(r.purpose, r.subject_ids) for r in logged] == [
        ("admin_personaldataaccess", [personas.coordinator.pk]),  # the list shows who viewed
        ("admin_personaldataaccess", sorted([personas.coordinator.pk, personas.worker.pk, personas.student.pk])),
    ]


def test_reading_the_access_log_is_denied_to_a_coordinator_and_logs_nothing(client, personas, rf):
    request = rf.get("/x/")
    request.user = personas.manager
    personal_data_viewed(request=request, purpose="company_workers", subject_ids=[personas.worker.pk])
    client.force_login(personas.coordinator)
    response = client.get(reverse("admin:common_personaldataaccess_changelist"))
    assert response.status_code in (302, 403)
    assert list(PersonalDataAccess.objects.values_list("viewer_id", "purpose")) == [
        (personas.manager.pk, "company_workers")
    ]
