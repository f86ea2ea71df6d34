"""`seed_demo`: exact counts, determinism, --if-empty, demo logins, invariants, and refusal in production."""

from __future__ import annotations

import hashlib
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count, F, Q
from django.test import RequestFactory
from django.utils import timezone

from sanhak.accounts.models import RoleAssignment, TraineeProfile, User
from sanhak.common.demo import SCALES, demo_allowed, demo_counts, demo_terms
from sanhak.common.personas import DEMO_PASSWORD
from sanhak.companies.models import Company, brn_is_valid
from sanhak.competencies.models import Competency
from sanhak.courses.models import Course, CourseCompetency, Offering, Session
from sanhak.courses.services import course_search_text
from sanhak.enrollment.models import Enrollment, Status

pytestmark = pytest.mark.django_db

DEMO_LOGINS = [
    "admin@sanhak.test",
    "coordinator@sanhak.test",
    "instructor@sanhak.test",
    "manager@sanhak.test",
    "worker@sanhak.test",
    "student@sanhak.test",
]


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", "--scale", "small", *args, stdout=out)
    return out.getvalue()


def fingerprint() -> str:
    """Every generated fact by natural keys (no database ids, no insert timestamps)."""
    demo = "@demo.sanhak.test"
    parts = [
        Company.objects.order_by("brn").values_list(
            "brn",
            "factory_no",
            "name",
            "employees",
            "address",
            "smart_factory_level",
            "products",
            "phone",
            "complex__name",
        ),
        Company.ksic_codes.through.objects.order_by("company__brn", "ksiccode_id").values_list(
            "company__brn", "ksiccode_id"
        ),
        User.objects.order_by("email").values_list("email", "name", "is_active", "is_staff"),
        User.objects.filter(email__endswith=demo).order_by("email").values_list("email", "phone", "date_joined"),
        RoleAssignment.objects.order_by("user__email", "role").values_list(
            "user__email", "role", "institution__code", "company__brn"
        ),
        TraineeProfile.objects.order_by("user__email").values_list(
            "user__email",
            "kind",
            "employer__brn",
            "institution__code",
            "job_title",
            "prefers_evening",
            "prefers_weekend",
        ),
        Course.objects.order_by("code").values_list(
            "code",
            "title_ko",
            "title_en",
            "description",
            "institution__code",
            "program__name_ko",
            "track_id",
            "mode",
            "hours",
            "search_tokens",
        ),
        CourseCompetency.objects.order_by("course__code", "competency__code").values_list(
            "course__code", "competency__code", "target_level"
        ),
        Course.prerequisites.through.objects.order_by("from_course__code", "to_course__code").values_list(
            "from_course__code", "to_course__code"
        ),
        Offering.objects.order_by("course__code", "term", "start_date").values_list(
            "course__code",
            "term",
            "start_date",
            "end_date",
            "capacity",
            "approved_count",
            "location",
            "has_evening",
            "has_weekend",
            "is_open",
        ),
        Offering.instructors.through.objects.order_by(
            "offering__course__code", "offering__term", "user__email"
        ).values_list("offering__course__code", "offering__term", "user__email"),
        Session.objects.order_by("offering__course__code", "offering__term", "date", "start_time").values_list(
            "offering__course__code", "offering__term", "date", "start_time", "end_time", "room"
        ),
        Enrollment.objects.order_by("offering__course__code", "offering__term", "trainee__email", "status").values_list(
            "offering__course__code",
            "offering__term",
            "trainee__email",
            "status",
            "source",
            "nominated_by__email",
            "decided_by__email",
            "decided_at",
            "waitlisted_at",
            "reason",
        ),
    ]
    digest = hashlib.sha256()
    for qs in parts:
        for row in qs:
            digest.update(repr(row).encode())
        digest.update(b"|")
    return digest.hexdigest()


class _RollbackError(Exception):
    pass


def seeded_fingerprint(*args: str) -> str:
    """Seed inside a savepoint, fingerprint, and roll everything back."""
    result = ""
    try:
        with transaction.atomic():
            seed(*args)
            result = fingerprint()
            raise _RollbackError
    except _RollbackError:
        pass
    assert not Company.objects.exists()
    return result


def test_small_creates_exactly_the_documented_counts():
    out = seed()

    small = SCALES["small"]
    assert (small.companies, small.trainees, small.courses, small.offerings, small.enrollments) == (
        100,
        200,
        40,
        120,
        300,
    )
    counts = demo_counts()
    assert {k: v for k, v in counts.items() if k not in {"company_ksic", "sessions", "lab_reservations"}} == {
        "companies": 100,
        "users": 242,  # 10 personas + 2 coordinators + 11 instructors + 23 managers + 196 trainees
        "company_managers": 25,
        "instructors": 12,
        "trainees": 200,
        "programs": 7,
        "courses": 42,  # 40 generated + the 2 lab safety courses
        "offerings": 120,
        "enrollments": 300,
        "equipment": 26,  # 2 of each of the 13 (lab, type) pairs
    }
    assert counts["lab_reservations"] > 0  # a few weeks around today: how many depends on the holidays
    assert User.objects.filter(email__endswith="@demo.sanhak.test").count() == small.generated_users == 232
    assert counts["sessions"] == Session.objects.count() > 120
    assert "enrollments" in out
    assert " s." in out  # elapsed seconds in the summary


def test_small_data_is_consistent_and_realistic():
    seed()
    today = timezone.localdate()

    # Companies: valid, unique business numbers; manufacturing KSIC codes of the chosen divisions.
    brns = list(Company.objects.values_list("brn", flat=True))
    assert len(brns) == len(set(brns)) == 100
    assert all(brn_is_valid(b) for b in brns)
    divisions = {c[:2] for c in Company.ksic_codes.through.objects.values_list("ksiccode_id", flat=True)}
    assert divisions <= {"22", "24", "25", "26", "27", "28", "29", "30"}
    assert not Company.objects.annotate(n=Count("ksic_codes")).filter(n=0).exists()
    assert set(Company.objects.values_list("smart_factory_level", flat=True)) <= {1, 2, 3, 4, 5}

    # Courses: every catalog competency covered, target levels inside the track's range.
    assert Competency.objects.count() == 37
    assert Competency.objects.filter(courses__isnull=False).distinct().count() == 37
    assert not CourseCompetency.objects.filter(
        Q(target_level__lt=F("course__track__level_min")) | Q(target_level__gt=F("course__track__level_max"))
    ).exists()
    for course in Course.objects.prefetch_related("course_competencies__competency"):
        names = [cc.competency.name_ko for cc in course.course_competencies.all()]
        assert course.search_tokens == course_search_text(course, names), course.code
    assert Course.objects.filter(search_tokens__contains=" 로봇").exists()
    assert set(Course.objects.values_list("track_id", flat=True)) == {"rnd", "technical", "skilled"}

    # Offerings: seats counted exactly; schedule flags agree with the sessions.
    for offering in Offering.objects.annotate(
        seated=Count("enrollments", filter=Q(enrollments__status__in=[Status.APPROVED, Status.COMPLETED]))
    ).prefetch_related("sessions"):
        assert offering.approved_count == offering.seated <= offering.capacity
        assert 15 <= offering.capacity <= 40
        sessions = list(offering.sessions.all())
        assert sessions
        assert offering.has_evening == any(s.is_evening for s in sessions)
        assert offering.has_weekend == any(s.is_weekend for s in sessions)
        assert offering.start_date == min(s.date for s in sessions)
        assert offering.end_date == max(s.date for s in sessions)
    assert set(Offering.objects.values_list("term", flat=True)) == {t.code for t in demo_terms(today)}
    assert not Enrollment.objects.filter(status=Status.WAITLISTED, waitlisted_at__isnull=True).exists()
    statuses = dict(Enrollment.objects.values_list("status").annotate(n=Count("id")))
    assert statuses[Status.APPROVED] == max(statuses.values())
    assert {Status.PENDING, Status.COMPLETED, Status.REJECTED} <= set(statuses)

    # The demo personas have something to look at.
    assert Enrollment.objects.filter(
        status=Status.PENDING, offering__course__institution__code="inu"
    ).exists()  # coordinator@'s queue
    company_a = Company.objects.get(name="(주)남동정밀")
    workers = TraineeProfile.objects.filter(employer=company_a)
    assert workers.count() >= 8
    assert (
        Enrollment.objects.filter(trainee__trainee_profile__employer=company_a).values("trainee").distinct().count()
        >= 8
    )
    assert Enrollment.objects.filter(trainee__email="worker@sanhak.test", status=Status.APPROVED).exists()
    assert Enrollment.objects.filter(trainee__email="student@sanhak.test", status=Status.APPROVED).exists()
    assert Offering.objects.filter(instructors__email="instructor@sanhak.test").count() >= 3
    upcoming = Offering.objects.filter(start_date__gt=today, is_open=True, course__prerequisites__isnull=True)
    assert upcoming.with_open_seats().exclude(enrollments__trainee__email="worker@sanhak.test").exists()


def test_demo_logins_authenticate(client):
    seed()
    request = RequestFactory().post("/accounts/login/")
    generated = User.objects.filter(email__endswith="@demo.sanhak.test").order_by("email").first()
    assert generated is not None
    for email in [*DEMO_LOGINS, generated.email]:
        assert client.login(email=email, password=DEMO_PASSWORD, request=request), email
        client.logout()
    assert User.objects.get(email="admin@sanhak.test").is_superuser


def test_same_seed_same_data_and_another_seed_differs():
    first = seeded_fingerprint()
    assert seeded_fingerprint() == first
    assert seeded_fingerprint("--seed", "7") != first


def test_if_empty_second_run_does_nothing():
    seed()
    before, counts = fingerprint(), demo_counts()
    out = seed("--if-empty")
    assert "already has data" in out
    assert fingerprint() == before
    assert demo_counts() == counts
    with pytest.raises(CommandError, match="already has data"):
        seed()
    assert demo_counts() == counts


def test_if_empty_seeds_an_empty_database():
    seed("--if-empty")
    assert Course.objects.count() == 42


@pytest.mark.parametrize("via", ["settings", "environment"])
def test_refuses_under_production_settings(via, settings, monkeypatch):
    if via == "settings":
        settings.SETTINGS_MODULE = "config.settings.production"
    else:
        monkeypatch.setenv("DJANGO_SETTINGS_MODULE", "config.settings.production")
    with pytest.raises(CommandError, match="production"):
        seed()
    assert not User.objects.exists()
    assert not Company.objects.exists()


def test_refusal_rule():
    assert not demo_allowed(settings_modules=["config.settings.production"], debug=True)
    assert not demo_allowed(settings_modules=["config.settings.local", "config.settings.production"], debug=True)
    assert not demo_allowed(settings_modules=["site.settings_kr"], debug=False)
    assert demo_allowed(settings_modules=["site.settings_kr"], debug=True)
    assert demo_allowed(settings_modules=["config.settings.local"], debug=False)
    assert demo_allowed(settings_modules=["config.settings.test"], debug=False)
