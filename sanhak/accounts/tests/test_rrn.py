"""No resident registration number in a person's name or phone number; phone numbers checked."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sanhak.accounts.models import User

pytestmark = pytest.mark.django_db

RRN_ERROR = "주민등록번호는 입력할 수 없습니다. / Do not enter a resident registration number."
PHONE_ERROR = "전화번호 형식이 올바르지 않습니다(예: 010-1234-5678). / Enter a valid phone number."


def people():
    return sorted(User.objects.values_list("id", "name", "phone"))


@pytest.mark.parametrize(
    ("data", "field", "errors"),
    [
        ({"name": "오재직 900101-1234567", "phone": "010-1234-5678"}, "name", [RRN_ERROR]),
        ({"name": "오재직", "phone": "9001011234567"}, "phone", [RRN_ERROR, PHONE_ERROR]),
        ({"name": "오재직", "phone": "900101-1234567"}, "phone", [RRN_ERROR, PHONE_ERROR]),
        ({"name": "오재직", "phone": "1588-1234"}, "phone", [PHONE_ERROR]),
    ],
)
def test_profile_refuses_an_rrn_and_a_bad_phone(client, personas, data, field, errors):
    before = people()
    client.force_login(personas.worker)
    response = client.post(reverse("accounts:profile"), data)
    assert response.status_code == 200
    assert response.context["form"].errors == {field: errors}
    html = response.content.decode()
    for error in errors:
        assert error in html
    assert people() == before
    personas.worker.refresh_from_db()
    assert (personas.worker.name, personas.worker.phone) == ("오재직", "")


def test_profile_takes_a_phone_number_written_with_plus_82(client, personas):
    client.force_login(personas.worker)
    response = client.post(reverse("accounts:profile"), {"name": "오재직", "phone": "+82 10-1234-5678"})
    assert response.status_code == 302
    personas.worker.refresh_from_db()
    assert (personas.worker.name, personas.worker.phone) == ("오재직", "+82 10-1234-5678")


def test_signup_refuses_an_rrn_in_the_name(client, personas):
    before = people()
    data = {
        "name": "김학생 0001013234567",
        "email": "new@sanhak.test",
        "password": "correct horse battery staple 9",
        "consent": "on",
        "kind": "undergraduate",
        "institution": str(personas.lead.pk),
    }
    response = client.post(reverse("accounts:signup_trainee"), data)
    assert response.status_code == 200
    assert response.context["form"].errors == {"name": [RRN_ERROR]}
    assert RRN_ERROR in response.content.decode()
    assert people() == before
