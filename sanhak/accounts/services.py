"""Sign-up and profile writes."""

from __future__ import annotations

import contextlib
import json
from typing import Any

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.mail import send_mail
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from sanhak.accounts.models import ApiToken, PrivacyConsent, Role, RoleAssignment, Session, TraineeProfile, User
from sanhak.common.errors import ConflictError, DomainError
from sanhak.common.i18n import in_site_language
from sanhak.companies.models import Company, normalize_brn


def _consent(user: User) -> None:
    PrivacyConsent.objects.get_or_create(user=user, policy_version=settings.PRIVACY_POLICY_VERSION)


@transaction.atomic
def user_signup_trainee(
    *,
    email: str,
    name: str,
    password: str,
    kind: str,
    employer: Company | None = None,
    institution: Any = None,
    prefers_evening: bool = False,
    prefers_weekend: bool = False,
) -> User:
    user = User.objects.create_user(email=email, password=password, name=name)
    RoleAssignment.objects.create(user=user, role=Role.TRAINEE)
    TraineeProfile.objects.create(
        user=user,
        kind=kind,
        employer=employer if kind == TraineeProfile.Kind.INCUMBENT else None,
        institution=institution if kind != TraineeProfile.Kind.INCUMBENT else None,
        prefers_evening=prefers_evening,
        prefers_weekend=prefers_weekend,
    )
    _consent(user)
    return user


@transaction.atomic
def user_signup_company_manager(
    *, email: str, name: str, password: str, brn: str, company_name: str, employees: int, address: str = ""
) -> User:
    """Registers the company and its first manager together."""
    company = Company(brn=normalize_brn(brn), name=company_name, employees=employees, address=address)
    company.full_clean()
    company.save()
    user = User.objects.create_user(email=email, password=password, name=name)
    RoleAssignment.objects.create(user=user, role=Role.COMPANY_MANAGER, company=company)
    _consent(user)
    return user


def user_update_profile(*, user: User, name: str, phone: str) -> User:
    user.name, user.phone = name, phone
    user.save(update_fields=["name", "phone"])
    return user


# Roles a person takes on by signing up, and so may give up alone; the others are given by an institution
# or the program office, which also closes them.
SELF_SERVICE_ROLES = frozenset({Role.TRAINEE, Role.COMPANY_MANAGER})
WITHDRAWN_NAME = "탈퇴한 회원"


def withdrawal_refusal(user: User) -> str | None:
    """Why `user` cannot close their account themselves (None: they can)."""
    roles = list(user.roles.all())
    if user.is_staff or user.is_superuser or {r.role for r in roles} - SELF_SERVICE_ROLES:
        return _(
            "기관·사업단이 부여한 역할이 있는 계정은 직접 탈퇴할 수 없습니다. 사업단에 계정 해지를 요청하세요. / "
            "An account with a role given by an institution or the program office cannot be closed here: "
            "ask the program office to close it."
        )
    managed = [r.company_id for r in roles if r.role == Role.COMPANY_MANAGER]
    others = RoleAssignment.objects.filter(role=Role.COMPANY_MANAGER, company_id__in=managed, user__is_active=True)
    if managed and set(others.exclude(user=user).values_list("company_id", flat=True)) != set(managed):
        return _(
            "회사의 유일한 기업 담당자는 탈퇴할 수 없습니다. 다른 담당자를 먼저 초대하거나 사업단에 요청하세요. / "
            "The only manager of a company cannot close their account: invite another manager first, "
            "or ask the program office."
        )
    return None


@transaction.atomic
def user_withdraw(*, user: User) -> dict[str, int]:
    """회원 탈퇴 (PIPA: consent withdrawn, personal details erased): the account is closed for good.

    Ended: the person's sessions and API tokens, their pending or current applications to offerings that
    have not ended (seats freed, the waitlist moves) and their upcoming lab bookings, their notifications
    and calendar link, their certificates' names on public links, a company manager's role. Erased: name,
    e-mail, phone, password, job title and preferences. Kept, under the pseudonym: the training record
    (enrollments, attendance, completions, certificates) and what they did as a manager, which the
    program must keep and report, and the access log (kept by law), so that nothing whose history others
    rely on changes. The e-mail address is free to sign up again."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django.contrib.admin.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    from sanhak.common.models import Notification
    from sanhak.credentials.models import IssuedCredential
    from sanhak.enrollment.models import Enrollment, Status
    from sanhak.enrollment.services import enrollment_cancel
    from sanhak.labs.models import CalendarFeed, Reservation, ReservationStatus
    from sanhak.labs.services import reservation_cancel

    user = User.objects.select_for_update().get(pk=user.pk)
    refusal = withdrawal_refusal(user)
    if refusal is not None:
        raise DomainError(refusal, code="not_self_service", status=403)
    if user.withdrawn_at is not None:
        raise ConflictError(_("이미 탈퇴한 계정입니다. / This account is already closed."), code="withdrawn")
    now = timezone.now()
    applications = Enrollment.objects.filter(
        trainee=user,
        status__in=[Status.PENDING, Status.APPROVED, Status.WAITLISTED],
        offering__end_date__gte=timezone.localdate(),
    ).order_by("pk")
    cancelled = 0
    for enrollment in applications:
        with contextlib.suppress(ConflictError):  # decided meanwhile (rejected, completed): left as decided
            enrollment_cancel(enrollment=enrollment, by=user)
            cancelled += 1
    bookings = Reservation.objects.filter(
        user=user, status__in=[ReservationStatus.PENDING, ReservationStatus.CONFIRMED], starts_at__gt=now
    ).order_by("pk")
    unbooked = 0
    for reservation in bookings:
        with contextlib.suppress(ConflictError):
            reservation_cancel(reservation=reservation, by=user, reason="회원 탈퇴 / account closed")
            unbooked += 1
    done = {"enrollments_cancelled": cancelled, "bookings_cancelled": unbooked}
    done["tokens_revoked"] = ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=now)
    Session.objects.filter(user=user).delete()
    Notification.objects.filter(user=user).delete()
    CalendarFeed.objects.filter(user=user).delete()
    IssuedCredential.objects.filter(recipient=user).update(shared=False)
    RoleAssignment.objects.filter(user=user, role=Role.COMPANY_MANAGER).delete()
    # the address lingers elsewhere: the login throttle's records, the admin's history of changes
    for throttle_record in (AccessAttempt, AccessLog, AccessFailureLog):
        throttle_record.objects.filter(username__iexact=user.email).delete()
    LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(User), object_id=str(user.pk)).update(
        object_repr=WITHDRAWN_NAME
    )
    TraineeProfile.objects.filter(user=user).update(job_title="", prefers_evening=False, prefers_weekend=False)
    user.name, user.email, user.phone = WITHDRAWN_NAME, f"withdrawn-{user.pk}@withdrawn.invalid", ""
    user.set_unusable_password()
    user.is_active = False
    user.withdrawn_at = now
    user.save(update_fields=["name", "email", "phone", "password", "is_active", "withdrawn_at"])
    return done


def user_export_record(*, user: User) -> str:
    """PIPA: everything the platform holds about this person, as JSON — and who viewed it."""

    from sanhak.common.models import Notification
    from sanhak.credentials.models import IssuedCredential
    from sanhak.enrollment.models import Enrollment
    from sanhak.labs.models import Reservation, TrainingRecord
    from sanhak.learning.models import Attendance, AttendanceChange, Completion, LessonProgress, QuizAttempt

    profile = getattr(user, "trainee_profile", None)
    mine = {"enrollment__trainee": user}
    record: dict[str, Any] = {
        "email": user.email,
        "name": user.name,
        "phone": user.phone,
        "date_joined": user.date_joined,
        "roles": [
            {"role": r.role, "institution": str(r.institution or ""), "company": str(r.company or "")}
            for r in user.roles.select_related("institution", "company")
        ],
        "privacy_consents": [
            {"policy_version": c.policy_version, "consented_at": c.consented_at} for c in user.privacy_consents.all()
        ],
        "trainee_profile": None
        if profile is None
        else {
            "kind": profile.kind,
            "employer": str(profile.employer or ""),
            "institution": str(profile.institution or ""),
            "job_title": profile.job_title,
            "prefers_evening": profile.prefers_evening,
            "prefers_weekend": profile.prefers_weekend,
        },
        "enrollments": [
            {
                "course": e.offering.course.title_ko,
                "course_code": e.offering.course.code,
                "term": e.offering.term,
                "start_date": e.offering.start_date,
                "end_date": e.offering.end_date,
                "status": e.status,
                "source": e.source,
                "applied_at": e.created_at,
                "waitlisted_at": e.waitlisted_at,
                "decided_at": e.decided_at,
                "reason": e.reason,
            }
            for e in Enrollment.objects.filter(trainee=user).select_related("offering__course").order_by("id")
        ],
        "lesson_progress": list(
            LessonProgress.objects.filter(**mine)
            .order_by("id")
            .values(
                "enrollment__offering__course__code",
                "lesson__title",
                "started_at",
                "last_seen_at",
                "watched_seconds",
                "time_spent_seconds",
                "completed_at",
            )
        ),
        "quiz_attempts": list(
            QuizAttempt.objects.filter(**mine)
            .order_by("id")
            .values("quiz__title", "number", "started_at", "submitted_at", "score", "max_score", "timed_out")
        ),
        "attendance": list(
            Attendance.objects.filter(**mine)
            .order_by("session__date", "id")
            .values("enrollment__offering__course__code", "session__date", "status", "method", "checked_in_at")
        ),
        "attendance_changes": list(
            AttendanceChange.objects.filter(attendance__enrollment__trainee=user)
            .order_by("changed_at", "id")
            .values("attendance__session__date", "old_status", "new_status", "method", "changed_at", "reason")
        ),
        "completions": list(
            Completion.objects.filter(**mine)
            .order_by("id")
            .values("enrollment__offering__course__code", "passed", "evidence", "decided_at", "override_reason")
        ),
        "certificates": list(
            IssuedCredential.objects.filter(recipient=user)
            .order_by("created_at")
            .values("certificate_number", "institution__code", "created_at", "shared")
        ),
        "lab_reservations": list(
            Reservation.objects.filter(user=user)
            .order_by("starts_at", "id")
            .values(
                "equipment__code", "equipment__name", "starts_at", "ends_at", "status", "purpose", "project", "reason"
            )
        ),
        "lab_training_records": list(
            TrainingRecord.objects.filter(user=user).order_by("id").values("course__code", "completed_on", "note")
        ),
        "notifications": list(
            Notification.objects.filter(user=user)
            .order_by("created_at", "id")
            .values("message", "url", "created_at", "read_at")
        ),
        "api_tokens": list(
            user.api_tokens.order_by("id").values("name", "prefix", "created_at", "last_used_at", "revoked_at")
        ),
        "viewed_by_others": [
            {"at": a.created_at, "viewer": a.viewer.name if a.viewer else "", "purpose": a.purpose, "page": a.path}
            for a in accesses_about(user)
        ],
    }
    return json.dumps(record, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)


def accesses_about(user: User) -> Any:
    """The access-log rows in which someone else viewed `user` (a row lists up to 1,000 people)."""
    from sanhak.common.audit import log_rows, naming

    rows = log_rows().exclude(viewer=user).select_related("viewer").order_by("created_at", "id")
    return naming(rows, user.pk)


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    """Invitation links: like password-reset links (they stop working once a password is set, and after
    PASSWORD_RESET_TIMEOUT), but signed with their own salt, so neither kind of link opens the other page."""

    key_salt = "sanhak.accounts.services.InvitationTokenGenerator"


invitation_tokens = InvitationTokenGenerator()


def invite_link(user: User, *, base_url: str) -> str:
    """A one-time link (it stops working once a password is set) for an invited user."""
    path = reverse(
        "accounts:invite_accept",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": invitation_tokens.make_token(user),
        },
    )
    return base_url.rstrip("/") + path


def _invitation(*, name: str, by: User, company: Company, link: str) -> tuple[str, str]:
    """The invitation's subject and body, in the site's language: the invited worker has no language
    of their own yet, and the e-mail must not depend on the manager's interface language (as with the
    notifications in enrollment.services)."""
    params = {"name": name, "inviter": by.name, "company": company.name, "link": link}
    with in_site_language():
        subject = _("[sanhak] %(company)s에서 교육 플랫폼에 초대했습니다 / You are invited") % params
        body = (
            _(
                "%(name)s 님, %(inviter)s 님(%(company)s)이 산학 교육 플랫폼에 초대했습니다.\n"
                "아래 링크에서 비밀번호를 정하고 개인정보 수집·이용에 동의하면 가입이 완료됩니다.\n\n%(link)s\n\n"
                "%(inviter)s (%(company)s) invited you to sanhak. Open the link to set a password and finish."
            )
            % params
        )
    return subject, body


@transaction.atomic
def worker_invite(*, company: Company, by: User, name: str, email: str, job_title: str, base_url: str) -> User:
    """A company manager registers a worker: the account has no password until the worker opens the
    invitation, sets one and consents to the personal-data policy (nothing is collected before that
    beyond name, e-mail and job title)."""
    user = User.objects.create_user(email=email, password=None, name=name)
    RoleAssignment.objects.create(user=user, role=Role.TRAINEE)
    TraineeProfile.objects.create(user=user, kind=TraineeProfile.Kind.INCUMBENT, employer=company, job_title=job_title)
    subject, body = _invitation(name=name, by=by, company=company, link=invite_link(user, base_url=base_url))
    transaction.on_commit(
        lambda: send_mail(
            subject=subject,
            message=body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[user.email],
            fail_silently=True,
        )
    )
    return user


@transaction.atomic
def invite_accept(*, user: User, password: str) -> User:
    user.set_password(password)
    user.save(update_fields=["password"])
    _consent(user)
    return user
