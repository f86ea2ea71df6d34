"""Enrollment pages: each for its allowed user and for denied ones (which change nothing)."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from sanhak.accounts.models import User
from sanhak.common.models import PersonalDataAccess
from sanhak.enrollment.models import Enrollment, Status
from sanhak.enrollment.services import enrollment_apply, enrollment_reject

pytestmark = pytest.mark.django_db


def snapshot():
    return sorted(Enrollment.objects.values_list("id", "status", "reason"))


def test_trainee_applies_from_offering_page(client, personas, catalog):
    client.force_login(personas.student)
    response = client.post(reverse("courses:apply", args=[catalog.robot_offering.pk]), follow=True)
    assert response.status_code == 200
    enrollment = Enrollment.objects.get()
    assert (enrollment.trainee, enrollment.status) == (personas.student, Status.PENDING)
    assert "신청했습니다" in response.content.decode()


def test_non_trainee_cannot_apply(client, personas, catalog):
    client.force_login(personas.manager)
    response = client.post(reverse("courses:apply", args=[catalog.robot_offering.pk]), follow=True)
    assert "교육생으로 등록되어 있지 않습니다" in response.content.decode()
    assert Enrollment.objects.count() == 0


def test_anonymous_apply_redirects_to_login(client, catalog):
    response = client.post(reverse("courses:apply", args=[catalog.robot_offering.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert Enrollment.objects.count() == 0


def test_manager_nominates_two_workers(client, personas, catalog):
    client.force_login(personas.manager)
    page = client.get(reverse("courses:offering", args=[catalog.robot_offering.pk])).content.decode()
    assert "오재직" in page and "윤현장" in page
    assert "서고잔" not in page  # another company's worker is never listed
    response = client.post(
        reverse("courses:nominate", args=[catalog.robot_offering.pk]),
        {"trainees": [personas.worker.pk, personas.worker2.pk]},
        follow=True,
    )
    assert "2명을 추천했습니다" in response.content.decode()
    assert sorted(Enrollment.objects.values_list("trainee__email", "source", "status")) == [
        ("worker2@sanhak.test", "nomination", "pending"),
        ("worker@sanhak.test", "nomination", "pending"),
    ]


def test_manager_cannot_nominate_another_companys_worker(client, personas, catalog):
    client.force_login(personas.manager)
    response = client.post(
        reverse("courses:nominate", args=[catalog.robot_offering.pk]),
        {"trainees": [personas.worker.pk, personas.worker_b.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert Enrollment.objects.count() == 0


def test_trainee_cannot_nominate(client, personas, catalog):
    client.force_login(personas.worker)
    response = client.post(
        reverse("courses:nominate", args=[catalog.robot_offering.pk]), {"trainees": [personas.worker.pk]}
    )
    assert response.status_code == 403
    assert Enrollment.objects.count() == 0


def test_coordinator_approves_and_rejects(client, personas, catalog):
    offering = catalog.robot_offering
    e1 = enrollment_apply(offering=offering, trainee=personas.worker)
    e2 = enrollment_apply(offering=offering, trainee=personas.student)
    client.force_login(personas.coordinator)
    response = client.post(reverse("enrollment:approve", args=[e1.pk]), follow=True)
    assert "승인했습니다" in response.content.decode()
    response = client.post(reverse("enrollment:reject", args=[e2.pk]), {"reason": "선수 경력 부족"}, follow=True)
    assert response.status_code == 200
    e1.refresh_from_db()
    e2.refresh_from_db()
    offering.refresh_from_db()
    assert (e1.status, e2.status, e2.reason, offering.approved_count) == ("approved", "rejected", "선수 경력 부족", 1)


def test_reject_without_reason_changes_nothing(client, personas, catalog):
    e = enrollment_apply(offering=catalog.robot_offering, trainee=personas.worker)
    client.force_login(personas.coordinator)
    response = client.post(reverse("enrollment:reject", args=[e.pk]), {"reason": "  "}, follow=True)
    assert "반려 사유를 입력하세요" in response.content.decode()
    e.refresh_from_db()
    assert e.status == Status.PENDING


@pytest.mark.parametrize("who", ["manager", "worker", "instructor", "student"])
def test_others_cannot_approve_or_reject(client, personas, catalog, who):
    e = enrollment_apply(offering=catalog.robot_offering, trainee=personas.worker)
    before = snapshot()
    client.force_login(getattr(personas, who))
    assert client.post(reverse("enrollment:approve", args=[e.pk])).status_code in (403, 404)
    assert client.post(reverse("enrollment:reject", args=[e.pk]), {"reason": "x"}).status_code in (403, 404)
    assert snapshot() == before


def test_coordinator_of_another_institution_cannot_approve(client, personas, catalog):
    e = enrollment_apply(offering=catalog.molding_offering, trainee=personas.worker)  # polytechnic offering
    before = snapshot()
    client.force_login(personas.coordinator)  # lead university
    assert client.post(reverse("enrollment:approve", args=[e.pk])).status_code == 404
    assert snapshot() == before


def test_my_courses_and_cancel(client, personas, catalog):
    e = enrollment_apply(offering=catalog.robot_offering, trainee=personas.worker)
    client.force_login(personas.worker)
    body = client.get(reverse("enrollment:my_courses")).content.decode()
    assert "산업용 로봇 운용" in body and "승인 대기" in body
    client.post(reverse("enrollment:cancel", args=[e.pk]))
    e.refresh_from_db()
    assert e.status == Status.CANCELLED


def test_cannot_cancel_someone_elses_enrollment(client, personas, catalog):
    e = enrollment_apply(offering=catalog.robot_offering, trainee=personas.worker)
    client.force_login(personas.student)
    assert client.post(reverse("enrollment:cancel", args=[e.pk])).status_code == 404
    e.refresh_from_db()
    assert e.status == Status.PENDING


def test_roster_pages_and_exports(client, personas, catalog):
    offering = catalog.robot_offering
    enrollment_apply(offering=offering, trainee=personas.worker)
    enrollment_apply(offering=offering, trainee=personas.student)
    client.force_login(personas.coordinator)
    body = client.get(reverse("enrollment:roster", args=[offering.pk])).content.decode()
    assert "오재직" in body and "이학생" in body
    rows = list(
        csv.reader(
            io.StringIO(client.get(reverse("enrollment:roster_csv", args=[offering.pk])).content.decode("utf-8-sig"))
        )
    )
    assert rows[0] == ["번호", "이름", "이메일", "구분", "소속", "상태", "경로", "신청일시", "사유"]
    assert [r[1:7] for r in rows[1:]] == [
        ["오재직", "worker@sanhak.test", "재직자", "(주)남동정밀", "승인 대기", "본인 신청"],
        ["이학생", "student@sanhak.test", "대학원생", "인천대학교", "승인 대기", "본인 신청"],
    ]
    response = client.get(reverse("enrollment:roster_xlsx", args=[offering.pk]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet[2]][1:3] == ["오재직", "worker@sanhak.test"]
    # every view/export of the roster is logged (PIPA)
    assert list(PersonalDataAccess.objects.order_by("id").values_list("purpose", "subject_count")) == [
        ("roster", 2),
        ("roster_export_csv", 2),
        ("roster_export_xlsx", 2),
    ]


def test_roster_exports_in_english(client, personas, catalog):
    offering = catalog.robot_offering
    enrollment_apply(offering=offering, trainee=personas.worker)
    client.cookies["django_language"] = "en"
    client.force_login(personas.coordinator)
    header = ["No.", "Name", "Email", "Trainee type", "Affiliation", "Status", "Source", "Applied at", "Reason"]
    response = client.get(reverse("enrollment:roster_csv", args=[offering.pk]))
    assert next(csv.reader(io.StringIO(response.content.decode("utf-8-sig")))) == header
    response = client.get(reverse("enrollment:roster_xlsx", args=[offering.pk]))
    assert [c.value for c in load_workbook(io.BytesIO(response.content)).active[1]] == header


def test_instructor_sees_own_roster_only(client, personas, catalog):
    client.force_login(personas.instructor)
    assert client.get(reverse("enrollment:roster", args=[catalog.robot_offering.pk])).status_code == 200
    assert client.get(reverse("enrollment:roster", args=[catalog.molding_offering.pk])).status_code == 403


@pytest.mark.parametrize("who", ["manager", "worker", "student"])
def test_roster_denied(client, personas, catalog, who):
    client.force_login(getattr(personas, who))
    assert client.get(reverse("enrollment:roster", args=[catalog.robot_offering.pk])).status_code == 403
    assert client.get(reverse("enrollment:roster_csv", args=[catalog.robot_offering.pk])).status_code == 403
    assert PersonalDataAccess.objects.count() == 0


def test_queue_lists_only_own_institution(client, personas, catalog):
    enrollment_apply(offering=catalog.robot_offering, trainee=personas.worker)
    enrollment_apply(offering=catalog.molding_offering, trainee=personas.student)
    client.force_login(personas.coordinator)
    body = client.get(reverse("enrollment:queue")).content.decode()
    assert "산업용 로봇 운용" in body
    assert "사출성형" not in body
    client.force_login(personas.worker)
    assert client.get(reverse("enrollment:queue")).status_code == 403


def test_company_enrollments_scoped(client, personas, catalog):
    enrollment_apply(offering=catalog.robot_offering, trainee=personas.worker)
    enrollment_apply(offering=catalog.robot_offering, trainee=personas.worker_b)
    client.force_login(personas.manager)
    body = client.get(reverse("enrollment:company")).content.decode()
    assert "오재직" in body
    assert "서고잔" not in body
    client.force_login(personas.student)
    assert client.get(reverse("enrollment:company")).status_code == 403


def test_list_pages_query_counts_constant(client, personas, catalog):
    from sanhak.accounts.services import user_signup_trainee

    def counts() -> tuple[int, ...]:
        out = []
        for who, url in [
            (personas.coordinator, reverse("enrollment:roster", args=[catalog.robot_offering.pk])),
            (personas.coordinator, reverse("enrollment:queue")),
            (personas.manager, reverse("enrollment:company")),
            (personas.manager, reverse("home")),
        ]:
            client.force_login(who)
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(url).status_code == 200
            out.append(len(ctx))
        return tuple(out)

    enrollment_apply(offering=catalog.robot_offering, trainee=personas.worker)
    before = counts()
    for i in range(6):
        u = user_signup_trainee(
            email=f"w{i}@example.com", name=f"직원{i}", password="x", kind="incumbent", employer=personas.company_a
        )
        enrollment_apply(offering=catalog.robot_offering, trainee=u)
    assert counts() == before


def test_roster_folds_closed_enrollments_until_asked(client, personas, catalog):
    from sanhak.enrollment.services import enrollment_reject

    offering = catalog.robot_offering
    enrollment_apply(offering=offering, trainee=personas.worker)
    rejected = enrollment_apply(offering=offering, trainee=personas.student)
    enrollment_reject(enrollment=rejected, by=personas.coordinator, reason="정원 조정")
    client.force_login(personas.coordinator)
    url = reverse("enrollment:roster", args=[offering.pk])
    body = client.get(url).content.decode()
    assert "오재직" in body
    assert "이학생" not in body
    assert "펼쳐 보기" in body
    body = client.get(url, {"all": "1"}).content.decode()
    assert "이학생" in body
    assert "정원 조정" in body
    assert list(PersonalDataAccess.objects.order_by("id").values_list("subject_count", flat=True)) == [1, 2]


def test_an_instructor_sees_and_exports_the_enrolled_only(client, personas, catalog):
    from sanhak.enrollment.services import enrollment_reject

    offering = catalog.robot_offering
    enrollment_apply(offering=offering, trainee=personas.worker)
    rejected = enrollment_apply(offering=offering, trainee=personas.student)
    enrollment_reject(enrollment=rejected, by=personas.coordinator, reason="정원 조정")
    client.force_login(personas.instructor)
    body = client.get(reverse("enrollment:roster", args=[offering.pk]), {"all": "1"}).content.decode()
    assert "오재직" in body and "이학생" not in body and "정원 조정" not in body and "펼쳐 보기" not in body
    csv = client.get(reverse("enrollment:roster_csv", args=[offering.pk])).content.decode("utf-8-sig")
    assert "오재직" in csv and "이학생" not in csv
    assert list(PersonalDataAccess.objects.values_list("subject_ids", flat=True)) == [[personas.worker.pk]] * 2


def test_roster_escapes_names(client, personas, catalog):
    personas.student.name = '<script>alert("x")</script>'
    personas.student.save()
    enrollment_apply(offering=catalog.robot_offering, trainee=personas.student)
    client.force_login(personas.coordinator)
    body = client.get(reverse("enrollment:roster", args=[catalog.robot_offering.pk])).content.decode()
    assert "<script>alert" not in body
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in body


def test_roster_exports_keep_typed_text_inert(client, personas, catalog):
    """What people typed cannot act in a spreadsheet (CSV injection) nor break the XLSX: a name that
    starts with = stays text, a reason with a control character (pasted from another program) exports
    without it instead of failing."""
    offering = catalog.robot_offering
    User.objects.filter(pk=personas.worker.pk).update(name='=HYPERLINK("http://evil.example","클릭")')
    enrollment_reject(
        enrollment=enrollment_apply(offering=offering, trainee=personas.worker),
        by=personas.coordinator,
        reason="정원\x0b초과",
    )
    client.force_login(personas.coordinator)
    text = client.get(reverse("enrollment:roster_csv", args=[offering.pk])).content.decode("utf-8-sig")
    row = list(csv.reader(io.StringIO(text)))[1]
    assert (row[1], row[8]) == ('\'=HYPERLINK("http://evil.example","클릭")', "정원\x0b초과")
    response = client.get(reverse("enrollment:roster_xlsx", args=[offering.pk]))
    assert response.status_code == 200
    cells = load_workbook(io.BytesIO(response.content)).active[2]
    assert (cells[1].value, cells[1].data_type, cells[8].value) == (
        '=HYPERLINK("http://evil.example","클릭")',
        "s",
        "정원초과",
    )
