"""Suite-wide fixtures: the personas, an API client with a bearer token, query counting."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop


@pytest.fixture(autouse=True)
def _korean_by_default():  # type: ignore[no-untyped-def]
    """Each test starts in the default language (a previous request may have activated English)."""
    from django.core.cache import cache
    from django.utils import translation

    from sanhak.common import pagecache

    cache.clear()
    pagecache.clear()
    with translation.override("ko"):
        yield


@pytest.fixture(autouse=True)
def _reference_data_after_flush(request):  # type: ignore[no-untyped-def]
    """Transactional tests (threads, live server) end with a flush that empties every table, the
    migrations' reference rows too; reload them (with the migrations' own loaders) for the next one."""
    marker = request.node.get_closest_marker("django_db")
    transactional = (marker is not None and marker.kwargs.get("transaction")) or "live_server" in request.fixturenames
    if not transactional:
        return
    request.getfixturevalue("transactional_db")
    from sanhak.companies.models import KsicCode
    from sanhak.companies.reference import load_ksic
    from sanhak.competencies.models import Competency, NcsLevel, Track
    from sanhak.competencies.reference import load_reference

    load_reference(NcsLevel, Track, Competency)
    load_ksic(KsicCode)


@pytest.fixture
def personas(db):  # type: ignore[no-untyped-def]
    from sanhak.common.personas import personas_create

    return personas_create()


@pytest.fixture
def catalog(personas):  # type: ignore[no-untyped-def]
    """Three courses with offerings: an evening robot course (3 seats) at the lead university, a
    weekend injection-moulding course at the polytechnic, and a past PLC course (prerequisite)."""
    import datetime as dt
    from types import SimpleNamespace

    from django.utils import timezone

    from sanhak.competencies.models import Competency, Track
    from sanhak.courses.services import course_create, offering_create

    today = timezone.localdate()
    comp = {c.code: c for c in Competency.objects.filter(code__in=["SM-AUT-01", "SM-AUT-05", "SM-PRC-01"])}
    tracks = {t.code: t for t in Track.objects.all()}
    plc = course_create(
        code="KP-PLC-101",
        title_ko="PLC 프로그래밍 기초",
        institution=personas.polytechnic,
        track=tracks["skilled"],
        mode="offline",
        hours=24,
        competencies=[(comp["SM-AUT-01"], 3)],
    )
    robot = course_create(
        code="INU-ROB-201",
        title_ko="산업용 로봇 운용",
        title_en="Industrial robot operation",
        description="협동로봇과 산업용 로봇의 티칭, 안전, 셀 운영 실습",
        institution=personas.lead,
        track=tracks["technical"],
        mode="blended",
        hours=32,
        competencies=[(comp["SM-AUT-05"], 5)],
    )
    molding = course_create(
        code="KP-INJ-110",
        title_ko="사출성형 공정 최적화",
        institution=personas.polytechnic,
        track=tracks["skilled"],
        mode="offline",
        hours=16,
        competencies=[(comp["SM-PRC-01"], 3)],
    )
    start = today + dt.timedelta(days=14)
    while start.weekday() != 1:  # a Tuesday
        start += dt.timedelta(days=1)
    saturday = start + dt.timedelta(days=4)
    robot_offering = offering_create(
        course=robot,
        term="2026-2",
        start_date=start,
        end_date=start + dt.timedelta(days=28),
        capacity=3,
        location="인천대 미추홀캠퍼스 공학관 B101",
        instructors=[personas.instructor],
        sessions=[(start + dt.timedelta(days=7 * i), dt.time(19), dt.time(22), "B101") for i in range(4)],
    )
    molding_offering = offering_create(
        course=molding,
        term="2026-2",
        start_date=saturday,
        end_date=saturday + dt.timedelta(days=7),
        capacity=20,
        sessions=[
            (saturday, dt.time(9), dt.time(17), "실습동 2층"),
            (saturday + dt.timedelta(days=7), dt.time(9), dt.time(17), "실습동 2층"),
        ],
    )
    past = today - dt.timedelta(days=60)
    plc_offering = offering_create(
        course=plc,
        term="2026-1",
        start_date=past,
        end_date=past + dt.timedelta(days=20),
        capacity=20,
        sessions=[(past, dt.time(10), dt.time(17), "A301")],
    )
    return SimpleNamespace(
        plc=plc,
        robot=robot,
        molding=molding,
        robot_offering=robot_offering,
        molding_offering=molding_offering,
        plc_offering=plc_offering,
    )
