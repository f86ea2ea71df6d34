"""The online course in a real browser: a trainee watches the video lesson, passes the quiz, is marked
complete when the offering ends, downloads the certificate (PDF and JSON); a tampered copy of the
credential fails verification with the right reason, the original passes."""

from __future__ import annotations

import datetime as dt
import json

from sanhak.common import browser
from sanhak.common.browser import browser_page, browser_test_marks
from sanhak.common.personas import DEMO_PASSWORD
from sanhak.enrollment.models import Status
from sanhak.learning.models import Completion
from sanhak.learning.services import completions_decide_due
from sanhak.learning.tests.factories import classroom_create

pytestmark = browser_test_marks()


def test_trainee_watches_passes_completes_downloads_and_a_tampered_copy_fails(live_server, personas, catalog, tmp_path):
    base = live_server.url
    room = classroom_create(personas, catalog, trainees=(personas.student,))
    with browser_page() as page:
        browser.login(page, base, "student@sanhak.test", DEMO_PASSWORD)
        page.goto(f"{base}/learning/offerings/{room.offering.pk}/")
        page.get_by_role("link", name="과정 안내").click()
        page.get_by_role("button", name="학습 완료").click()
        page.get_by_text("차시를 완료했습니다").wait_for()

        # The video: played to the end in real time; the page reports what was watched.
        page.goto(f"{base}/learning/lessons/{room.video.pk}/")
        page.evaluate("document.getElementById('player').play()")
        page.locator("#watch-status", has_text="시청 완료").wait_for(timeout=30_000)

        page.goto(f"{base}/learning/quizzes/{room.quiz.pk}/")
        page.get_by_role("button", name="응시 시작").click()
        page.get_by_label("비상정지 버튼").check()
        page.get_by_label("답").fill("mes")
        page.get_by_role("button", name="제출").click()
        assert page.locator("#score").inner_text() == "2 / 2"

        page.goto(f"{base}/learning/offerings/{room.offering.pk}/")
        assert "2 / 2" in page.locator(".card", has_text="학습 진도").inner_text()

    # The offering ends; the daily job decides completion.
    type(room.offering).objects.filter(pk=room.offering.pk).update(
        end_date=room.offering.end_date - dt.timedelta(days=1)
    )
    assert completions_decide_due() == 1
    completion = Completion.objects.get(enrollment__trainee=personas.student)
    assert completion.passed is True
    assert completion.enrollment.status == Status.COMPLETED
    credential = completion.credential
    assert credential is not None

    with browser_page() as page:
        browser.login(page, base, "student@sanhak.test", DEMO_PASSWORD)
        page.goto(f"{base}/credentials/mine/")
        with page.expect_download() as pdf_download:
            page.get_by_role("link", name="PDF 수료증").click()
        pdf_path = tmp_path / "certificate.pdf"
        pdf_download.value.save_as(pdf_path)
        assert pdf_path.read_bytes().startswith(b"%PDF")
        assert pdf_download.value.suggested_filename == f"{credential.certificate_number}.pdf"
        with page.expect_download() as json_download:
            page.get_by_role("link", name="디지털 배지 (JSON)").click()
        json_path = tmp_path / "credential.json"
        json_download.value.save_as(json_path)
        document = json.loads(json_path.read_text(encoding="utf-8"))
        assert document["type"] == ["VerifiableCredential", "OpenBadgeCredential"]

        # Anyone (logged out) verifies: the original is valid, a tampered copy is not.
        page.context.clear_cookies()
        page.goto(f"{base}/credentials/verify/")
        page.get_by_label("JSON 붙여넣기").fill(json.dumps(document, ensure_ascii=False))
        page.get_by_role("button", name="검증", exact=True).click()
        assert "유효함" in page.locator("#verify-result").inner_text()
        assert "산업용 로봇 운용" in page.locator("#credential-summary").inner_text()

        tampered = json.loads(json.dumps(document))
        tampered["credentialSubject"]["achievement"]["name"] = "산업용 로봇 운용 (우수)"
        page.goto(f"{base}/credentials/verify/")
        page.get_by_label("JSON 붙여넣기").fill(json.dumps(tampered, ensure_ascii=False))
        page.get_by_role("button", name="검증", exact=True).click()
        assert page.locator("#verify-result").inner_text().strip() == "✗ 유효하지 않음: 내용이 변조되었거나 키가 다름"

        # The certificate's public link: verified, with the name once the trainee shares it.
        page.goto(f"{base}/credentials/verify/{credential.pk}/")
        assert "유효함" in page.locator("#verify-result").inner_text()
        assert "수령자가 이름을 공개하지 않았습니다" in page.locator("#recipient").inner_text()
