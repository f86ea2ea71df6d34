"""Fixtures of the API tests: a client that calls as a persona (bearer token), small catalog builders."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from sanhak.accounts.models import Role, RoleAssignment, TraineeProfile, User
from sanhak.accounts.tokens import api_token_create
from sanhak.common.personas import Personas
from sanhak.companies.models import Company
from sanhak.competencies.models import Competency, Track
from sanhak.courses.models import Course, Offering
from sanhak.courses.services import course_create, offering_create


@dataclass
class Api:
    """`api.get("/api/companies", as_=personas.manager)`: one token per user, made on first use."""

    client: Client = field(default_factory=Client)
    tokens: dict[int, str] = field(default_factory=dict)

    def token(self, user: User) -> str:
        if user.pk not in self.tokens:
            _token, raw = api_token_create(user=user, name="test")
            self.tokens[user.pk] = raw
        return self.tokens[user.pk]

    def _headers(self, user: User | None) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(user)}"} if user is not None else {}

    def get(self, path: str, as_: User | None = None, **params: Any) -> Any:
        return self.client.get(path, params, headers=self._headers(as_))

    def post(self, path: str, as_: User | None = None, body: Any = None, raw: str | None = None) -> Any:
        data = raw if raw is not None else ("" if body is None else json.dumps(body))
        return self.client.post(path, data, content_type="application/json", headers=self._headers(as_))


@pytest.fixture
def api(db: Any) -> Api:
    return Api()


def make_course(
    code: str,
    *,
    institution: Any,
    title_ko: str = "",
    track: str = "technical",
    mode: str = "offline",
    hours: int = 16,
    competencies: tuple[tuple[str, int], ...] = (("SM-AUT-01", 4),),
    **kwargs: Any,
) -> Course:
    return course_create(
        code=code,
        title_ko=title_ko or f"과목 {code}",
        institution=institution,
        track=Track.objects.get(code=track),
        mode=mode,
        hours=hours,
        competencies=[(Competency.objects.get(code=c), level) for c, level in competencies],
        **kwargs,
    )


def make_offering(
    course: Course, *, days_from_now: int = 14, length: int = 28, capacity: int = 20, **kwargs: Any
) -> Offering:
    start = timezone.localdate() + dt.timedelta(days=days_from_now)
    return offering_create(
        course=course,
        term="2026-2",
        start_date=start,
        end_date=start + dt.timedelta(days=length),
        capacity=capacity,
        **kwargs,
    )


def make_worker(n: int, company: Company) -> User:
    user = User.objects.create_user(email=f"extra-worker-{n}@sanhak.test", name=f"추가직원{n:02d}")
    RoleAssignment.objects.create(user=user, role=Role.TRAINEE)
    TraineeProfile.objects.create(user=user, kind=TraineeProfile.Kind.INCUMBENT, employer=company, job_title="생산")
    return user


@dataclass(frozen=True)
class Catalog:
    robot: Course  # lead university, technical, blended, SM-AUT-05
    molding: Course  # polytechnic, skilled, offline, SM-PRC-01
    robot_offering: Offering  # evening sessions, 2 seats, instructor of lead
    molding_offering: Offering  # weekend sessions, 20 seats
    past_offering: Offering  # robot course, ended a month ago


def next_weekday(start: dt.date, weekday: int) -> dt.date:
    while start.weekday() != weekday:
        start += dt.timedelta(days=1)
    return start


@pytest.fixture
def shop(personas: Personas) -> Catalog:
    robot = make_course(
        "INU-ROB-201",
        institution=personas.lead,
        title_ko="산업용 로봇 운용",
        track="technical",
        mode="blended",
        hours=32,
        competencies=(("SM-AUT-05", 5),),
        title_en="Industrial robot operation",
        description="협동로봇 티칭 실습",
    )
    molding = make_course(
        "KP-INJ-110",
        institution=personas.polytechnic,
        title_ko="사출성형 공정 최적화",
        track="skilled",
        mode="offline",
        hours=16,
        competencies=(("SM-PRC-01", 3),),
    )
    tuesday = next_weekday(timezone.localdate() + dt.timedelta(days=14), 1)
    saturday = tuesday + dt.timedelta(days=4)
    robot_offering = offering_create(
        course=robot,
        term="2026-2",
        start_date=tuesday,
        end_date=tuesday + dt.timedelta(days=7),
        capacity=2,
        location="B101",
        instructors=[personas.instructor],
        sessions=[(tuesday + dt.timedelta(days=7 * i), dt.time(19), dt.time(22), "B101") for i in range(2)],
    )
    molding_offering = offering_create(
        course=molding,
        term="2026-2",
        start_date=saturday,
        end_date=saturday + dt.timedelta(days=7),
        capacity=20,
        sessions=[(saturday, dt.time(9), dt.time(17), "실습동")],
    )
    past = timezone.localdate() - dt.timedelta(days=40)
    past_offering = offering_create(
        course=robot,
        term="2026-1",
        start_date=past,
        end_date=past + dt.timedelta(days=10),
        capacity=20,
    )
    return Catalog(robot, molding, robot_offering, molding_offering, past_offering)
