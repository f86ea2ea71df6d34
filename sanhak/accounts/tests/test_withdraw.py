"""회원 탈퇴 (PIPA: withdrawing consent, erasing personal details): a trainee or a company manager closes their
own account; what it ends, erases and keeps; staff accounts are closed by the program office."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sanhak.accounts.models import ApiToken, Role, RoleAssignment, Session, TraineeProfile, User
from sanhak.accounts.services import user_signup_trainee
from sanhak.accounts.tokens import api_token_create
from sanhak.common.models import Notification
from sanhak.common.notifications import notification_send
from sanhak.credentials.models import IssuedCredential
from sanhak.enrollment.models import Enrollment, Status
from sanhak.enrollment.services import enrollment_apply, enrollment_approve, enrollment_nominate
from sanhak.labs.models import ReservationStatus
from sanhak.labs.tests.conftest import at, labs, open_day, reserve  # noqa: F401 - labs: the fixture

pytestmark = pytest.mark.django_db

URL = "/accounts/profile/withdraw/"


def statuses(user: User) -> dict[str, str]:
    return {
        e.offering.course.code: e.status for e in Enrollment.objects.filter(trainee=user).select_related("offering")
    }


def test_the_url_is_the_named_one():
    assert reverse("accounts:withdraw") == URL


def test_a_worker_closes_their_account(client, personas, catalog, labs):  # noqa: F811 - the fixture
    worker = personas.worker
    TraineeProfile.objects.filter(user=worker).update(job_title="설비 보전", prefers_evening=True)
    # a past offering completed, an upcoming one approved with someone waiting, another pending
    past = Enrollment.objects.create(offering=catalog.plc_offering, trainee=worker, status=Status.COMPLETED)
    robot = catalog.robot_offering
    robot.capacity = 1
    robot.save(update_fields=["capacity"])
    enrollment_approve(enrollment=enrollment_apply(offering=robot, trainee=worker), by=personas.coordinator)
    waiting = enrollment_apply(offering=robot, trainee=personas.student)
    assert waiting.status == Status.WAITLISTED
    enrollment_apply(offering=catalog.molding_offering, trainee=worker)
    day = open_day(labs.plc.effective_rules)
    booking = reserve(labs.plc, worker, at(day, 10), at(day, 12))
    _token, raw = api_token_create(user=worker, name="엑셀")
    notification_send(user=worker, message="안내", url="/")
    client.force_login(worker)
    other_device = Session.objects.filter(user=worker).count()
    assert other_device == 1

    page = client.get(URL)
    assert page.status_code == 200
    assert "남는 것" in page.content.decode() and 'name="password"' in page.content.decode()
    response = client.post(URL, {"password": "sanhak-demo-2026", "confirm": "on"})
    assert response.status_code == 302 and response["Location"] == "/"

    worker.refresh_from_db()
    assert (worker.name, worker.email, worker.phone, worker.is_active) == (
        "탈퇴한 회원",
        f"withdrawn-{worker.pk}@withdrawn.invalid",
        "",
        False,
    )
    assert worker.withdrawn_at is not None and not worker.has_usable_password()
    profile = TraineeProfile.objects.get(user=worker)
    assert (profile.job_title, profile.prefers_evening, profile.kind, profile.employer) == (
        "",
        False,
        TraineeProfile.Kind.INCUMBENT,
        personas.company_a,  # the training record keeps the company it was for
    )
    assert statuses(worker) == {"KP-PLC-101": "completed", "INU-ROB-201": "cancelled", "KP-INJ-110": "cancelled"}
    past.refresh_from_db()
    assert past.status == Status.COMPLETED
    waiting.refresh_from_db()
    assert waiting.status == Status.APPROVED  # the freed seat went to the first on the waitlist
    booking.refresh_from_db()
    assert booking.status == ReservationStatus.CANCELLED
    assert ApiToken.objects.get(user=worker).revoked_at is not None
    assert Session.objects.filter(user=worker).count() == 0
    assert Notification.objects.filter(user=worker).count() == 0
    assert RoleAssignment.objects.filter(user=worker).values_list("role", flat=True).get() == Role.TRAINEE
    # logged out everywhere; the token no longer works; the address is free to sign up again
    assert client.get(reverse("accounts:profile")).status_code == 302
    assert client.get("/api/enrollments", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401
    again = user_signup_trainee(email="worker@sanhak.test", name="오재직", password="new-pass-2026!", kind="graduate")
    assert again.pk != worker.pk


def test_a_withdrawn_worker_is_no_longer_offered_to_their_manager(client, personas, catalog):
    client.force_login(personas.worker)
    client.post(URL, {"password": "sanhak-demo-2026", "confirm": "on"})
    client.force_login(personas.manager)
    page = client.get(reverse("courses:offering", args=[catalog.robot_offering.pk])).content.decode()
    assert "오재직" not in page and "탈퇴한 회원" not in page
    from sanhak.common.errors import DomainError

    withdrawn = User.objects.get(pk=personas.worker.pk)
    with pytest.raises(DomainError):
        enrollment_nominate(offering=catalog.robot_offering, trainees=[withdrawn], by=personas.manager)
    assert Enrollment.objects.filter(trainee=personas.worker).count() == 0


def test_a_company_manager_closes_their_account_and_the_company_stays(client, personas):
    second = User.objects.create_user(email="manager2@sanhak.test", password="x-pass-2026!", name="한부장")
    RoleAssignment.objects.create(user=second, role=Role.COMPANY_MANAGER, company=personas.company_a)
    client.force_login(personas.manager)
    assert client.post(URL, {"password": "sanhak-demo-2026", "confirm": "on"}).status_code == 302
    manager = User.objects.get(pk=personas.manager.pk)
    assert manager.is_active is False
    assert not RoleAssignment.objects.filter(user=manager).exists()
    assert personas.company_a.__class__.objects.filter(pk=personas.company_a.pk).exists()


def test_certificates_stop_showing_the_name_on_public_links(client, personas):
    credential = IssuedCredential.objects.create(
        institution=personas.lead, document={"name": "x"}, recipient=personas.student, shared=True
    )
    client.force_login(personas.student)
    assert client.post(URL, {"password": "sanhak-demo-2026", "confirm": "on"}).status_code == 302
    credential.refresh_from_db()
    assert credential.shared is False


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"password": "wrong", "confirm": "on"}, "비밀번호가 맞지 않습니다."),
        ({"password": "sanhak-demo-2026"}, "탈퇴하려면 확인란을 선택하세요."),
    ],
)
def test_a_wrong_password_or_no_confirmation_changes_nothing(client, personas, data, error):
    client.force_login(personas.worker)
    response = client.post(URL, data)
    assert response.status_code == 200
    assert error in response.content.decode()
    worker = User.objects.get(pk=personas.worker.pk)
    assert (worker.name, worker.email, worker.is_active, worker.withdrawn_at) == (
        "오재직",
        "worker@sanhak.test",
        True,
        None,
    )


def test_staff_cannot_close_their_account_here(client, personas):
    client.force_login(personas.coordinator)
    page = client.get(URL)
    assert page.status_code == 200
    assert "사업단에 계정 해지를 요청하세요" in page.content.decode() and 'name="password"' not in page.content.decode()
    response = client.post(URL, {"password": "sanhak-demo-2026", "confirm": "on"})
    assert response.status_code == 403
    coordinator = User.objects.get(pk=personas.coordinator.pk)
    assert (coordinator.is_active, coordinator.withdrawn_at, coordinator.email) == (
        True,
        None,
        "coordinator@sanhak.test",
    )


def test_an_anonymous_visitor_is_sent_to_log_in(client, personas):
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    assert client.post(URL, {"password": "x", "confirm": "on"}).status_code == 302
    assert User.objects.filter(withdrawn_at__isnull=False).count() == 0


def test_the_page_in_english(client, personas):
    client.force_login(personas.worker)
    client.cookies["django_language"] = "en"
    body = client.get(URL, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Close your account" in body
    assert "What is kept" in body


def test_withdrawing_twice_is_refused(personas):
    from sanhak.accounts.services import user_withdraw
    from sanhak.common.errors import ConflictError

    user_withdraw(user=personas.student)
    with pytest.raises(ConflictError):
        user_withdraw(user=User.objects.get(pk=personas.student.pk))
    assert User.objects.get(pk=personas.student.pk).email == f"withdrawn-{personas.student.pk}@withdrawn.invalid"


def test_the_only_manager_of_a_company_is_asked_to_invite_another_first(client, personas):
    client.force_login(personas.manager)
    assert "다른 담당자를 먼저 초대하거나" in client.get(URL).content.decode()
    assert client.post(URL, {"password": "sanhak-demo-2026", "confirm": "on"}).status_code == 403
    manager = User.objects.get(pk=personas.manager.pk)
    assert (manager.is_active, manager.withdrawn_at) == (True, None)
    assert RoleAssignment.objects.filter(user=manager, role=Role.COMPANY_MANAGER).count() == 1


def test_nothing_reaches_a_closed_account_and_its_address_is_gone_from_the_logs(client, personas):
    from axes.models import AccessAttempt
    from django.contrib.admin.models import CHANGE, LogEntry
    from django.contrib.contenttypes.models import ContentType
    from django.core import mail

    AccessAttempt.objects.create(username="worker@sanhak.test", ip_address="203.0.113.9", failures_since_start=1)
    LogEntry.objects.create(
        user=personas.admin,
        content_type=ContentType.objects.get_for_model(User),
        object_id=str(personas.worker.pk),
        object_repr="오재직 <worker@sanhak.test>",
        action_flag=CHANGE,
    )
    client.force_login(personas.worker)
    assert client.post(URL, {"password": "sanhak-demo-2026", "confirm": "on"}).status_code == 302
    assert AccessAttempt.objects.filter(username="worker@sanhak.test").count() == 0
    assert list(LogEntry.objects.filter(object_id=str(personas.worker.pk)).values_list("object_repr", flat=True)) == [
        "탈퇴한 회원"
    ]
    mail.outbox.clear()
    assert notification_send(user=User.objects.get(pk=personas.worker.pk), message="안내") is None
    assert Notification.objects.filter(user=personas.worker).count() == 0
    assert mail.outbox == []


def test_wrong_passwords_here_count_towards_the_login_throttle(client, personas):
    from axes.models import AccessAttempt

    client.force_login(personas.worker)
    for _ in range(2):
        assert client.post(URL, {"password": "wrong", "confirm": "on"}).status_code == 200
    assert AccessAttempt.objects.get(username="worker@sanhak.test").failures_since_start == 2
