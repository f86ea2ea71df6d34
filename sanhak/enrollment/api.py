"""REST API: apply, nominate, approve, reject, cancel and list enrollments.

Every object comes through sanhak.common.access; every write through sanhak.enrollment.services.
"""

# No `from __future__ import annotations` here: django-ninja reads the endpoint annotations at import time.

import datetime as dt

from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from sanhak.accounts.models import User
from sanhak.api.auth import caller
from sanhak.api.pagination import AuditedPagination
from sanhak.api.schemas import DbId, PathId, ReasonIn, errors
from sanhak.common import access
from sanhak.common.audit import personal_data_viewed
from sanhak.courses.api import offering_public
from sanhak.courses.models import Offering
from sanhak.enrollment import services
from sanhak.enrollment.models import Enrollment
from sanhak.enrollment.models import Status as EnrollmentStatus

router = Router(tags=["enrollment"])
NOMINATE_MAX = 200


class PersonOut(Schema):
    id: int
    name: str


class EnrollmentOfferingOut(Schema):
    id: int
    course_code: str
    course_title_ko: str
    term: str
    start_date: dt.date
    end_date: dt.date

    @staticmethod
    def resolve_course_code(obj: Offering) -> str:
        return obj.course.code

    @staticmethod
    def resolve_course_title_ko(obj: Offering) -> str:
        return obj.course.title_ko


class EnrollmentOut(Schema):
    id: int
    offering: EnrollmentOfferingOut
    trainee: PersonOut
    status: str = Field(description="pending | approved | waitlisted | rejected | cancelled | completed")
    source: str = Field(description="application | nomination")
    nominated_by: PersonOut | None
    decided_by: PersonOut | None
    decided_at: dt.datetime | None
    waitlisted_at: dt.datetime | None
    reason: str
    created_at: dt.datetime


class EnrollmentFilters(Schema):
    offering: DbId | None = Field(None, description="offering id")
    status: EnrollmentStatus | None = None


class NominateIn(Schema):
    trainee_ids: list[DbId] = Field(min_length=1, max_length=NOMINATE_MAX, description="your workers' user ids")


def _for_output(qs: QuerySet[Enrollment]) -> QuerySet[Enrollment]:
    return qs.select_related("offering__course", "trainee", "nominated_by", "decided_by")


def _reloaded(enrollment: Enrollment) -> Enrollment:
    return _for_output(Enrollment.objects.filter(pk=enrollment.pk)).get()


# Reads -------------------------------------------------------------------------------------------


@router.get(
    "/enrollments", response={200: list[EnrollmentOut], **errors(401, 422)}, summary="List the enrollments you may see"
)
@paginate(AuditedPagination, purpose="api_enrollments", subject=lambda e: e.trainee_id)
def enrollment_list(request: HttpRequest, filters: Query[EnrollmentFilters]) -> QuerySet[Enrollment]:
    """Your own; your workers' (company managers); your offerings' (coordinators, instructors); all (admins)."""
    qs = access.enrollments_visible(caller(request))
    if filters.offering is not None:
        qs = qs.filter(offering_id=filters.offering)
    if filters.status is not None:
        qs = qs.filter(status=filters.status)
    return _for_output(qs).order_by("created_at", "id")


@router.get(
    "/enrollments/{enrollment_id}", response={200: EnrollmentOut, **errors(401, 404, 422)}, summary="One enrollment"
)
def enrollment_detail(request: HttpRequest, enrollment_id: PathId) -> Enrollment:
    user = caller(request)
    enrollment = _for_output(access.enrollments_visible(user)).filter(pk=enrollment_id).first()
    if enrollment is None:
        raise Http404(_("신청을 찾을 수 없습니다. / Enrollment not found."))
    personal_data_viewed(request=request, viewer=user, purpose="api_enrollment", subject_ids=[enrollment.trainee_id])
    return enrollment


# Writes ------------------------------------------------------------------------------------------


def _answered(request: HttpRequest, user: User, purpose: str, enrollments: list[Enrollment]) -> None:
    """A write's answer shows the enrollments it made or decided, and so their trainees (PIPA); the
    caller's own is not logged."""
    personal_data_viewed(request=request, viewer=user, purpose=purpose, subject_ids=[e.trainee_id for e in enrollments])


@router.post(
    "/offerings/{offering_id}/apply",
    response={201: EnrollmentOut, **errors(400, 401, 403, 404, 409, 422)},
    summary="Apply to an offering yourself",
)
def offering_apply(request: HttpRequest, offering_id: PathId) -> Status[Enrollment]:
    """Trainees only. A full offering puts the application on the waitlist."""
    user = caller(request)
    offering = offering_public(offering_id, details=False)
    enrollment = services.enrollment_apply(offering=offering, trainee=user)
    return Status(201, _reloaded(enrollment))


@router.post(
    "/offerings/{offering_id}/nominate",
    response={201: list[EnrollmentOut], **errors(400, 401, 403, 404, 409, 422)},
    summary="Nominate your workers (company managers)",
)
def offering_nominate(request: HttpRequest, offering_id: PathId, payload: NominateIn) -> Status[list[Enrollment]]:
    """All or none: every id must be an incumbent worker of a company you manage."""
    user = access.require_company_manager(caller(request))
    offering = offering_public(offering_id, details=False)
    ids = list(dict.fromkeys(payload.trainee_ids))
    found: dict[int, User] = {}
    for company in access.companies_visible(user).filter(pk__in=user.managed_company_ids):
        for worker in access.workers_visible(user, company).filter(pk__in=ids):
            found[worker.pk] = worker
    missing = [i for i in ids if i not in found]
    if missing:
        shown = ", ".join(str(i) for i in missing)
        raise Http404(
            _("귀사 직원 중에서 찾을 수 없습니다: %(ids)s / Not among your workers: %(ids)s") % {"ids": shown}
        )
    enrollments = services.enrollment_nominate(offering=offering, trainees=[found[i] for i in ids], by=user)
    pks = [e.pk for e in enrollments]
    _answered(request, user, "api_nominate", enrollments)
    return Status(201, sorted(_for_output(Enrollment.objects.filter(pk__in=pks)), key=lambda e: pks.index(e.pk)))


@router.post(
    "/enrollments/{enrollment_id}/approve",
    response={200: EnrollmentOut, **errors(401, 403, 404, 409, 422)},
    summary="Approve an application (program admins, the offering's coordinators)",
)
def enrollment_approve(request: HttpRequest, enrollment_id: PathId) -> Enrollment:
    """If the offering is full, the application goes onto the waitlist instead (status waitlisted)."""
    user = caller(request)
    enrollment = access.enrollment_manageable(user, enrollment_id)
    decided = _reloaded(services.enrollment_approve(enrollment=enrollment, by=user))
    _answered(request, user, "api_enrollment_approve", [decided])
    return decided


@router.post(
    "/enrollments/{enrollment_id}/reject",
    response={200: EnrollmentOut, **errors(400, 401, 403, 404, 409, 422)},
    summary="Reject an application with a reason (program admins, the offering's coordinators)",
)
def enrollment_reject(request: HttpRequest, enrollment_id: PathId, payload: ReasonIn) -> Enrollment:
    user = caller(request)
    enrollment = access.enrollment_manageable(user, enrollment_id)
    decided = _reloaded(services.enrollment_reject(enrollment=enrollment, by=user, reason=payload.reason))
    _answered(request, user, "api_enrollment_reject", [decided])
    return decided


@router.post(
    "/enrollments/{enrollment_id}/cancel",
    response={200: EnrollmentOut, **errors(401, 403, 404, 409, 422)},
    summary="Cancel an enrollment (your own, or one you manage)",
)
def enrollment_cancel(request: HttpRequest, enrollment_id: PathId) -> Enrollment:
    user = caller(request)
    enrollment = access.enrollment_own(user, enrollment_id)
    decided = _reloaded(services.enrollment_cancel(enrollment=enrollment, by=user))
    _answered(request, user, "api_enrollment_cancel", [decided])
    return decided
