"""Django's admin is for program admins (a platform role), superusers and staff given permissions:
a program admin appointed in the platform uses it without a staff flag; anyone else gets its login
page and changes nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sanhak.accounts.models import Role, RoleAssignment, User

pytestmark = pytest.mark.django_db

INDEX = "/admin/"
COMPANIES = "/admin/companies/company/"


def admin_login_redirect(url: str) -> str:
    return f"{reverse('admin:login')}?next={url}"


@pytest.fixture
def officer(personas):
    """A program admin appointed in the platform: the role, no staff or superuser flag."""
    user = User.objects.create_user(email="officer@sanhak.test", password="x-long-password-1", name="박사무")
    office = personas.office
    RoleAssignment.objects.create(user=user, role=Role.PROGRAM_ADMIN, institution=office)
    return user


def test_a_program_admin_without_the_staff_flag_uses_the_admin(client, officer, personas):
    client.force_login(officer)
    index = client.get(INDEX)
    assert index.status_code == 200
    assert "산학 관리" in index.content.decode()
    assert client.get(COMPANIES).status_code == 200
    company = personas.company_a
    response = client.get(reverse("admin:companies_company_change", args=[company.pk]))
    assert response.status_code == 200
    assert officer.has_perm("companies.change_company")
    assert officer.has_module_perms("enrollment")


def test_the_admin_login_page_takes_a_program_admin_and_refuses_others(client, officer, personas):
    ok = client.post(
        reverse("admin:login") + f"?next={INDEX}",
        {"username": "officer@sanhak.test", "password": "x-long-password-1", "next": INDEX},
    )
    assert (ok.status_code, ok["Location"]) == (302, INDEX)
    client.logout()
    refused = client.post(
        reverse("admin:login"), {"username": "coordinator@sanhak.test", "password": "sanhak-demo-2026"}
    )
    assert refused.status_code == 200
    assert "관리 화면을 쓸 수 있는 계정의 이메일과 비밀번호를 입력하세요." in refused.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("who", ["coordinator", "manager", "worker"])
def test_other_roles_get_the_admin_login_and_change_nothing(client, personas, who):
    user = getattr(personas, who)
    client.force_login(user)
    assert client.get(INDEX)["Location"] == admin_login_redirect(INDEX)
    company = personas.company_a
    before = (company.name, company.employees)
    response = client.post(
        reverse("admin:companies_company_change", args=[company.pk]), {"name": "바뀐 이름", "employees": 1}
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    company.refresh_from_db()
    assert (company.name, company.employees) == before
    assert not user.has_perm("companies.change_company")


def test_a_revoked_role_closes_the_admin_on_the_next_request(client, officer):
    client.force_login(officer)
    assert client.get(INDEX).status_code == 200
    RoleAssignment.objects.filter(user=officer).delete()
    assert client.get(INDEX)["Location"] == admin_login_redirect(INDEX)


def test_an_inactive_program_admin_is_refused(client, officer):
    officer.is_active = False
    officer.save(update_fields=["is_active"])
    client.force_login(officer)
    assert client.get(INDEX).status_code == 302
    assert not officer.has_perm("companies.change_company")


def test_staff_with_one_permission_see_only_that(client, personas):
    from django.contrib.auth.models import Permission

    clerk = User.objects.create_user(email="clerk@sanhak.test", password="x-long-password-2", name="최직원")
    clerk.is_staff = True
    clerk.save(update_fields=["is_staff"])
    clerk.user_permissions.add(Permission.objects.get(codename="view_company"))
    client.force_login(clerk)
    assert client.get(COMPANIES).status_code == 200
    assert client.get("/admin/accounts/user/").status_code == 403


def test_the_user_list_filters_by_role(client, personas):
    client.force_login(personas.admin)
    response = client.get("/admin/accounts/user/", {"role": "company_manager"})
    assert response.status_code == 200
    shown = sorted(u.email for u in response.context["cl"].result_list)
    assert shown == ["manager-b@sanhak.test", "manager@sanhak.test"]
    unknown = client.get("/admin/accounts/user/", {"role": "nobody"})
    assert unknown.status_code == 200
