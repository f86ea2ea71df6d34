"""Reads of enrollments for the pages, the API and exports."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from sanhak.accounts.models import TraineeProfile
from sanhak.common.prepared import Prepared
from sanhak.courses.models import Offering
from sanhak.enrollment.models import Enrollment, Source, Status

ROSTER_ORDER = {"approved": 0, "completed": 1, "pending": 2, "waitlisted": 3, "rejected": 4, "cancelled": 5}
CLOSED_STATUSES = (Status.REJECTED, Status.CANCELLED)


class StatusLabelled:
    """A plain-value enrollment row (not a model instance) that shows its status label."""

    __slots__ = ()
    status: str

    @property
    def status_label(self) -> str:
        return str(Status(self.status).label)


@dataclass(frozen=True, slots=True)
class RosterEntry(StatusLabelled):
    """One line of an offering's roster: plain values, no model instances (rosters run to hundreds)."""

    id: int
    status: str
    source: str
    reason: str
    created_at: dt.datetime
    trainee_id: int
    name: str
    email: str
    kind: str
    affiliation: str

    @property
    def source_label(self) -> str:
        return str(Source(self.source).label)

    @property
    def kind_label(self) -> str:
        return str(TraineeProfile.Kind(self.kind).label) if self.kind else ""


def roster(offering: Offering) -> list[RosterEntry]:
    """The roster, approved first, then completed, pending, waitlisted (in waitlist order), rejected, cancelled."""
    return roster_entries(roster_rows(offering))


@dataclass(frozen=True)
class EnrollmentStatus(StatusLabelled):
    """An enrollment's status where a page shows only that (read as a plain value)."""

    status: str


_ROSTER_ROWS = Prepared(
    lambda offering_id: Enrollment.objects.filter(offering_id=offering_id).values_list(
        "id",
        "status",
        "source",
        "reason",
        "created_at",
        "waitlisted_at",
        "trainee_id",
        "trainee__name",
        "trainee__email",
        "trainee__trainee_profile__kind",
        "trainee__trainee_profile__employer__name",
        "trainee__trainee_profile__institution__name_ko",
    )
)


def roster_rows(offering: Offering) -> list[tuple[Any, ...]]:
    """Every value the roster shows of its enrollments, as plain tuples."""
    return _ROSTER_ROWS(offering.pk)


def roster_entries(rows: list[tuple[Any, ...]]) -> list[RosterEntry]:
    entries = sorted(rows, key=lambda r: (ROSTER_ORDER.get(r[1], 9), r[5] or r[4], r[4], r[0]))
    return [
        RosterEntry(
            id=pk,
            status=status,
            source=source,
            reason=reason,
            created_at=created,
            trainee_id=trainee_id,
            name=name,
            email=email,
            kind=kind or "",
            affiliation=employer or school or "",
        )
        for pk, status, source, reason, created, _waitlisted, trainee_id, name, email, kind, employer, school in entries
    ]


def roster_groups(entries: list[RosterEntry], *, include_closed: bool) -> list[dict[str, Any]]:
    """The roster by status; rejected and cancelled ones only counted unless asked for."""
    groups = []
    for status in sorted(Status, key=lambda s: ROSTER_ORDER[s.value]):
        rows = [e for e in entries if e.status == status]
        if rows:
            show = include_closed or status not in CLOSED_STATUSES
            groups.append(
                {"status": status.value, "label": status.label, "count": len(rows), "rows": rows if show else []}
            )
    return groups


def roster_table(entries: list[RosterEntry]) -> list[list[str]]:
    """The roster as a table (header first) for CSV / XLSX export, in the active language."""
    out = [[_("번호"), _("이름"), _("이메일"), _("구분"), _("소속"), _("상태"), _("경로"), _("신청일시"), _("사유")]]
    for i, e in enumerate(entries, start=1):
        out.append(
            [
                str(i),
                e.name,
                e.email,
                e.kind_label,
                e.affiliation,
                e.status_label,
                e.source_label,
                e.created_at.astimezone().strftime("%Y-%m-%d %H:%M"),
                e.reason,
            ]
        )
    return out
