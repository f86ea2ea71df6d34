"""REST API: an offering's learning progress (the progress table's figures), with the page's permissions."""

# No `from __future__ import annotations` here: django-ninja reads the endpoint annotations at import time.

import datetime as dt

from django.http import HttpRequest
from ninja import Router, Schema

from sanhak.api.auth import caller
from sanhak.api.schemas import PathId, errors
from sanhak.common import access
from sanhak.common.audit import personal_data_viewed
from sanhak.learning import selectors

router = Router(tags=["learning"])


class ProgressOut(Schema):
    enrollment_id: int
    trainee_id: int
    name: str
    lessons_done: int
    lessons_required: int
    time_spent_seconds: int
    attendance_percent: float | None
    quiz_average: float | None
    last_seen_at: dt.datetime | None


@router.get(
    "/learning/offerings/{offering_id}/progress",
    response={200: list[ProgressOut], **errors(401, 403, 404, 422)},
    summary="Progress of an offering's trainees (staff: everyone; a company manager: their workers)",
)
def offering_progress(request: HttpRequest, offering_id: PathId) -> list[dict[str, object]]:
    user = caller(request)
    offering, visible = access.progress_visible(user, offering_id)
    enrollments = list(visible.select_related("trainee").order_by("trainee__name", "id"))
    figures = selectors.offering_figures(offering, enrollments)
    personal_data_viewed(
        request=request, purpose="learning_progress_api", subject_ids=[e.trainee_id for e in enrollments], viewer=user
    )
    return [
        {
            "enrollment_id": f.enrollment.pk,
            "trainee_id": f.enrollment.trainee_id,
            "name": f.enrollment.trainee.name,
            "lessons_done": f.lessons_done,
            "lessons_required": f.lessons_required,
            "time_spent_seconds": f.time_spent_seconds,
            "attendance_percent": round(f.attendance_percent, 1) if f.attendance_percent is not None else None,
            "quiz_average": round(f.quiz_average, 1) if f.quiz_average is not None else None,
            "last_seen_at": f.last_seen_at,
        }
        for f in figures.values()
    ]
