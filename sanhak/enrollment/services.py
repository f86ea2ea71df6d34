"""Enrollment decisions. Seats are guarded by a row lock on the offering plus a database check
constraint (approved_count <= capacity), so concurrent approvals can never over-fill an offering."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from sanhak.accounts.models import Role
from sanhak.common.errors import ConflictError, DomainError
from sanhak.common.i18n import in_site_language
from sanhak.common.notifications import notification_send
from sanhak.courses.models import Offering
from sanhak.enrollment.models import Enrollment, Source, Status

if TYPE_CHECKING:
    from sanhak.accounts.models import User


def missing_prerequisites(*, offering: Offering, trainee: User) -> list[str]:
    """Titles of the offering's prerequisite courses the trainee has not completed."""
    required = list(offering.course.prerequisites.all())
    if not required:
        return []
    done = set(
        Enrollment.objects.filter(trainee=trainee, status=Status.COMPLETED, offering__course__in=required).values_list(
            "offering__course_id", flat=True
        )
    )
    return [c.title for c in required if c.pk not in done]


def _seats_taken(offering: Offering, delta: int) -> None:
    """Move the seat counter (the row is locked by the caller); updated_at moves too, so caches keyed
    on the catalog's last change (courses.selectors.catalog_version) see it."""
    Offering.objects.filter(pk=offering.pk).update(
        approved_count=F("approved_count") + delta, updated_at=timezone.now()
    )


def _lock_offering(offering: Offering) -> Offering:
    return Offering.objects.select_for_update().get(pk=offering.pk)


def _check_can_enroll(*, offering: Offering, trainee: User) -> None:
    if not trainee.is_active or not trainee.has_role(Role.TRAINEE):
        raise DomainError(
            _("%(name)s 님은 교육생으로 등록되어 있지 않습니다. / %(name)s is not registered as a trainee.")
            % {"name": trainee.name},
            code="not_a_trainee",
        )
    if not offering.is_open:
        raise DomainError(_("신청이 마감된 강좌입니다. / Applications for this offering are closed."), code="closed")
    if offering.end_date < timezone.localdate():
        raise DomainError(_("이미 종료된 강좌입니다. / This offering has ended."), code="ended")
    missing = missing_prerequisites(offering=offering, trainee=trainee)
    if missing:
        raise DomainError(
            _(
                "%(name)s 님은 선수 과목을 이수하지 않았습니다: %(courses)s / %(name)s has not completed the prerequisites: %(courses)s"
            )
            % {"name": trainee.name, "courses": ", ".join(missing)},
            code="prerequisites",
        )


def _create(*, offering: Offering, trainee: User, source: str, nominated_by: User | None) -> Enrollment:
    """Inside a transaction that holds the offering lock."""
    _check_can_enroll(offering=offering, trainee=trainee)
    now = timezone.now()
    full = offering.approved_count >= offering.capacity
    enrollment = Enrollment(
        offering=offering,
        trainee=trainee,
        source=source,
        nominated_by=nominated_by,
        status=Status.WAITLISTED if full else Status.PENDING,
        waitlisted_at=now if full else None,
    )
    try:
        with transaction.atomic():
            enrollment.save()
    except IntegrityError as exc:
        raise ConflictError(
            _("%(name)s 님은 이미 이 강좌에 신청되어 있습니다. / %(name)s has already applied to this offering.")
            % {"name": trainee.name},
            code="already_enrolled",
        ) from exc
    return enrollment


@transaction.atomic
def enrollment_apply(*, offering: Offering, trainee: User) -> Enrollment:
    locked = _lock_offering(offering)
    return _create(offering=locked, trainee=trainee, source=Source.APPLICATION, nominated_by=None)


@transaction.atomic
def enrollment_nominate(*, offering: Offering, trainees: Sequence[User], by: User) -> list[Enrollment]:
    """A company manager nominates several of their own workers at once: all or none."""
    if not trainees:
        raise DomainError(_("추천할 직원을 선택하세요. / Choose at least one worker."), code="empty")
    managed = by.managed_company_ids
    for trainee in trainees:
        profile = getattr(trainee, "trainee_profile", None)
        if profile is None or profile.employer_id not in managed:
            raise DomainError(
                _("%(name)s 님은 귀사 소속 직원이 아닙니다. / %(name)s is not one of your workers.")
                % {"name": trainee.name},
                code="not_your_worker",
                status=403,
            )
    locked = _lock_offering(offering)
    return [_create(offering=locked, trainee=t, source=Source.NOMINATION, nominated_by=by) for t in trainees]


def _notify_decision(enrollment: Enrollment, message: str, **params: str) -> None:
    """Tell the trainee. `message` is marked with gettext_noop and translated here, in the site's
    language: the text is stored and e-mailed to the trainee, so it must not depend on the interface
    language of whoever made the decision (an English-speaking coordinator)."""
    with in_site_language():
        text = _(message) % params
    notification_send(user=enrollment.trainee, message=text, url=reverse("enrollment:my_courses"))


@transaction.atomic
def enrollment_approve(*, enrollment: Enrollment, by: User) -> Enrollment:
    """Approve if a seat is free; otherwise the application goes onto the waitlist (not an error)."""
    offering = _lock_offering(enrollment.offering)
    enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
    if enrollment.status not in (Status.PENDING, Status.WAITLISTED):
        raise ConflictError(
            _("이미 처리된 신청입니다(%(status)s). / This application was already decided (%(status)s).")
            % {"status": enrollment.get_status_display()},
            code="already_decided",
        )
    now = timezone.now()
    if offering.approved_count < offering.capacity:
        _seats_taken(offering, +1)
        enrollment.status = Status.APPROVED
        enrollment.decided_by, enrollment.decided_at = by, now
        enrollment.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
        _notify_decision(
            enrollment,
            gettext_noop("%(course)s 수강이 승인되었습니다. / Your enrollment in %(course)s was approved."),
            course=offering.course.title_ko,
        )
    elif enrollment.status == Status.PENDING:
        enrollment.status = Status.WAITLISTED
        enrollment.waitlisted_at = now
        enrollment.save(update_fields=["status", "waitlisted_at", "updated_at"])
        _notify_decision(
            enrollment,
            gettext_noop(
                "%(course)s 정원이 찼습니다. 대기자로 등록되었습니다. / %(course)s is full; you are on the waitlist."
            ),
            course=offering.course.title_ko,
        )
    return enrollment


@transaction.atomic
def enrollment_reject(*, enrollment: Enrollment, by: User, reason: str) -> Enrollment:
    reason = reason.strip()
    if not reason:
        raise DomainError(_("반려 사유를 입력하세요. / A reason is required to reject."), code="reason_required")
    offering = _lock_offering(enrollment.offering)
    enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
    if enrollment.status not in (Status.PENDING, Status.WAITLISTED, Status.APPROVED):
        raise ConflictError(
            _("반려할 수 없는 상태입니다(%(status)s). / Cannot reject in this state (%(status)s).")
            % {"status": enrollment.get_status_display()},
            code="already_decided",
        )
    was_approved = enrollment.status == Status.APPROVED
    enrollment.status = Status.REJECTED
    enrollment.reason = reason
    enrollment.decided_by, enrollment.decided_at = by, timezone.now()
    enrollment.save(update_fields=["status", "reason", "decided_by", "decided_at", "updated_at"])
    _notify_decision(
        enrollment,
        gettext_noop(
            "%(course)s 수강 신청이 반려되었습니다: %(reason)s / Your application to %(course)s was rejected: %(reason)s"
        ),
        course=offering.course.title_ko,
        reason=reason,
    )
    if was_approved:
        _release_seat(offering)
    return enrollment


@transaction.atomic
def enrollment_cancel(*, enrollment: Enrollment, by: User) -> Enrollment:
    offering = _lock_offering(enrollment.offering)
    enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
    if enrollment.status not in (Status.PENDING, Status.APPROVED, Status.WAITLISTED):
        raise ConflictError(
            _("취소할 수 없는 상태입니다. / This enrollment cannot be cancelled."), code="not_cancellable"
        )
    was_approved = enrollment.status == Status.APPROVED
    enrollment.status = Status.CANCELLED
    enrollment.decided_by, enrollment.decided_at = by, timezone.now()
    enrollment.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
    if was_approved:
        _release_seat(offering)
    return enrollment


def _release_seat(offering: Offering) -> None:
    """A seat freed (offering row already locked): give it to the first on the waitlist."""
    _seats_taken(offering, -1)
    first = Enrollment.objects.select_for_update().filter(offering=offering).waitlist().first()
    if first is None:
        return
    _seats_taken(offering, +1)
    first.status = Status.APPROVED
    first.decided_at = timezone.now()
    first.save(update_fields=["status", "decided_at", "updated_at"])
    _notify_decision(
        first,
        gettext_noop(
            "자리가 나서 %(course)s 수강이 승인되었습니다. / A seat opened: your enrollment in %(course)s is approved."
        ),
        course=offering.course.title_ko,
    )


@transaction.atomic
def enrollment_complete(*, enrollment: Enrollment, by: User) -> Enrollment:
    enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
    if enrollment.status != Status.APPROVED:
        raise ConflictError(_("승인된 수강만 수료 처리할 수 있습니다. / Only approved enrollments can be completed."))
    enrollment.status = Status.COMPLETED
    enrollment.decided_by, enrollment.decided_at = by, timezone.now()
    enrollment.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
    return enrollment
