"""Every way to see another person's data is logged (PIPA), including the admin's search-as-you-type
answers, a record's history, delete and password pages, and the answers of the API's decisions."""

from __future__ import annotations

from django.urls import reverse

from sanhak.api.tests.conftest import Api
from sanhak.common.models import PersonalDataAccess
from sanhak.enrollment.services import enrollment_apply


def logged(purpose: str) -> list[tuple[int, list[int]]]:
    return list(PersonalDataAccess.objects.filter(purpose=purpose).values_list("viewer_id", "subject_ids"))


def test_the_admins_autocomplete_of_people_is_logged(client, personas):
    client.force_login(personas.admin)
    params = {"app_label": "enrollment", "model_name": "enrollment", "field_name": "trainee", "term": "worker@"}
    response = client.get(reverse("admin:autocomplete"), params)
    assert response.status_code == 200
    ids = [int(r["id"]) for r in response.json()["results"]]
    assert personas.worker.pk in ids
    assert logged("admin_autocomplete_user") == [(personas.admin.pk, sorted(ids))]


def test_a_persons_history_delete_and_password_pages_are_logged(client, personas):
    client.force_login(personas.admin)
    pk = personas.worker.pk
    for name in ("accounts_user_history", "accounts_user_delete", "auth_user_password_change"):  # Django's names
        assert client.get(reverse(f"admin:{name}", args=[pk])).status_code == 200, name
    assert logged("admin_user") == [(personas.admin.pk, [pk])] * 3


def test_the_apis_decisions_log_whom_their_answer_names(personas, catalog, db):
    api = Api()
    e = enrollment_apply(offering=catalog.robot_offering, trainee=personas.worker)
    assert api.post(f"/api/enrollments/{e.pk}/approve", as_=personas.coordinator).status_code == 200
    assert logged("api_enrollment_approve") == [(personas.coordinator.pk, [personas.worker.pk])]
    assert api.post(f"/api/enrollments/{e.pk}/cancel", as_=personas.worker).status_code == 200
    assert logged("api_enrollment_cancel") == []  # the worker's own enrollment


def test_an_export_naming_thousands_keeps_every_person_findable(rf, personas):
    from sanhak.common.audit import naming, personal_data_viewed

    request = rf.get("/demand/rounds/1/?format=xlsx")
    request.user = personas.admin
    ids = [i for i in range(1, 2600) if i != personas.admin.pk][:2500]  # the viewer is never a subject
    personal_data_viewed(request=request, purpose="round_nonresponders", subject_ids=ids)
    rows = PersonalDataAccess.objects.filter(purpose="round_nonresponders").order_by("pk")
    assert [(r.subject_count, r.subject_ids) for r in rows] == [
        (1000, ids[:1000]),
        (1000, ids[1000:2000]),
        (500, ids[2000:]),
    ]
    assert naming(PersonalDataAccess.objects.all(), ids[-1]).count() == 1
