"""A trainee's certificates: list, PDF, JSON, sharing; the public link; revocation by the coordinator."""

from __future__ import annotations

import datetime as dt
import json
from io import BytesIO

import pytest
from django.urls import reverse
from pypdf import PdfReader

from sanhak.common.models import PersonalDataAccess
from sanhak.credentials.models import IssuedCredential
from sanhak.credentials.verification import platform_verify
from sanhak.learning import services
from sanhak.learning.models import LessonProgress
from sanhak.learning.tests.factories import classroom_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def issued(personas, catalog):  # type: ignore[no-untyped-def]
    """The student completed the robot course; the worker did not."""
    room = classroom_create(personas, catalog)
    student = room.offering.enrollments.get(trainee=personas.student)
    for lesson in (room.text, room.video):
        LessonProgress.objects.create(lesson=lesson, enrollment=student, completed_at="2026-11-01T10:00:00+09:00")
    attempt = services.quiz_attempt_start(enrollment=student, quiz=room.quiz)
    services.quiz_attempt_submit(
        attempt=attempt, answers={room.q2.pk: "MES", room.q1.pk: str(room.q1.choices.get(is_correct=True).pk)}
    )
    type(room.offering).objects.filter(pk=room.offering.pk).update(
        end_date=room.offering.end_date - dt.timedelta(days=1)
    )
    room.offering.refresh_from_db()
    services.completions_decide(offering=room.offering)
    return IssuedCredential.objects.get(recipient=personas.student)


def test_my_certificates_lists_downloads_and_shares(client, personas, issued):
    client.force_login(personas.student)
    page = client.get(reverse("credentials:mine")).content.decode()
    assert issued.certificate_number in page and "산업용 로봇 운용" in page
    pdf = client.get(reverse("credentials:pdf", args=[issued.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"] == f'attachment; filename="{issued.certificate_number}.pdf"'
    text = PdfReader(BytesIO(pdf.content)).pages[0].extract_text()
    assert personas.student.name in text and "산업용 로봇 운용" in text and issued.certificate_number in text
    document = json.loads(client.get(reverse("credentials:json", args=[issued.pk])).content)
    assert document == issued.document
    assert platform_verify(document).valid
    assert not PersonalDataAccess.objects.exists()  # one's own record is not someone else's data

    public = reverse("credentials:verify_stored", args=[issued.pk])
    client.logout()
    assert personas.student.name not in client.get(public).content.decode()
    client.force_login(personas.student)
    client.post(reverse("credentials:share", args=[issued.pk]), {"shared": "1"})
    client.logout()
    html = client.get(public).content.decode()
    assert personas.student.name in html and "유효함" in html


def test_the_public_link_in_english(client, issued):
    client.cookies["django_language"] = "en"
    page = client.get(reverse("credentials:verify_stored", args=[issued.pk])).content.decode()
    assert "<strong>Valid</strong>" in page
    for label in ("Recipient", "Certificate number", "Issued by", "Issued on", "Period", "Hours"):
        assert f"<dt>{label}</dt>" in page
    assert '<span class="muted">The recipient has not shown their name</span>' in page
    assert '<label for="id_email">Check the recipient\'s e-mail</label>' in page
    assert '<button class="secondary">Check</button>' in page
    wrong = client.post(reverse("credentials:verify_stored", args=[issued.pk]), {"email": "someone@example.com"})
    assert '<span class="badge bad">✗</span> Not issued to this address' in wrong.content.decode()
    right = client.post(reverse("credentials:verify_stored", args=[issued.pk]), {"email": issued.recipient.email})
    assert '<span class="badge ok">✓</span> Issued to the owner of this address' in right.content.decode()
    assert "수령자" not in page and "유효함" not in page


def test_certificates_denied_to_others(client, personas, issued):
    client.force_login(personas.worker)
    assert client.get(reverse("credentials:pdf", args=[issued.pk])).status_code == 404
    assert client.get(reverse("credentials:json", args=[issued.pk])).status_code == 404
    assert client.post(reverse("credentials:share", args=[issued.pk]), {"shared": "1"}).status_code == 404
    assert personas.student.name not in client.get(reverse("credentials:mine")).content.decode()
    issued.refresh_from_db()
    assert issued.shared is False
    client.logout()
    assert client.get(reverse("credentials:pdf", args=[issued.pk])).status_code == 302


def test_coordinator_may_download_and_it_is_logged_but_not_share(client, personas, issued):
    client.force_login(personas.coordinator)
    assert client.get(reverse("credentials:pdf", args=[issued.pk])).status_code == 200
    assert PersonalDataAccess.objects.get().subject_ids == [personas.student.pk]
    assert client.post(reverse("credentials:share", args=[issued.pk]), {"shared": "1"}).status_code == 403
    issued.refresh_from_db()
    assert issued.shared is False


def test_public_link_checks_a_recipient_email(client, issued):
    url = reverse("credentials:verify_stored", args=[issued.pk])
    yes = client.post(url, {"email": "Student@Sanhak.test"}).content.decode()
    assert "이 이메일 주소의 주인에게 발급되었습니다" in yes
    no = client.post(url, {"email": "someone@else.test"}).content.decode()
    assert "이 이메일 주소로 발급된 증명이 아닙니다" in no
    assert "이 이메일 주소" not in client.get(url, {"email": "Student@Sanhak.test"}).content.decode()  # never by GET


def test_revoke_by_coordinator_and_denied_to_others(client, personas, issued):
    url = reverse("credentials:revoke", args=[issued.pk])
    for user in (personas.student, personas.instructor, personas.manager):
        client.force_login(user)
        assert client.post(url, {"reason": "?"}).status_code == 403
    issued.status_entry.refresh_from_db()
    assert issued.status_entry.revoked is False
    client.force_login(personas.coordinator)
    client.post(url, {"reason": ""})  # a reason is required
    issued.status_entry.refresh_from_db()
    assert issued.status_entry.revoked is False
    client.post(url, {"reason": "부정 응시"})
    issued.status_entry.refresh_from_db()
    assert (issued.status_entry.revoked, issued.status_entry.reason) == (True, "부정 응시")
    assert str(platform_verify(issued.document)) == "invalid: revoked"
    client.logout()
    assert (
        "유효하지 않음: 취소됨" in client.get(reverse("credentials:verify_stored", args=[issued.pk])).content.decode()
    )
