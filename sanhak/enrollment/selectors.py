"""Reads of enrollments for the pages, the API and exports."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from sanhak.courses.models import Offering
from sanhak.enrollment.models import Enrollment, Status

ROSTER_ORDER = {"approved": 0, "completed": 1, "pending": 2, "waitlisted": 3, "rejected": 4, "cancelled": 5}


def roster(offering: Offering) -> QuerySet[Enrollment]:
    return (
        Enrollment.objects.filter(offering=offering)
        .select_related("trainee__trainee_profile__employer", "trainee__trainee_profile__institution")
        .only(
            "id",
            "offering_id",
            "status",
            "source",
            "reason",
            "created_at",
            "waitlisted_at",
            "trainee__name",
            "trainee__email",
            "trainee__trainee_profile__kind",
            "trainee__trainee_profile__employer__name",
            "trainee__trainee_profile__institution__name_ko",
        )
        .order_by("status", "waitlisted_at", "created_at", "id")
    )


CLOSED_STATUSES = (Status.REJECTED, Status.CANCELLED)


def roster_groups(enrollments: list[Enrollment], *, include_closed: bool) -> list[dict[str, Any]]:
    """The roster by status (approved first); rejected and cancelled ones only counted unless asked for."""
    groups = []
    for status in sorted(Status, key=lambda s: ROSTER_ORDER[s.value]):
        rows = [e for e in enrollments if e.status == status]
        if not rows:
            continue
        for e in rows:
            profile = getattr(e.trainee, "trainee_profile", None)
            e.affiliation = str((profile.employer or profile.institution or "") if profile else "")  # type: ignore[attr-defined]
        show = include_closed or status not in CLOSED_STATUSES
        groups.append({"status": status.value, "label": status.label, "count": len(rows), "rows": rows if show else []})
    return groups


def roster_rows(offering: Offering) -> list[list[str]]:
    """The roster as a table (header first) for CSV / XLSX export; status order: approved first."""
    rows = sorted(roster(offering), key=lambda e: (ROSTER_ORDER.get(e.status, 9), e.created_at, e.pk))
    out = [["번호", "이름", "이메일", "구분", "소속", "상태", "경로", "신청일시", "사유"]]
    for i, e in enumerate(rows, start=1):
        profile = getattr(e.trainee, "trainee_profile", None)
        affiliation = ""
        kind = ""
        if profile is not None:
            kind = profile.get_kind_display()
            affiliation = str(profile.employer or profile.institution or "")
        out.append(
            [
                str(i),
                e.trainee.name,
                e.trainee.email,
                kind,
                affiliation,
                e.get_status_display(),
                e.get_source_display(),
                e.created_at.astimezone().strftime("%Y-%m-%d %H:%M"),
                e.reason,
            ]
        )
    return out
