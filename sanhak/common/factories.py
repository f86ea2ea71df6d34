"""factory-boy factories for the test suite.

Reference data (tracks, the 37 competencies, NCS levels, KSIC) is loaded by migrations, so the
factories look those rows up instead of making them. The consortium's institutions come from
`institutions_ensure()`, the same function the personas use.

    course = CourseFactory(competencies=[("SM-AUT-05", 4)])
    offering = OfferingFactory(course=course, capacity=10, instructors=[personas.instructor])
    worker = TraineeFactory(profile__employer=personas.company_a)
    EnrollmentFactory.create_batch(7, offering=offering, status=Status.APPROVED)  # approved_count == 7
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

import factory
from django.db.models import F
from django.utils import timezone
from factory.django import DjangoModelFactory

from sanhak.accounts.models import Institution, Role, RoleAssignment, TraineeProfile, User
from sanhak.common.personas import institutions_ensure
from sanhak.companies.models import BRN_WEIGHTS, Company
from sanhak.competencies.models import Competency, Track
from sanhak.courses.models import Course, Mode, Offering, Session
from sanhak.courses.services import course_create, offering_refresh_schedule
from sanhak.enrollment.models import Enrollment, Source, Status

# Business registration numbers -------------------------------------------------------------------


def brn_check_digit(first9: str) -> int:
    """The National Tax Service check digit of the first nine digits of a 사업자등록번호."""
    if len(first9) != 9 or not first9.isdigit():
        raise ValueError(f"nine digits expected, got {first9!r}")
    nums = [int(d) for d in first9]
    total = sum(n * w for n, w in zip(nums, BRN_WEIGHTS, strict=True)) + (nums[8] * 5) // 10
    return (10 - total % 10) % 10


def brn_generate(n: int) -> str:
    """A valid, unique-per-n BRN: tax office (3) + type 86 (corporation) + serial (4) + check digit.

    Type 86 keeps generated numbers apart from the personas' companies (type 81)."""
    first9 = f"{101 + (n // 10_000) % 899:03d}86{n % 10_000:04d}"
    return f"{first9}{brn_check_digit(first9)}"


# Reference lookups -------------------------------------------------------------------------------


def reference_track(code: str = "technical") -> Track:
    """One of the three tracks loaded by migrations: "rnd", "technical", "skilled"."""
    return Track.objects.get(code=code)


def reference_competency(code: str) -> Competency:
    """A competency of the default catalog loaded by migrations, e.g. "SM-AUT-01"."""
    return Competency.objects.get(code=code)


def lead_institution() -> Institution:
    return institutions_ensure()[0]


# Institutions, companies, people -----------------------------------------------------------------


class InstitutionFactory(DjangoModelFactory[Institution]):
    class Meta:
        model = Institution
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"inst-{n}")
    name_ko = factory.Sequence(lambda n: f"테스트대학교 {n}")
    name_en = factory.Sequence(lambda n: f"Test University {n}")
    kind = Institution.Kind.PARTNER_UNIVERSITY


class CompanyFactory(DjangoModelFactory[Company]):
    class Meta:
        model = Company
        skip_postgeneration_save = True

    brn = factory.Sequence(brn_generate)
    name = factory.Sequence(lambda n: f"(주)테스트정밀{n}")
    employees = 30
    address = "인천광역시 남동구 남동대로 1"
    smart_factory_level = 2
    products = "금형 부품"


def _forget_roles(user: User) -> None:
    """Drop the user's cached role properties after roles were added."""
    for name in ("role_assignments", "role_set", "coordinated_institution_ids", "managed_company_ids"):
        user.__dict__.pop(name, None)


class UserFactory(DjangoModelFactory[User]):
    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@factory.sanhak.test")
    name = factory.Sequence(lambda n: f"홍길동{n}")
    password = factory.django.Password("sanhak-test-pw")

    @factory.post_generation
    def roles(
        obj: User,  # noqa: N805 - post_generation passes the created object
        create: bool,
        extracted: Iterable[tuple[str, Institution | None, Company | None]] | None,
        **kwargs: Any,
    ) -> None:
        """`UserFactory(roles=[(Role.COORDINATOR, institution, None)])`."""
        if create and extracted:
            for role, institution, company in extracted:
                RoleAssignment.objects.create(user=obj, role=role, institution=institution, company=company)
            _forget_roles(obj)


class TraineeProfileFactory(DjangoModelFactory[TraineeProfile]):
    class Meta:
        model = TraineeProfile

    user = factory.SubFactory(UserFactory)
    kind = TraineeProfile.Kind.INCUMBENT
    employer = factory.Maybe(
        factory.LazyAttribute(lambda p: p.kind == TraineeProfile.Kind.INCUMBENT),
        yes_declaration=factory.SubFactory(CompanyFactory),
        no_declaration=None,
    )
    job_title = "생산기술"
    prefers_evening = True


class TraineeFactory(UserFactory):
    """A user with the TRAINEE role and a trainee profile (an incumbent worker of a new company unless
    `profile__employer=...`; `profile__kind=TraineeProfile.Kind.GRADUATE` makes a student)."""

    email = factory.Sequence(lambda n: f"trainee{n}@factory.sanhak.test")
    profile = factory.RelatedFactory(TraineeProfileFactory, factory_related_name="user")

    @factory.post_generation
    def roles(obj: User, create: bool, extracted: Any, **kwargs: Any) -> None:  # noqa: N805
        if create:
            RoleAssignment.objects.get_or_create(user=obj, role=Role.TRAINEE, institution=None, company=None)
            _forget_roles(obj)


# Courses, offerings, sessions --------------------------------------------------------------------


class CourseFactory(DjangoModelFactory[Course]):
    """Created through `course_create`, so `search_tokens` is filled like in production.

    `competencies` takes (Competency or code, target level) pairs; `prerequisites` takes courses."""

    class Meta:
        model = Course
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"FAC{n:04d}")
    title_ko = factory.Sequence(lambda n: f"스마트공장 실무 {n}")
    title_en = factory.Sequence(lambda n: f"Smart factory practice {n}")
    description = "PLC 기반 공정 자동화 실습"
    institution = factory.LazyFunction(lead_institution)
    track = factory.LazyFunction(reference_track)
    mode = Mode.OFFLINE
    hours = 30
    competencies: Any = ()
    prerequisites: Any = ()

    @classmethod
    def _create(cls, model_class: type[Course], *args: Any, **kwargs: Any) -> Course:
        pairs: Sequence[tuple[Competency | str, int]] = kwargs.pop("competencies", ()) or ()
        program = kwargs.pop("program", None)
        is_active = kwargs.pop("is_active", True)
        kwargs["competencies"] = [(reference_competency(c) if isinstance(c, str) else c, level) for c, level in pairs]
        kwargs["prerequisites"] = list(kwargs.get("prerequisites") or ())
        course = course_create(**kwargs)
        if program is not None or not is_active:
            course.program, course.is_active = program, is_active
            course.save(update_fields=["program", "is_active", "updated_at"])
        return course


class OfferingFactory(DjangoModelFactory[Offering]):
    class Meta:
        model = Offering
        skip_postgeneration_save = True

    course = factory.SubFactory(CourseFactory)
    term = "2026-2"
    start_date = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=14))
    end_date = factory.LazyAttribute(lambda o: o.start_date + dt.timedelta(days=56))
    capacity = 20
    location = "인천대학교 송도캠퍼스 8호관"
    is_open = True

    @factory.post_generation
    def instructors(obj: Offering, create: bool, extracted: Iterable[User] | None, **kwargs: Any) -> None:  # noqa: N805
        if create and extracted:
            obj.instructors.set(extracted)


class SessionFactory(DjangoModelFactory[Session]):
    """A weekday-evening session on the offering's first day; refreshes the offering's schedule flags."""

    class Meta:
        model = Session

    offering = factory.SubFactory(OfferingFactory)
    date = factory.LazyAttribute(lambda s: s.offering.start_date)
    start_time = dt.time(19, 0)
    end_time = dt.time(22, 0)
    room = "8호관 301호"

    @classmethod
    def _create(cls, model_class: type[Session], *args: Any, **kwargs: Any) -> Session:
        session = super()._create(model_class, *args, **kwargs)
        offering_refresh_schedule(offering=session.offering)
        return session


# Enrollments -------------------------------------------------------------------------------------


class EnrollmentFactory(DjangoModelFactory[Enrollment]):
    """A raw enrollment row (no rule checks). An APPROVED one takes a seat: the offering's
    approved_count goes up by one, as the services would do; a WAITLISTED one gets waitlisted_at."""

    class Meta:
        model = Enrollment

    offering = factory.SubFactory(OfferingFactory)
    trainee = factory.SubFactory(TraineeFactory)
    status = Status.PENDING
    source = Source.APPLICATION
    waitlisted_at = factory.LazyAttribute(lambda e: timezone.now() if e.status == Status.WAITLISTED else None)

    @classmethod
    def _create(cls, model_class: type[Enrollment], *args: Any, **kwargs: Any) -> Enrollment:
        enrollment = super()._create(model_class, *args, **kwargs)
        if enrollment.status == Status.APPROVED:
            Offering.objects.filter(pk=enrollment.offering_id).update(approved_count=F("approved_count") + 1)
            enrollment.offering.refresh_from_db(fields=["approved_count"])
        return enrollment
