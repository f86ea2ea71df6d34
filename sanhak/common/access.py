"""Scoped fetches: every view and API endpoint gets objects through these, never by a bare id.

Objects the user may not even know exist raise Http404 (another company's workers); actions the user
may see but not perform raise PermissionDenied.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from sanhak.accounts.models import Role, TraineeProfile, User
from sanhak.common.errors import FORBIDDEN
from sanhak.common.prepared import PreparedObjects
from sanhak.companies.models import Company, CompanyQuerySet
from sanhak.courses.models import Offering
from sanhak.demand.models import SurveyResponse
from sanhak.enrollment.models import Enrollment
from sanhak.labs.models import Equipment, Reservation
from sanhak.learning.models import LEARNING_STATUSES


def _denied() -> PermissionDenied:
    return PermissionDenied(_(FORBIDDEN))


def _authenticated(user: Any) -> User:
    if not getattr(user, "is_authenticated", False):
        raise _denied()
    return user


# Companies ---------------------------------------------------------------------------------------


def companies_visible(user: Any) -> CompanyQuerySet:
    """Program admins see every company; a company manager sees their own; nobody else any."""
    user = _authenticated(user)
    if user.is_program_admin:
        return Company.objects.all()
    return Company.objects.filter(pk__in=user.managed_company_ids)


def company_for_user(user: Any, pk: Any) -> Company:
    try:
        return companies_visible(user).get(pk=int(pk))
    except (Company.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404(_("기업을 찾을 수 없습니다. / Company not found.")) from exc


def workers_visible(user: Any, company: Company) -> QuerySet[User]:
    """The incumbent workers of `company`, if the user may see that company."""
    user = _authenticated(user)
    if not (user.is_program_admin or company.pk in user.managed_company_ids):
        company_for_user(user, company.pk)  # raises 404
    return User.objects.filter(
        trainee_profile__employer=company, trainee_profile__kind=TraineeProfile.Kind.INCUMBENT, is_active=True
    ).select_related("trainee_profile")


# Offerings and enrollments -----------------------------------------------------------------------


def offerings_manageable(user: Any) -> QuerySet[Offering]:
    """Offerings whose enrollments the user decides: program admins all, coordinators their institutions'."""
    user = _authenticated(user)
    if user.is_program_admin:
        return Offering.objects.all()
    if user.is_coordinator:
        return Offering.objects.filter(course__institution_id__in=user.coordinated_institution_ids)
    raise _denied()


# Every offering page starts here (access checks, rosters, classrooms): prepared, as select_related
# would load it.
_OFFERING = PreparedObjects(
    lambda pk: Offering.objects.filter(pk=pk),
    {"": None, "course": None, "course__institution": None, "course__track": None},
)


def offering_or_404(pk: Any) -> Offering:
    try:
        found = _OFFERING(int(pk))
    except (ValueError, TypeError):
        found = []
    if not found:
        raise Http404(_("강좌를 찾을 수 없습니다. / Offering not found."))
    offering: Offering = found[0]
    return offering


def can_manage_offering(user: Any, offering: Offering) -> bool:
    """The same rule as offerings_manageable, for one offering already loaded (no query)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return user.is_program_admin or offering.course.institution_id in user.coordinated_institution_ids


def offering_manageable(user: Any, pk: Any) -> Offering:
    """Offerings are public, so one the user may not manage is a 403, not a 404."""
    _authenticated(user)
    offering = offering_or_404(pk)
    if not can_manage_offering(user, offering):
        raise _denied()
    return offering


def offering_roster_visible(user: Any, pk: Any) -> Offering:
    """The roster: managers of the offering, and its instructors."""
    _authenticated(user)
    offering = offering_or_404(pk)
    if can_teach_offering(user, offering):
        return offering
    raise _denied()


def enrollment_manageable(user: Any, pk: Any) -> Enrollment:
    offerings = offerings_manageable(user)
    try:
        return Enrollment.objects.select_related("offering__course", "trainee").get(pk=int(pk), offering__in=offerings)
    except (Enrollment.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404(_("신청을 찾을 수 없습니다. / Enrollment not found.")) from exc


def enrollments_visible(user: Any) -> QuerySet[Enrollment]:
    """Enrollments the user may see: their own; their workers' (managers); their offerings' (staff)."""
    user = _authenticated(user)
    if user.is_program_admin:
        return Enrollment.objects.all()
    cond = Q(trainee=user)
    if user.managed_company_ids:
        cond |= Q(trainee__trainee_profile__employer_id__in=user.managed_company_ids)
    if user.is_coordinator:
        cond |= Q(offering__course__institution_id__in=user.coordinated_institution_ids)
    if user.is_instructor:
        cond |= Q(offering__instructors=user)
    return Enrollment.objects.filter(cond).distinct() if user.is_instructor else Enrollment.objects.filter(cond)


def enrollment_own(user: Any, pk: Any) -> Enrollment:
    """An enrollment the user may cancel: their own, or (staff) one they manage.

    Someone else's enrollment the user cannot even see is a 404, as if it did not exist (a 403 would
    confirm the id to another trainee); one they can see but not manage (their worker's, their
    class's) is a 403."""
    user = _authenticated(user)
    try:
        enrollment = Enrollment.objects.select_related("offering__course", "trainee").get(pk=int(pk))
    except (Enrollment.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404(_("신청을 찾을 수 없습니다. / Enrollment not found.")) from exc
    if enrollment.trainee_id == user.pk or can_manage_offering(user, enrollment.offering):
        return enrollment
    if not enrollments_visible(user).filter(pk=enrollment.pk).exists():
        raise Http404(_("신청을 찾을 수 없습니다. / Enrollment not found."))
    raise _denied()


def managed_company(user: Any) -> Company:
    """The company a company manager manages (404 if they have none)."""
    company = require_company_manager(user).managed_company
    if company is None:
        raise Http404(_("관리하는 기업이 없습니다. / You do not manage a company."))
    return company


def require_company_manager(user: Any) -> User:
    user = _authenticated(user)
    if not user.has_role(Role.COMPANY_MANAGER):
        raise _denied()
    return user


# --- labs ------------------------------------------------------------------------------------


def reservations_visible(user: Any) -> QuerySet[Reservation]:
    """Reservations with their people: one's own (booked by or for them); all of the equipment a lab
    manager manages; everything for program admins."""
    user = _authenticated(user)
    if user.is_program_admin:
        return Reservation.objects.all()
    cond = Q(user=user) | Q(created_by=user)
    if user.lab_institution_ids:
        cond |= Q(equipment__facility__institution_id__in=user.lab_institution_ids)
    return Reservation.objects.filter(cond)


def reservation_visible(user: Any, pk: Any) -> Reservation:
    """A reservation the user may act on (services decide which actions); others' are a 404."""
    try:
        return reservations_visible(user).select_related("equipment__facility", "user").get(pk=int(pk))
    except (Reservation.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404(_("예약을 찾을 수 없습니다. / Reservation not found.")) from exc


def equipment_managed(user: Any) -> QuerySet[Equipment]:
    """Equipment whose bookings the user approves and whose reports they see (lab managers, admins)."""
    user = _authenticated(user)
    if user.is_program_admin:
        return Equipment.objects.all()
    if not user.lab_institution_ids:
        raise _denied()
    return Equipment.objects.filter(facility__institution_id__in=user.lab_institution_ids)


# --- online learning --------------------------------------------------------------------------------


def learning_enrollment(user: Any, offering: Offering) -> Enrollment | None:
    """The user's enrollment that lets them learn in `offering` (approved or completed), if any."""
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        Enrollment.objects.filter(offering=offering, trainee=user, status__in=LEARNING_STATUSES)
        .select_related("offering")
        .first()
    )


def can_teach_offering(user: Any, offering: Offering) -> bool:
    """Managers of the offering and its instructors (who author lessons, take attendance, grade)."""
    if can_manage_offering(user, offering):
        return True
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_instructor
        and offering.instructors.filter(pk=user.pk).exists()
    )


def offering_classroom(user: Any, pk: Any) -> tuple[Offering, Enrollment | None]:
    """The online classroom: enrolled trainees (with their enrollment) and the offering's staff."""
    user = _authenticated(user)
    offering = offering_or_404(pk)
    enrollment = learning_enrollment(user, offering)
    if enrollment is None and not can_teach_offering(user, offering):
        raise PermissionDenied(
            _("수강 승인된 교육생만 학습할 수 있습니다. / Only approved trainees can take this course online.")
        )
    return offering, enrollment


def progress_visible(user: Any, pk: Any) -> tuple[Offering, QuerySet[Enrollment]]:
    """An offering's progress table and whose rows the user may see: staff everyone's, a company
    manager their workers' (403 if none of them take it)."""
    user = _authenticated(user)
    offering = offering_or_404(pk)
    learners = Enrollment.objects.filter(offering=offering, status__in=LEARNING_STATUSES)
    if can_teach_offering(user, offering):
        return offering, learners
    if user.managed_company_ids:
        mine = learners.filter(trainee__trainee_profile__employer_id__in=user.managed_company_ids)
        if mine.exists():
            return offering, mine
    raise _denied()


# --- demand surveys ---------------------------------------------------------------------------------


def survey_response_for(user: Any, pk: Any) -> SurveyResponse:
    """A company's survey response: its own managers (to answer) and the program office (to read and
    reopen). Another company's answers do not exist for a company manager (404)."""
    user = _authenticated(user)
    responses = SurveyResponse.objects.select_related("round", "company")
    if not user.is_program_admin:
        responses = responses.filter(company_id__in=user.managed_company_ids)
    try:
        return responses.get(pk=int(pk))
    except (SurveyResponse.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404(_("응답을 찾을 수 없습니다. / Response not found.")) from exc


def require_demand_staff(user: Any) -> User:
    """The program office and the institutions' coordinators (statement mapping, gap analysis)."""
    user = _authenticated(user)
    if not (user.is_program_admin or user.is_coordinator):
        raise _denied()
    return user


def recommendation_audience(user: Any) -> tuple[str, Company | TraineeProfile | None]:
    """Whose demand-based recommendations the user gets: ("manager", their company), ("worker", their
    incumbent-worker profile with an employer) or ("student", their profile, if any) for a trainee
    without one; everyone else 403."""
    user = _authenticated(user)
    if user.is_company_manager:
        return "manager", managed_company(user)
    if user.is_trainee:
        profile = TraineeProfile.objects.filter(user=user).select_related("employer").first()
        if profile is not None and profile.employer_id is not None:
            return "worker", profile
        return "student", profile
    raise _denied()
