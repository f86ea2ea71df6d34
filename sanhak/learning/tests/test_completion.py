"""Completion: the decision when an offering ends (default rule: 80% attendance, quiz average 60, all
required lessons), its evidence, the signed Open Badges credential of a pass, the coordinator's
overrides (revoking and re-issuing), the daily sweep and its command."""

from __future__ import annotations

import datetime as dt
import io
import json
import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from sanhak.common.errors import ConflictError, DomainError
from sanhak.common.factories import EnrollmentFactory, OfferingFactory, SessionFactory
from sanhak.competencies.models import Competency
from sanhak.credentials import services as credential_services
from sanhak.credentials.badges import FRAMEWORK, identity_hash, identity_matches
from sanhak.credentials.models import IssuedCredential
from sanhak.credentials.verification import platform_verify
from sanhak.credentials.verify import Result
from sanhak.enrollment.models import Enrollment, Status
from sanhak.learning import services
from sanhak.learning.models import Completion, CompletionOverride
from sanhak.learning.tests.conftest import at, enrol, take, watch

pytestmark = pytest.mark.django_db

T0 = at(dt.date(2026, 3, 2), 10)


def after_end(offering, days=1):
    return at(offering.end_date + dt.timedelta(days=days), 9)


@pytest.fixture
def course(robot, make_lesson, personas):
    """The robot offering's lessons and quizzes, and what its three trainees did:

    worker   attendance 100% (present, present, late, excused), quiz best 80, both required lessons: pass
    worker2  attendance 50%, quiz 60 (just enough), one required lesson of two: fail
    student  attendance 75% (just short), quiz 80, both required lessons: fail"""
    text = make_lesson("text")
    clip = make_lesson("video", duration_seconds=100)
    make_lesson("document", required=False)
    quiz = services.quiz_create(offering=robot.offering, title="로봇 안전 평가", max_attempts=2)
    for n in range(5):
        services.question_add(quiz=quiz, text=f"문항 {n + 1}", choices=[("맞음", True), ("틀림", False)])
    practice = services.quiz_create(offering=robot.offering, title="연습", counts_toward_completion=False)
    services.question_add(quiz=practice, text="연습 문항", accepted_answers=["로봇"])
    marks = {
        robot.worker: ["present", "present", "late", "excused"],
        robot.worker2: ["present", "late", "absent", "absent"],
        robot.student: ["present", "present", "present", "absent"],
    }
    for enrollment, statuses in marks.items():
        for session, status in zip(robot.sessions, statuses, strict=True):
            services.attendance_mark(session=session, enrollment=enrollment, status=status, by=personas.instructor)
    for enrollment in (robot.worker, robot.student):
        services.lesson_complete(enrollment=enrollment, lesson=text)
        watch(enrollment, clip, 100, T0)
    services.lesson_complete(enrollment=robot.worker2, lesson=text)
    take(robot.worker, quiz, 2)
    take(robot.worker, quiz, 4)
    take(robot.worker, practice, 0)
    take(robot.worker2, quiz, 3)
    take(robot.student, quiz, 4)
    robot.quiz = quiz
    return robot


def test_an_offering_not_yet_ended_is_not_decided(course):
    offering = course.offering
    for now in (at(offering.start_date, 9), at(offering.end_date, 23, 59, 59)):
        with pytest.raises(DomainError) as e:
            services.completions_decide(offering=offering, now=now)
        assert (e.value.code, str(e.value)) == (
            "not_ended",
            "아직 끝나지 않은 강좌입니다. / The offering has not ended yet.",
        )
    assert Completion.objects.count() == 0


def test_each_approved_enrollment_is_decided_once_with_its_evidence(course, personas):
    offering = course.offering
    now = after_end(offering)
    decided = services.completions_decide(offering=offering, now=now)
    assert [(c.enrollment_id, c.passed, c.decided_at) for c in decided] == [
        (course.worker.pk, True, now),
        (course.worker2.pk, False, now),
        (course.student.pk, False, now),
    ]
    q = str(course.quiz.pk)
    evidence = dict(Completion.objects.values_list("enrollment_id", "evidence"))
    assert evidence[course.worker.pk] == {
        "checks": {
            "attendance": {
                "value": 100.0,
                "required": 80,
                "met": True,
                "present": 2,
                "late": 1,
                "absent": 0,
                "excused": 1,
                "sessions": 4,
            },
            "quiz_average": {"value": 80.0, "required": 60, "met": True, "best": {q: 80.0}},
            "lessons": {"value": 2, "required": 2, "met": True},
        },
        "passed": True,
    }
    assert evidence[course.worker2.pk] == {
        "checks": {
            "attendance": {
                "value": 50.0,
                "required": 80,
                "met": False,
                "present": 1,
                "late": 1,
                "absent": 2,
                "excused": 0,
                "sessions": 4,
            },
            "quiz_average": {"value": 60.0, "required": 60, "met": True, "best": {q: 60.0}},
            "lessons": {"value": 1, "required": 2, "met": False},
        },
        "passed": False,
    }
    assert evidence[course.student.pk] == {
        "checks": {
            "attendance": {
                "value": 75.0,
                "required": 80,
                "met": False,
                "present": 3,
                "late": 0,
                "absent": 1,
                "excused": 0,
                "sessions": 4,
            },
            "quiz_average": {"value": 80.0, "required": 60, "met": True, "best": {q: 80.0}},
            "lessons": {"value": 2, "required": 2, "met": True},
        },
        "passed": False,
    }
    statuses = dict(Enrollment.objects.filter(offering=offering).values_list("pk", "status"))
    assert statuses == {course.worker.pk: "completed", course.worker2.pk: "approved", course.student.pk: "approved"}
    credentials = dict(Completion.objects.values_list("enrollment_id", "credential__recipient"))
    assert credentials == {course.worker.pk: personas.worker.pk, course.worker2.pk: None, course.student.pk: None}
    assert IssuedCredential.objects.count() == 1

    # Re-running decides nothing new and issues nothing new.
    assert services.completions_decide(offering=offering, now=now + dt.timedelta(days=3)) == []
    assert Completion.objects.count() == 3
    assert IssuedCredential.objects.count() == 1
    assert dict(Completion.objects.values_list("enrollment_id", "decided_at")) == dict.fromkeys(
        [course.worker.pk, course.worker2.pk, course.student.pk], now
    )


def test_only_approved_enrollments_are_decided(course, personas, catalog):
    cancelled = EnrollmentFactory(offering=course.offering, trainee=personas.worker_b, status=Status.CANCELLED)
    decided = services.completions_decide(offering=course.offering, now=after_end(course.offering))
    assert cancelled.pk not in [c.enrollment_id for c in decided]
    assert len(decided) == 3


def test_the_offering_s_own_rule(course):
    services.completion_rule_set(
        offering=course.offering, min_attendance_percent=None, min_quiz_average=70, require_all_lessons=False
    )
    services.completions_decide(offering=course.offering, now=after_end(course.offering))
    q = str(course.quiz.pk)
    assert dict(Completion.objects.values_list("enrollment_id", "evidence")) == {
        course.worker.pk: {
            "checks": {"quiz_average": {"value": 80.0, "required": 70, "met": True, "best": {q: 80.0}}},
            "passed": True,
        },
        course.worker2.pk: {
            "checks": {"quiz_average": {"value": 60.0, "required": 70, "met": False, "best": {q: 60.0}}},
            "passed": False,
        },
        course.student.pk: {
            "checks": {"quiz_average": {"value": 80.0, "required": 70, "met": True, "best": {q: 80.0}}},
            "passed": True,
        },
    }
    assert IssuedCredential.objects.count() == 2


@pytest.mark.parametrize("value", [-1, 101])
def test_completion_rule_thresholds(robot, value):
    with pytest.raises(DomainError) as e:
        services.completion_rule_set(
            offering=robot.offering, min_attendance_percent=value, min_quiz_average=60, require_all_lessons=True
        )
    assert str(e.value) == "기준은 0에서 100 사이여야 합니다. / Thresholds must be between 0 and 100."


def test_the_default_rule(robot):
    rule = services.completion_rule_for(robot.offering)
    assert (rule.pk, rule.min_attendance_percent, rule.min_quiz_average, rule.require_all_lessons) == (
        None,
        80,
        60,
        True,
    )


# --- the credential -------------------------------------------------------------------------------


@pytest.fixture
def decided(course):
    services.completions_decide(offering=course.offering, now=after_end(course.offering))
    course.completions = {c.enrollment_id: c for c in Completion.objects.select_related("credential")}
    return course


def test_a_pass_gets_a_signed_open_badge(decided, personas):
    offering = decided.offering
    course = offering.course
    credential = decided.completions[decided.worker.pk].credential
    document = credential.document
    assert platform_verify(document) == Result(valid=True)
    assert (credential.institution, credential.recipient, credential.shared) == (personas.lead, personas.worker, False)
    assert credential.certificate_number == f"INU-{offering.end_date.year}-{decided.worker.pk:06d}"
    assert document["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert document["id"] == f"urn:uuid:{credential.pk}"
    assert document["issuer"] == {
        "id": "http://127.0.0.1:8000/credentials/issuers/inu/",
        "type": ["Profile"],
        "name": "인천대학교",
    }
    assert document["proof"]["type"] == "DataIntegrityProof"
    assert document["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
    assert document["credentialStatus"]["statusListIndex"] == str(credential.status_entry.index)

    subject = document["credentialSubject"]
    [identifier] = subject["identifier"]
    salt = identifier["salt"]
    assert re.fullmatch(r"[0-9a-f]{32}", salt)
    assert identifier == {
        "type": "IdentityObject",
        "identityType": "emailAddress",
        "hashed": True,
        "identityHash": identity_hash("worker@sanhak.test", salt),
        "salt": salt,
    }
    assert set(subject) == {
        "type",
        "identifier",
        "activityStartDate",
        "activityEndDate",
        "creditsEarned",
        "achievement",
    }
    assert (subject["type"], subject["activityStartDate"], subject["activityEndDate"], subject["creditsEarned"]) == (
        ["AchievementSubject"],
        offering.start_date.isoformat(),
        offering.end_date.isoformat(),
        32.0,
    )
    achievement = subject["achievement"]
    assert (achievement["humanCode"], achievement["name"], achievement["achievementType"]) == (
        "INU-ROB-201",
        "산업용 로봇 운용",
        "Course",
    )
    assert achievement["id"] == "http://127.0.0.1:8000" + reverse("courses:course", args=[course.code])
    competency = Competency.objects.get(code="SM-AUT-05")
    assert achievement["alignment"] == [
        {
            "type": ["Alignment"],
            "targetCode": "SM-AUT-05",
            "targetName": competency.name_ko,
            "targetDescription": "NCS 수준 5 / NCS level 5",
            "targetFramework": FRAMEWORK,
            "targetType": "CFItem",
            "targetUrl": "http://127.0.0.1:8000" + reverse("competencies:detail", args=["SM-AUT-05"]),
        }
    ]

    # The recipient only as a salted hash: no e-mail address, no name, anywhere.
    for text in (json.dumps(document), json.dumps(document, ensure_ascii=False)):
        for personal in ("worker@sanhak.test", "오재직", "생산기술", "(주)남동정밀"):
            assert personal not in text
    assert identity_matches(document, "worker@sanhak.test")
    assert identity_matches(document, "  Worker@SANHAK.test ")
    assert not identity_matches(document, "worker2@sanhak.test")
    assert not identity_matches({}, "worker@sanhak.test")


def test_a_tampered_credential_fails(decided):
    document = json.loads(json.dumps(decided.completions[decided.worker.pk].credential.document))
    document["credentialSubject"]["achievement"]["name"] = "스마트공장 전문가"
    assert platform_verify(document) == Result(valid=False, reason="tampered content or wrong key")


# --- overrides ------------------------------------------------------------------------------------


def overrides():
    return list(
        CompletionOverride.objects.order_by("pk").values_list(
            "completion__enrollment", "by", "from_passed", "to_passed", "reason"
        )
    )


@pytest.mark.parametrize("reason", ["", "   "])
def test_an_override_needs_a_reason(decided, personas, reason):
    completion = decided.completions[decided.worker2.pk]
    with pytest.raises(DomainError) as e:
        services.completion_override(completion=completion, passed=True, by=personas.coordinator, reason=reason)
    assert (e.value.code, str(e.value)) == (
        "reason_required",
        "조정 사유를 입력하세요. / Give a reason for the override.",
    )
    completion.refresh_from_db()
    assert (completion.passed, completion.credential, overrides()) == (False, None, [])


def test_an_override_to_the_same_decision_is_a_conflict(decided, personas):
    with pytest.raises(ConflictError) as e:
        services.completion_override(
            completion=decided.completions[decided.worker.pk], passed=True, by=personas.coordinator, reason="확인"
        )
    assert str(e.value) == "판정이 이미 그렇습니다. / The decision is already that."
    assert overrides() == []


def test_pass_to_fail_revokes_and_fail_to_pass_reissues(decided, personas):
    worker = decided.worker
    completion = decided.completions[worker.pk]
    first = completion.credential
    base = f"INU-{decided.offering.end_date.year}-{worker.pk:06d}"

    services.completion_override(
        completion=completion, passed=False, by=personas.coordinator, reason="  출석부 대리 서명 확인  "
    )
    completion.refresh_from_db()
    first.refresh_from_db()
    assert (completion.passed, completion.overridden_by, completion.override_reason) == (
        False,
        personas.coordinator,
        "출석부 대리 서명 확인",
    )
    assert Enrollment.objects.get(pk=worker.pk).status == "approved"
    assert (first.status_entry.revoked, first.status_entry.revoked_by, first.status_entry.reason) == (
        True,
        personas.coordinator,
        "출석부 대리 서명 확인",
    )
    assert platform_verify(first.document) == Result(valid=False, reason="revoked")

    services.completion_override(completion=completion, passed=True, by=personas.admin, reason="소명 자료 인정")
    completion.refresh_from_db()
    second = completion.credential
    assert second.pk != first.pk
    assert (second.certificate_number, first.certificate_number) == (f"{base}-2", base)
    assert platform_verify(second.document) == Result(valid=True)
    assert platform_verify(first.document) == Result(valid=False, reason="revoked")
    assert identity_matches(second.document, "worker@sanhak.test")
    assert Enrollment.objects.get(pk=worker.pk).status == "completed"
    assert (completion.passed, completion.overridden_by, completion.override_reason) == (
        True,
        personas.admin,
        "소명 자료 인정",
    )

    # Once more: revoked again, then a third number.
    services.completion_override(completion=completion, passed=False, by=personas.coordinator, reason="재확인")
    services.completion_override(completion=completion, passed=True, by=personas.coordinator, reason="최종 인정")
    completion.refresh_from_db()
    assert completion.credential.certificate_number == f"{base}-3"
    assert platform_verify(completion.credential.document) == Result(valid=True)
    assert [platform_verify(c.document).valid for c in IssuedCredential.objects.order_by("certificate_number")] == [
        False,
        False,
        True,
    ]
    assert overrides() == [
        (worker.pk, personas.coordinator.pk, True, False, "출석부 대리 서명 확인"),
        (worker.pk, personas.admin.pk, False, True, "소명 자료 인정"),
        (worker.pk, personas.coordinator.pk, True, False, "재확인"),
        (worker.pk, personas.coordinator.pk, False, True, "최종 인정"),
    ]


def test_fail_to_pass_issues_a_credential(decided, personas):
    completion = decided.completions[decided.student.pk]
    services.completion_override(
        completion=completion, passed=True, by=personas.coordinator, reason="공가 처리 누락 (예비군 훈련)"
    )
    completion.refresh_from_db()
    credential = completion.credential
    assert credential.certificate_number == f"INU-{decided.offering.end_date.year}-{decided.student.pk:06d}"
    assert (credential.recipient, platform_verify(credential.document)) == (personas.student, Result(valid=True))
    assert identity_matches(credential.document, "student@sanhak.test")
    assert Enrollment.objects.get(pk=decided.student.pk).status == "completed"
    assert completion.evidence["passed"] is False  # the automatic decision's evidence stays as it was
    assert overrides() == [(decided.student.pk, personas.coordinator.pk, False, True, "공가 처리 누락 (예비군 훈련)")]
    assert IssuedCredential.objects.count() == 2


# --- the daily sweep ------------------------------------------------------------------------------


@pytest.fixture
def sweep(catalog, personas):
    """Approved trainees in the past PLC offering (ended), in the robot offering (not ended); an ended
    offering with only a pending application."""
    plc = catalog.plc_offering
    enrol(plc, personas.worker)
    enrol(plc, personas.worker2)
    enrol(plc, personas.student, status=Status.PENDING)
    enrol(catalog.robot_offering, personas.worker_b)
    past = OfferingFactory(start_date=plc.start_date, end_date=plc.end_date)
    SessionFactory(offering=past)
    enrol(past, personas.worker_b, status=Status.PENDING)
    return catalog


def test_completions_decide_due_picks_ended_offerings_with_undecided_enrollments(sweep, personas):
    assert services.completions_decide_due() == 2
    plc = sweep.plc_offering
    assert sorted(Completion.objects.values_list("enrollment__offering", "enrollment__trainee", "passed")) == sorted(
        [(plc.pk, personas.worker.pk, False), (plc.pk, personas.worker2.pk, False)]
    )
    assert Completion.objects.first().evidence == {
        "checks": {
            "attendance": {
                "value": 0.0,
                "required": 80,
                "met": False,
                "present": 0,
                "late": 0,
                "absent": 1,
                "excused": 0,
                "sessions": 1,
            }
        },
        "passed": False,
    }
    assert services.completions_decide_due() == 0
    # When the robot offering has ended too, its trainee is decided.
    later = after_end(sweep.robot_offering)
    assert services.completions_decide_due(now=later) == 1
    assert Completion.objects.get(enrollment__offering=sweep.robot_offering).evidence["checks"]["attendance"] == {
        "value": 0.0,
        "required": 80,
        "met": False,
        "present": 0,
        "late": 0,
        "absent": 4,
        "excused": 0,
        "sessions": 4,
    }
    assert services.completions_decide_due(now=later) == 0


def test_the_command(sweep):
    out = io.StringIO()
    call_command("completions_decide", stdout=out)
    assert out.getvalue() == "2 enrollment(s) decided\n"
    out = io.StringIO()
    call_command("completions_decide", stdout=out)
    assert out.getvalue() == "0 enrollment(s) decided\n"
    assert Completion.objects.count() == 2


def test_the_credential_revocation_is_published(decided, personas):
    completion = decided.completions[decided.worker.pk]
    entry = completion.credential.status_entry
    services.completion_override(completion=completion, passed=False, by=personas.coordinator, reason="오류")
    assert credential_services.status_list_bits(credential_services.status_list_url(personas.lead)) is not None
    entry.refresh_from_db()
    assert entry.revoked


def test_a_closed_account_completes_without_a_certificate(decided, personas):
    from sanhak.accounts.services import user_withdraw

    enrollment = decided.student
    completion = decided.completions[enrollment.pk]
    assert completion.passed is False
    user_withdraw(user=enrollment.trainee)
    before = IssuedCredential.objects.count()
    services.completion_override(completion=completion, passed=True, by=personas.coordinator, reason="소명 인정")
    completion.refresh_from_db()
    assert (completion.passed, completion.credential) == (True, None)
    assert Enrollment.objects.get(pk=enrollment.pk).status == "completed"
    assert IssuedCredential.objects.count() == before
