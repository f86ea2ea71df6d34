from __future__ import annotations

from django.db.models import Count, Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from sanhak.competencies.models import Competency, NcsLevel, Track
from sanhak.courses.models import CourseCompetency


def competency_list(request: HttpRequest) -> HttpResponse:
    competencies = Competency.objects.annotate(course_count=Count("course_competencies")).order_by("code")
    return render(
        request,
        "competencies/list.html",
        {"competencies": competencies, "tracks": Track.objects.all(), "levels": NcsLevel.objects.all()},
    )


def competency_detail(request: HttpRequest, code: str) -> HttpResponse:
    competency = get_object_or_404(
        Competency.objects.prefetch_related(
            "ncs_units",
            Prefetch(
                "course_competencies",
                queryset=CourseCompetency.objects.select_related("course__institution", "course__track").order_by(
                    "target_level", "course__code"
                ),
            ),
        ),
        code=code,
    )
    return render(request, "competencies/detail.html", {"competency": competency})
