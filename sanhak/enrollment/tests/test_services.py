"""The enrollment rules, through the services, with exact values."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from sanhak.common.errors import ConflictError, DomainError
from sanhak.common.factories import CourseFactory, EnrollmentFactory, OfferingFactory
from sanhak.common.models import Notification
from sanhak.courses.models import Offering
from sanhak.enrollment.models import Enrollment, Source, Status
from sanhak.enrollment.services import (
    enrollment_apply,
    enrollment_approve,
    enrollment_cancel,
    enrollment_complete,
    enrollment_nominate,
    enrollment_reject,
    missing_prerequisites,
)

pytestmark = pytest.mark.django_db


def _approved_count(offering: Offering) -> int:
    return Offering.objects.values_list("approved_count", flat=True).get(pk=offering.pk)


def _messages(user) -> list[str]:  # type: ignore[no-untyped-def]
    return list(Notification.objects.filter(user=user).order_by("id").values_list("message", flat=True))


# Applying ----------------------------------------------------------------------------------------


def test_apply_creates_a_pending_application(personas):
    offering = OfferingFactory(capacity=10)

    enrollment = enrollment_apply(offering=offering, trainee=personas.worker)

    enrollment.refresh_from_db()
    assert enrollment.offering_id == offering.pk
    assert enrollment.trainee_id == personas.worker.pk
    assert enrollment.status == Status.PENDING
    assert enrollment.source == Source.APPLICATION
    assert enrollment.nominated_by is None
    assert enrollment.decided_by is None
    assert enrollment.decided_at is None
    assert enrollment.waitlisted_at is None
    assert _approved_count(offering) == 0
    assert Enrollment.objects.count() == 1


def test_apply_to_a_full_offering_goes_on_the_waitlist(personas):
    offering = OfferingFactory(capacity=2)
    EnrollmentFactory.create_batch(2, offering=offering, status=Status.APPROVED)
    before = timezone.now()

    enrollment = enrollment_apply(offering=offering, trainee=personas.worker)

    enrollment.refresh_from_db()
    assert enrollment.status == Status.WAITLISTED
    assert enrollment.waitlisted_at is not None
    assert before <= enrollment.waitlisted_at <= timezone.now()
    assert _approved_count(offering) == 2
    assert list(offering.enrollments.waitlist()) == [enrollment]


def test_apply_twice_is_a_conflict(personas):
    offering = OfferingFactory()
    first = enrollment_apply(offering=offering, trainee=personas.worker)

    with pytest.raises(ConflictError) as exc_info:
        enrollment_apply(offering=offering, trainee=personas.worker)

    assert exc_info.value.code == "already_enrolled"
    assert exc_info.value.status == 409
    assert "오재직" in exc_info.value.message
    assert list(Enrollment.objects.values_list("pk", "status")) == [(first.pk, Status.PENDING)]


@pytest.mark.parametrize("status", [Status.APPROVED, Status.WAITLISTED, Status.COMPLETED])
def test_apply_while_holding_an_active_enrollment_is_a_conflict(personas, status):
    offering = OfferingFactory()
    EnrollmentFactory(offering=offering, trainee=personas.worker, status=status)

    with pytest.raises(ConflictError) as exc_info:
        enrollment_apply(offering=offering, trainee=personas.worker)

    assert exc_info.value.code == "already_enrolled"
    assert Enrollment.objects.count() == 1


def test_apply_again_after_cancelling_is_allowed(personas):
    offering = OfferingFactory()
    first = enrollment_apply(offering=offering, trainee=personas.worker)
    enrollment_cancel(enrollment=first, by=personas.worker)

    second = enrollment_apply(offering=offering, trainee=personas.worker)

    assert second.pk != first.pk
    assert dict(Enrollment.objects.values_list("pk", "status")) == {
        first.pk: Status.CANCELLED,
        second.pk: Status.PENDING,
    }


def test_apply_to_a_closed_offering_is_refused(personas):
    offering = OfferingFactory(is_open=False)

    with pytest.raises(DomainError) as exc_info:
        enrollment_apply(offering=offering, trainee=personas.worker)

    assert exc_info.value.code == "closed"
    assert exc_info.value.status == 400
    assert Enrollment.objects.count() == 0


def test_apply_to_an_ended_offering_is_refused(personas):
    today = timezone.localdate()
    offering = OfferingFactory(start_date=today - dt.timedelta(days=30), end_date=today - dt.timedelta(days=1))

    with pytest.raises(DomainError) as exc_info:
        enrollment_apply(offering=offering, trainee=personas.worker)

    assert exc_info.value.code == "ended"
    assert Enrollment.objects.count() == 0


def test_apply_on_the_last_day_is_still_allowed(personas):
    today = timezone.localdate()
    offering = OfferingFactory(start_date=today - dt.timedelta(days=30), end_date=today)

    assert enrollment_apply(offering=offering, trainee=personas.worker).status == Status.PENDING


def test_only_trainees_can_apply(personas):
    offering = OfferingFactory()

    with pytest.raises(DomainError) as exc_info:
        enrollment_apply(offering=offering, trainee=personas.manager)

    assert exc_info.value.code == "not_a_trainee"
    assert Enrollment.objects.count() == 0


# Prerequisites -----------------------------------------------------------------------------------


def test_missing_prerequisites_refuse_and_completing_them_allows(personas):
    basics = CourseFactory(code="PLC101", title_ko="PLC 기초")
    sensors = CourseFactory(code="SEN101", title_ko="센서 기초")
    advanced = CourseFactory(code="PLC201", title_ko="PLC 응용", prerequisites=[basics, sensors])
    offering = OfferingFactory(course=advanced)

    with pytest.raises(DomainError) as exc_info:
        enrollment_apply(offering=offering, trainee=personas.worker)
    assert exc_info.value.code == "prerequisites"
    assert "PLC 기초" in exc_info.value.message
    assert "센서 기초" in exc_info.value.message
    assert Enrollment.objects.filter(offering=offering).count() == 0

    # Complete one prerequisite: still refused, naming only the other.
    basics_run = OfferingFactory(course=basics)
    done = enrollment_approve(
        enrollment=enrollment_apply(offering=basics_run, trainee=personas.worker), by=personas.coordinator
    )
    enrollment_complete(enrollment=done, by=personas.instructor)
    assert missing_prerequisites(offering=offering, trainee=personas.worker) == ["센서 기초"]
    with pytest.raises(DomainError) as exc_info:
        enrollment_apply(offering=offering, trainee=personas.worker)
    assert exc_info.value.code == "prerequisites"
    assert "PLC 기초" not in exc_info.value.message

    # Only a completed enrollment counts: approved (not yet completed) is not enough.
    sensors_run = OfferingFactory(course=sensors)
    approved = enrollment_approve(
        enrollment=enrollment_apply(offering=sensors_run, trainee=personas.worker), by=personas.coordinator
    )
    assert missing_prerequisites(offering=offering, trainee=personas.worker) == ["센서 기초"]

    enrollment_complete(enrollment=approved, by=personas.instructor)
    assert missing_prerequisites(offering=offering, trainee=personas.worker) == []
    enrollment = enrollment_apply(offering=offering, trainee=personas.worker)
    assert enrollment.status == Status.PENDING
    # Another worker, without the prerequisites, is still refused.
    with pytest.raises(DomainError):
        enrollment_apply(offering=offering, trainee=personas.worker2)


def test_complete_requires_an_approved_enrollment(personas):
    enrollment = EnrollmentFactory(trainee=personas.worker)

    with pytest.raises(ConflictError):
        enrollment_complete(enrollment=enrollment, by=personas.instructor)

    enrollment.refresh_from_db()
    assert enrollment.status == Status.PENDING


# Nominations -------------------------------------------------------------------------------------


def test_manager_nominates_several_workers_at_once(personas):
    offering = OfferingFactory(capacity=10)

    created = enrollment_nominate(offering=offering, trainees=[personas.worker, personas.worker2], by=personas.manager)

    assert [e.trainee_id for e in created] == [personas.worker.pk, personas.worker2.pk]
    rows = list(Enrollment.objects.order_by("id").values_list("trainee_id", "status", "source", "nominated_by_id"))
    assert rows == [
        (personas.worker.pk, Status.PENDING, Source.NOMINATION, personas.manager.pk),
        (personas.worker2.pk, Status.PENDING, Source.NOMINATION, personas.manager.pk),
    ]
    assert _approved_count(offering) == 0


def test_nominating_a_foreign_worker_creates_none(personas):
    offering = OfferingFactory()

    with pytest.raises(DomainError) as exc_info:
        enrollment_nominate(
            offering=offering, trainees=[personas.worker, personas.worker_b, personas.worker2], by=personas.manager
        )

    assert exc_info.value.code == "not_your_worker"
    assert exc_info.value.status == 403
    assert "서고잔" in exc_info.value.message
    assert Enrollment.objects.count() == 0


@pytest.mark.parametrize("who", ["student", "manager_b"])
def test_nominating_someone_without_a_profile_at_the_company_creates_none(personas, who):
    offering = OfferingFactory()

    with pytest.raises(DomainError) as exc_info:
        enrollment_nominate(offering=offering, trainees=[personas.worker, getattr(personas, who)], by=personas.manager)

    assert exc_info.value.code == "not_your_worker"
    assert Enrollment.objects.count() == 0


def test_nomination_is_all_or_none_when_a_later_worker_is_already_enrolled(personas):
    offering = OfferingFactory()
    existing = enrollment_apply(offering=offering, trainee=personas.worker2)

    with pytest.raises(ConflictError) as exc_info:
        enrollment_nominate(offering=offering, trainees=[personas.worker, personas.worker2], by=personas.manager)

    assert exc_info.value.code == "already_enrolled"
    assert list(Enrollment.objects.values_list("pk", flat=True)) == [existing.pk]


def test_nominating_nobody_is_refused(personas):
    with pytest.raises(DomainError) as exc_info:
        enrollment_nominate(offering=OfferingFactory(), trainees=[], by=personas.manager)

    assert exc_info.value.code == "empty"


def test_nominations_to_a_full_offering_are_waitlisted(personas):
    offering = OfferingFactory(capacity=1)
    EnrollmentFactory(offering=offering, status=Status.APPROVED)

    created = enrollment_nominate(offering=offering, trainees=[personas.worker, personas.worker2], by=personas.manager)

    assert [e.status for e in created] == [Status.WAITLISTED, Status.WAITLISTED]
    assert all(e.waitlisted_at is not None for e in created)


# Decisions ---------------------------------------------------------------------------------------


def test_approve_fills_seats_then_waitlists(personas):
    offering = OfferingFactory(capacity=2, course__title_ko="협동로봇 안전")
    first, second, third = (
        enrollment_apply(offering=offering, trainee=t) for t in (personas.worker, personas.worker2, personas.student)
    )

    a = enrollment_approve(enrollment=first, by=personas.coordinator)
    assert a.status == Status.APPROVED
    assert a.decided_by == personas.coordinator
    assert a.decided_at is not None
    assert _approved_count(offering) == 1

    b = enrollment_approve(enrollment=second, by=personas.coordinator)
    assert b.status == Status.APPROVED
    assert _approved_count(offering) == 2

    c = enrollment_approve(enrollment=third, by=personas.coordinator)  # full: not an error
    assert c.status == Status.WAITLISTED
    assert c.waitlisted_at is not None
    assert c.decided_by is None
    assert _approved_count(offering) == 2

    assert dict(Enrollment.objects.values_list("trainee_id", "status")) == {
        personas.worker.pk: Status.APPROVED,
        personas.worker2.pk: Status.APPROVED,
        personas.student.pk: Status.WAITLISTED,
    }
    assert _messages(personas.worker) == [
        "협동로봇 안전 수강이 승인되었습니다. / Your enrollment in 협동로봇 안전 was approved."
    ]
    assert _messages(personas.student) == [
        "협동로봇 안전 정원이 찼습니다. 대기자로 등록되었습니다. / 협동로봇 안전 is full; you are on the waitlist."
    ]


def test_the_trainee_is_told_in_the_site_language_whatever_the_approver_uses(personas):
    """The notification is stored and e-mailed: it must not follow the approver's interface language."""
    offering = OfferingFactory(capacity=1, course__title_ko="MES 구축")
    first = enrollment_apply(offering=offering, trainee=personas.worker)
    second = enrollment_apply(offering=offering, trainee=personas.worker2)

    with translation.override("en"):
        enrollment_approve(enrollment=first, by=personas.coordinator)
        enrollment_approve(enrollment=second, by=personas.coordinator)

    assert _messages(personas.worker) == ["MES 구축 수강이 승인되었습니다. / Your enrollment in MES 구축 was approved."]
    assert _messages(personas.worker2) == [
        "MES 구축 정원이 찼습니다. 대기자로 등록되었습니다. / MES 구축 is full; you are on the waitlist."
    ]


def test_approving_a_waitlisted_enrollment_when_still_full_changes_nothing(personas):
    offering = OfferingFactory(capacity=1)
    EnrollmentFactory(offering=offering, status=Status.APPROVED)
    waiting = enrollment_apply(offering=offering, trainee=personas.worker)
    waitlisted_at = waiting.waitlisted_at

    result = enrollment_approve(enrollment=waiting, by=personas.coordinator)

    result.refresh_from_db()
    assert result.status == Status.WAITLISTED
    assert result.waitlisted_at == waitlisted_at
    assert _approved_count(offering) == 1
    assert Notification.objects.filter(user=personas.worker).count() == 0


def test_approving_a_waitlisted_enrollment_when_a_seat_is_free(personas):
    offering = OfferingFactory(capacity=1)
    waiting = EnrollmentFactory(offering=offering, trainee=personas.worker, status=Status.WAITLISTED)

    result = enrollment_approve(enrollment=waiting, by=personas.coordinator)

    assert result.status == Status.APPROVED
    assert _approved_count(offering) == 1


@pytest.mark.parametrize("status", [Status.APPROVED, Status.REJECTED, Status.CANCELLED, Status.COMPLETED])
def test_approving_a_decided_enrollment_is_a_conflict(personas, status):
    offering = OfferingFactory(capacity=5)
    enrollment = EnrollmentFactory(offering=offering, status=status)
    count = _approved_count(offering)

    with pytest.raises(ConflictError) as exc_info:
        enrollment_approve(enrollment=enrollment, by=personas.coordinator)

    assert exc_info.value.code == "already_decided"
    assert _approved_count(offering) == count


@pytest.mark.parametrize("reason", ["", "   ", "\n\t"])
def test_reject_requires_a_reason(personas, reason):
    enrollment = EnrollmentFactory(trainee=personas.worker)

    with pytest.raises(DomainError) as exc_info:
        enrollment_reject(enrollment=enrollment, by=personas.coordinator, reason=reason)

    assert exc_info.value.code == "reason_required"
    enrollment.refresh_from_db()
    assert enrollment.status == Status.PENDING
    assert enrollment.reason == ""
    assert Notification.objects.count() == 0


def test_reject_with_a_reason(personas):
    enrollment = EnrollmentFactory(trainee=personas.worker, offering__course__title_ko="MES 구축")

    enrollment_reject(enrollment=enrollment, by=personas.coordinator, reason="  선수 경력 부족  ")

    enrollment.refresh_from_db()
    assert enrollment.status == Status.REJECTED
    assert enrollment.reason == "선수 경력 부족"
    assert enrollment.decided_by == personas.coordinator
    assert _messages(personas.worker) == [
        "MES 구축 수강 신청이 반려되었습니다: 선수 경력 부족"
        " / Your application to MES 구축 was rejected: 선수 경력 부족"
    ]


def test_rejecting_an_approved_enrollment_frees_its_seat_for_the_waitlist(personas):
    offering = OfferingFactory(capacity=1)
    approved = EnrollmentFactory(offering=offering, trainee=personas.worker, status=Status.APPROVED)
    waiting = EnrollmentFactory(offering=offering, trainee=personas.worker2, status=Status.WAITLISTED)

    enrollment_reject(enrollment=approved, by=personas.coordinator, reason="재직 확인 불가")

    waiting.refresh_from_db()
    assert waiting.status == Status.APPROVED
    assert _approved_count(offering) == 1


# Cancelling and the waitlist ---------------------------------------------------------------------


def test_cancelling_an_approved_seat_promotes_the_first_waitlisted(
    personas, django_capture_on_commit_callbacks, mailoutbox
):
    offering = OfferingFactory(capacity=2, course__title_ko="예지보전 실무")
    leaving = EnrollmentFactory(offering=offering, trainee=personas.worker, status=Status.APPROVED)
    staying = EnrollmentFactory(offering=offering, status=Status.APPROVED)
    now = timezone.now()
    # Created in one order, waitlisted in another: the waitlist goes by waitlisted_at.
    late = EnrollmentFactory(offering=offering, status=Status.WAITLISTED, waitlisted_at=now - dt.timedelta(hours=1))
    early = EnrollmentFactory(
        offering=offering, trainee=personas.worker2, status=Status.WAITLISTED, waitlisted_at=now - dt.timedelta(hours=3)
    )
    middle = EnrollmentFactory(offering=offering, status=Status.WAITLISTED, waitlisted_at=now - dt.timedelta(hours=2))
    assert _approved_count(offering) == 2

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        enrollment_cancel(enrollment=leaving, by=personas.worker)
        assert mailoutbox == []  # nothing is sent before the commit

    assert dict(Enrollment.objects.filter(offering=offering).values_list("pk", "status")) == {
        leaving.pk: Status.CANCELLED,
        staying.pk: Status.APPROVED,
        early.pk: Status.APPROVED,
        middle.pk: Status.WAITLISTED,
        late.pk: Status.WAITLISTED,
    }
    assert _approved_count(offering) == 2
    leaving.refresh_from_db()
    assert leaving.decided_by == personas.worker

    message = (
        "자리가 나서 예지보전 실무 수강이 승인되었습니다."
        " / A seat opened: your enrollment in 예지보전 실무 is approved."
    )
    assert _messages(personas.worker2) == [message]
    assert Notification.objects.count() == 1  # only the promoted trainee is told

    assert len(callbacks) == 1
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == [personas.worker2.email]
    assert mail.subject == f"[sanhak] {message[:60]}"
    assert mail.body.startswith(message)


def test_cancelling_an_approved_seat_without_a_waitlist_frees_it(personas):
    offering = OfferingFactory(capacity=3)
    leaving = EnrollmentFactory(offering=offering, trainee=personas.worker, status=Status.APPROVED)
    EnrollmentFactory(offering=offering, status=Status.APPROVED)

    enrollment_cancel(enrollment=leaving, by=personas.coordinator)

    assert _approved_count(offering) == 1
    assert Notification.objects.count() == 0


@pytest.mark.parametrize("status", [Status.PENDING, Status.WAITLISTED])
def test_cancelling_an_unseated_enrollment_promotes_nobody(personas, status):
    offering = OfferingFactory(capacity=1)
    EnrollmentFactory(offering=offering, status=Status.APPROVED)
    leaving = EnrollmentFactory(offering=offering, trainee=personas.worker, status=status)
    waiting = EnrollmentFactory(offering=offering, status=Status.WAITLISTED)

    enrollment_cancel(enrollment=leaving, by=personas.worker)

    waiting.refresh_from_db()
    assert waiting.status == Status.WAITLISTED
    assert _approved_count(offering) == 1


@pytest.mark.parametrize("status", [Status.REJECTED, Status.CANCELLED, Status.COMPLETED])
def test_cancelling_a_finished_enrollment_is_a_conflict(personas, status):
    enrollment = EnrollmentFactory(trainee=personas.worker, status=status)

    with pytest.raises(ConflictError) as exc_info:
        enrollment_cancel(enrollment=enrollment, by=personas.worker)

    assert exc_info.value.code == "not_cancellable"
    enrollment.refresh_from_db()
    assert enrollment.status == status


# The database, not only the services, guards the seats -------------------------------------------


def test_database_refuses_more_approved_than_capacity_on_update():
    offering = OfferingFactory(capacity=10)
    Offering.objects.filter(pk=offering.pk).update(approved_count=10)

    with pytest.raises(IntegrityError), transaction.atomic():
        Offering.objects.filter(pk=offering.pk).update(approved_count=11)

    assert _approved_count(offering) == 10


def test_database_refuses_an_offering_created_over_capacity():
    with pytest.raises(IntegrityError), transaction.atomic():
        OfferingFactory(capacity=10, approved_count=11)

    assert Offering.objects.count() == 0
