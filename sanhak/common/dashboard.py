"""What each role sees first: a few aggregate queries per role, independent of the data size."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from sanhak.accounts.models import Role, TraineeProfile, User
from sanhak.common.i18n import in_language
from sanhak.common.prepared import Prepared
from sanhak.companies.models import Company
from sanhak.courses.models import Course, Offering
from sanhak.enrollment.models import Enrollment, Status
from sanhak.enrollment.selectors import StatusLabelled
from sanhak.labs.models import Reservation, ReservationStatus


def _every_status(counted: Iterable[tuple[str, int]]) -> dict[str, int]:
    """(status, count) pairs as a count for every status, zero where none."""
    counts = {s.value: 0 for s in Status}
    counts.update(counted)
    return counts


def _status_counts(qs: Any) -> dict[str, int]:
    return _every_status(qs.values("status").annotate(n=Count("id")).order_by().values_list("status", "n"))


def program_overview() -> dict[str, Any]:
    """The program's figures (counts only, nobody's personal data): program admins and council members."""
    return {
        "companies": Company.objects.count(),
        "trainees": User.objects.filter(roles__role=Role.TRAINEE).count(),
        "courses": Course.objects.count(),
        "offerings": Offering.objects.filter(end_date__gte=timezone.localdate()).count(),
        "enrollment_counts": _status_counts(Enrollment.objects.all()),
    }


COORDINATOR_OFFERINGS_SHOWN = 15


def coordinator_panel(user: User) -> dict[str, Any]:
    """The coordinator's current and upcoming offerings, those with applications waiting for a decision
    first (most waiting first), then by start date; the first 15 of them, and how many there are."""
    today = timezone.localdate()
    institution_ids = user.coordinated_institution_ids
    current = Offering.objects.filter(course__institution_id__in=institution_ids, end_date__gte=today)
    offerings = (
        current.select_related("course")
        .annotate(
            pending=Count("enrollments", filter=Q(enrollments__status=Status.PENDING)),
            waitlisted=Count("enrollments", filter=Q(enrollments__status=Status.WAITLISTED)),
        )
        .order_by("-pending", "start_date", "id")[:COORDINATOR_OFFERINGS_SHOWN]
    )
    return {
        "pending_total": Enrollment.objects.filter(
            offering__course__institution_id__in=institution_ids, status=Status.PENDING
        ).count(),
        "offerings": list(offerings),
        "offering_total": current.count(),
    }


def instructor_panel(user: User) -> dict[str, Any]:
    return {
        "offerings": list(
            Offering.objects.filter(instructors=user, end_date__gte=timezone.localdate())
            .select_related("course")
            .order_by("start_date")[:15]
        )
    }


# The company manager's panel is the busiest dashboard (every manager of thousands of tenant companies):
# its three queries are prepared once and come back as plain rows, which are both the page's cache key
# and what it shows.
_COMPANY = Prepared(
    lambda company_id: (
        Company.objects.filter(pk=company_id)
        .annotate(
            worker_count=Coalesce(
                Subquery(
                    TraineeProfile.objects.filter(employer_id=OuterRef("pk"))
                    .order_by()
                    .values("employer_id")
                    .annotate(n=Count("id"))
                    .values("n")
                ),
                0,
            )
        )
        .values_list("id", "name", "worker_count")
    )
)


def _worker_enrollments(company_id: int) -> QuerySet[Enrollment]:
    # trainee_id IN (the company's workers), not a join through users: the user row is not needed
    return Enrollment.objects.filter(
        trainee_id__in=TraineeProfile.objects.filter(employer_id=company_id).values("user_id")
    )


_STATUS_COUNTS = Prepared(
    lambda company_id: (
        _worker_enrollments(company_id).values("status").annotate(n=Count("id")).order_by().values_list("status", "n")
    )
)
_NEWEST_FIRST = ("-created_at", "-id")
_RECENT = Prepared(
    lambda company_id: (
        # the ten newest picked before the names are joined in, not after joining all of them
        Enrollment.objects.filter(pk__in=_worker_enrollments(company_id).order_by(*_NEWEST_FIRST).values("pk")[:10])
        .order_by(*_NEWEST_FIRST)
        .values_list(
            "id", "status", "trainee_id", "trainee__name", "offering__course__title_ko", "offering__course__title_en"
        )
    )
)


@dataclass(frozen=True)
class RecentEnrollment(StatusLabelled):
    id: int
    status: str
    trainee_id: int
    trainee_name: str
    course_title: str


def manager_panel(user: User) -> dict[str, Any]:
    company_id = user.managed_company_id
    company = _COMPANY(company_id) if company_id is not None else []
    if not company:
        return {}
    _, name, workers = company[0]
    return {
        "company": {"id": company_id, "name": name},
        "worker_count": workers,
        "enrollment_counts": _every_status(_STATUS_COUNTS(company_id)),
        "recent": [
            RecentEnrollment(pk, status, trainee_id, trainee, in_language(ko, en))
            for pk, status, trainee_id, trainee, ko, en in _RECENT(company_id)
        ],
    }


def trainee_panel(user: User) -> dict[str, Any]:
    current = (
        Enrollment.objects.filter(trainee=user, status__in=[Status.PENDING, Status.APPROVED, Status.WAITLISTED])
        .select_related("offering__course")
        .order_by("offering__start_date")[:10]
    )
    return {"current": list(current)}


def lab_panel(user: User) -> dict[str, Any]:
    """Lab managers: bookings waiting for approval and today's bookings on their equipment."""
    mine = Reservation.objects.filter(equipment__facility__institution_id__in=user.lab_institution_ids)
    today = timezone.localdate()
    return {
        "pending": mine.filter(status=ReservationStatus.PENDING).count(),
        "today": mine.blocking().filter(starts_at__date=today).count(),
    }


def shown_people(ctx: dict[str, Any]) -> list[int]:
    """The people whose names the home page shows (PIPA): the manager panel's recent enrollments."""
    return [e.trainee_id for e in ctx.get("manager_panel", {}).get("recent", ())]


def home_context(user: Any) -> dict[str, Any]:
    if not getattr(user, "is_authenticated", False):
        return {}
    ctx: dict[str, Any] = {}
    if user.is_program_admin or user.is_council_member:
        ctx["overview"] = program_overview()
    if user.is_coordinator:
        ctx["coordinator_panel"] = coordinator_panel(user)
    if user.is_instructor:
        ctx["instructor_panel"] = instructor_panel(user)
    if user.is_company_manager:
        ctx["manager_panel"] = manager_panel(user)
    if user.is_trainee:
        ctx["trainee_panel"] = trainee_panel(user)
    if user.lab_institution_ids:
        ctx["lab_panel"] = lab_panel(user)
    return ctx
