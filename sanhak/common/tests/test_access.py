"""Access scoping: what each persona may see (404 otherwise) and manage (403 otherwise)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from sanhak.accounts.models import Role
from sanhak.common.access import (
    companies_visible,
    company_for_user,
    enrollment_manageable,
    enrollment_own,
    enrollments_visible,
    managed_company,
    offering_manageable,
    offering_roster_visible,
    offerings_manageable,
    require_company_manager,
    workers_visible,
)
from sanhak.common.factories import CompanyFactory, EnrollmentFactory, OfferingFactory, TraineeFactory, UserFactory
from sanhak.courses.models import Offering
from sanhak.enrollment.models import Enrollment, Status

pytestmark = pytest.mark.django_db


def pks(queryset) -> list[int]:  # type: ignore[no-untyped-def]
    """Sorted primary keys, duplicates kept (a scoping join must not repeat rows)."""
    return sorted(obj.pk for obj in queryset)


@dataclass
class World:
    lead_taught: Offering  # lead institution, personas.instructor teaches it
    lead_other: Offering  # lead institution, another instructor
    partner: Offering  # partner institution
    enrollments: dict[str, Enrollment]


@pytest.fixture
def world(personas) -> World:
    lead_taught = OfferingFactory(course__institution=personas.lead, instructors=[personas.instructor])
    lead_other = OfferingFactory(course__institution=personas.lead)
    partner = OfferingFactory(course__institution=personas.partner)
    e = {
        "worker@lead_taught": EnrollmentFactory(offering=lead_taught, trainee=personas.worker, status=Status.APPROVED),
        "worker2@partner": EnrollmentFactory(offering=partner, trainee=personas.worker2),
        "worker_b@lead_other": EnrollmentFactory(offering=lead_other, trainee=personas.worker_b),
        "worker_b@partner": EnrollmentFactory(offering=partner, trainee=personas.worker_b, status=Status.WAITLISTED),
        "student@lead_taught": EnrollmentFactory(offering=lead_taught, trainee=personas.student),
        "student@partner": EnrollmentFactory(offering=partner, trainee=personas.student, status=Status.CANCELLED),
    }
    return World(lead_taught=lead_taught, lead_other=lead_other, partner=partner, enrollments=e)


# Companies and their workers ---------------------------------------------------------------------


def test_a_manager_sees_only_their_company(personas):
    CompanyFactory()

    assert pks(companies_visible(personas.manager)) == [personas.company_a.pk]
    assert pks(companies_visible(personas.manager_b)) == [personas.company_b.pk]
    assert company_for_user(personas.manager, personas.company_a.pk) == personas.company_a
    assert company_for_user(personas.manager, str(personas.company_a.pk)) == personas.company_a
    with pytest.raises(Http404):
        company_for_user(personas.manager, personas.company_b.pk)
    with pytest.raises(Http404):
        company_for_user(personas.manager_b, personas.company_a.pk)


def test_the_program_admin_sees_every_company(personas):
    other = CompanyFactory()

    assert pks(companies_visible(personas.admin)) == sorted([personas.company_a.pk, personas.company_b.pk, other.pk])
    assert company_for_user(personas.admin, personas.company_b.pk) == personas.company_b


@pytest.mark.parametrize("who", ["coordinator", "instructor", "worker", "worker_b", "student"])
def test_people_who_manage_no_company_see_none(personas, who):
    user = getattr(personas, who)

    assert list(companies_visible(user)) == []
    with pytest.raises(Http404):
        company_for_user(user, personas.company_a.pk)
    with pytest.raises(Http404):
        workers_visible(user, personas.company_a)


@pytest.mark.parametrize("pk", [None, "", "abc", "1.5", 10**9])
def test_company_for_user_with_a_bad_or_unknown_id_is_404(personas, pk):
    with pytest.raises(Http404):
        company_for_user(personas.admin, pk)


def test_workers_visible_to_their_manager_only(personas):
    TraineeFactory(profile__employer=personas.company_b)  # another company's worker
    graduate = TraineeFactory(profile__kind="graduate", profile__institution=personas.lead)

    expected = sorted([personas.worker.pk, personas.worker2.pk])
    assert pks(workers_visible(personas.manager, personas.company_a)) == expected
    assert graduate.pk not in pks(workers_visible(personas.admin, personas.company_a))
    with pytest.raises(Http404):
        workers_visible(personas.manager, personas.company_b)
    with pytest.raises(Http404):
        workers_visible(personas.manager_b, personas.company_a)


def test_the_program_admin_sees_any_company_s_workers(personas):
    extra = TraineeFactory(profile__employer=personas.company_b)

    assert pks(workers_visible(personas.admin, personas.company_b)) == sorted([personas.worker_b.pk, extra.pk])


def test_anonymous_users_are_denied(personas, world):
    anonymous = AnonymousUser()

    for call in (
        lambda: companies_visible(anonymous),
        lambda: offerings_manageable(anonymous),
        lambda: enrollments_visible(anonymous),
        lambda: offering_roster_visible(anonymous, world.lead_taught.pk),
        lambda: enrollment_own(anonymous, world.enrollments["worker@lead_taught"].pk),
        lambda: require_company_manager(anonymous),
    ):
        with pytest.raises(PermissionDenied):
            call()


def test_require_company_manager(personas):
    assert require_company_manager(personas.manager) == personas.manager
    for user in (personas.admin, personas.coordinator, personas.worker):
        with pytest.raises(PermissionDenied):
            require_company_manager(user)


def test_managed_company_is_the_manager_s_own(personas):
    assert managed_company(personas.manager) == personas.company_a
    assert managed_company(personas.manager_b) == personas.company_b
    for user in (personas.admin, personas.coordinator, personas.worker, AnonymousUser()):
        with pytest.raises(PermissionDenied):
            managed_company(user)


# Offerings: managing and rosters -----------------------------------------------------------------


def test_a_coordinator_manages_their_institution_s_offerings_only(personas, world):
    assert pks(offerings_manageable(personas.coordinator)) == sorted([world.lead_taught.pk, world.lead_other.pk])
    assert offering_manageable(personas.coordinator, world.lead_taught.pk) == world.lead_taught
    assert offering_manageable(personas.coordinator, str(world.lead_other.pk)) == world.lead_other
    with pytest.raises(PermissionDenied):
        offering_manageable(personas.coordinator, world.partner.pk)


def test_a_partner_coordinator_manages_the_partner_s_offerings_only(personas, world):
    partner_coordinator = UserFactory(roles=[(Role.COORDINATOR, personas.partner, None)])

    assert pks(offerings_manageable(partner_coordinator)) == [world.partner.pk]
    assert offering_manageable(partner_coordinator, world.partner.pk) == world.partner
    with pytest.raises(PermissionDenied):
        offering_manageable(partner_coordinator, world.lead_taught.pk)


def test_the_program_admin_manages_every_offering(personas, world):
    expected = sorted([world.lead_taught.pk, world.lead_other.pk, world.partner.pk])
    assert pks(offerings_manageable(personas.admin)) == expected
    assert offering_manageable(personas.admin, world.partner.pk) == world.partner


@pytest.mark.parametrize("who", ["instructor", "manager", "worker", "student"])
def test_others_manage_no_offering(personas, world, who):
    user = getattr(personas, who)

    with pytest.raises(PermissionDenied):
        offerings_manageable(user)
    with pytest.raises(PermissionDenied):
        offering_manageable(user, world.lead_taught.pk)


@pytest.mark.parametrize("pk", ["abc", None, 10**9])
def test_an_unknown_offering_is_404_even_for_managers(personas, pk):
    with pytest.raises(Http404):
        offering_manageable(personas.coordinator, pk)
    with pytest.raises(Http404):
        offering_roster_visible(personas.instructor, pk)


def test_an_instructor_sees_the_roster_of_their_own_offering_only(personas, world):
    assert offering_roster_visible(personas.instructor, world.lead_taught.pk) == world.lead_taught
    with pytest.raises(PermissionDenied):
        offering_roster_visible(personas.instructor, world.lead_other.pk)
    with pytest.raises(PermissionDenied):
        offering_roster_visible(personas.instructor, world.partner.pk)


def test_roster_visibility_for_managers_and_trainees(personas, world):
    assert offering_roster_visible(personas.coordinator, world.lead_other.pk) == world.lead_other
    assert offering_roster_visible(personas.admin, world.partner.pk) == world.partner
    with pytest.raises(PermissionDenied):
        offering_roster_visible(personas.coordinator, world.partner.pk)
    for user in (personas.worker, personas.student, personas.manager):
        with pytest.raises(PermissionDenied):
            offering_roster_visible(user, world.lead_taught.pk)


# Enrollments -------------------------------------------------------------------------------------

EXPECTED_VISIBLE = {
    "admin": [
        "worker@lead_taught",
        "worker2@partner",
        "worker_b@lead_other",
        "worker_b@partner",
        "student@lead_taught",
        "student@partner",
    ],
    "coordinator": ["worker@lead_taught", "worker_b@lead_other", "student@lead_taught"],
    "instructor": ["worker@lead_taught", "student@lead_taught"],
    "manager": ["worker@lead_taught", "worker2@partner"],
    "manager_b": ["worker_b@lead_other", "worker_b@partner"],
    "worker": ["worker@lead_taught"],
    "worker2": ["worker2@partner"],
    "worker_b": ["worker_b@lead_other", "worker_b@partner"],
    "student": ["student@lead_taught", "student@partner"],
}


@pytest.mark.parametrize(("who", "expected"), EXPECTED_VISIBLE.items(), ids=EXPECTED_VISIBLE.keys())
def test_enrollments_visible_to_each_persona(personas, world, who, expected):
    visible = enrollments_visible(getattr(personas, who))

    assert pks(visible) == sorted(world.enrollments[key].pk for key in expected)


def test_enrollments_visible_has_no_duplicates_for_staff_with_several_roles(personas, world):
    """A coordinator who also teaches, on an offering with two instructors: each row once."""
    both = UserFactory(roles=[(Role.COORDINATOR, personas.lead, None), (Role.INSTRUCTOR, personas.lead, None)])
    world.lead_taught.instructors.add(both)

    expected = ["worker@lead_taught", "worker_b@lead_other", "student@lead_taught"]
    assert pks(enrollments_visible(both)) == sorted(world.enrollments[key].pk for key in expected)


def test_enrollment_manageable_by_the_offering_s_coordinator(personas, world):
    own = world.enrollments["worker_b@lead_other"]
    foreign = world.enrollments["worker2@partner"]

    assert enrollment_manageable(personas.coordinator, own.pk) == own
    assert enrollment_manageable(personas.admin, foreign.pk) == foreign
    with pytest.raises(Http404):
        enrollment_manageable(personas.coordinator, foreign.pk)
    with pytest.raises(Http404):
        enrollment_manageable(personas.coordinator, "abc")


@pytest.mark.parametrize("who", ["instructor", "manager", "worker"])
def test_enrollment_manageable_is_denied_to_non_managers(personas, world, who):
    with pytest.raises(PermissionDenied):
        enrollment_manageable(getattr(personas, who), world.enrollments["worker@lead_taught"].pk)


def test_enrollment_own(personas, world):
    mine = world.enrollments["worker@lead_taught"]
    colleague = world.enrollments["worker2@partner"]
    stranger = world.enrollments["worker_b@partner"]

    assert enrollment_own(personas.worker, mine.pk) == mine
    assert enrollment_own(personas.coordinator, mine.pk) == mine  # a manager of the offering
    assert enrollment_own(personas.admin, stranger.pk) == stranger
    # Another trainee's enrollment, which the user cannot see: as if it did not exist.
    with pytest.raises(Http404):
        enrollment_own(personas.worker, colleague.pk)
    with pytest.raises(Http404):
        enrollment_own(personas.worker, stranger.pk)
    with pytest.raises(Http404):
        enrollment_own(personas.worker, 10**9)
    with pytest.raises(Http404):
        enrollment_own(personas.coordinator, colleague.pk)  # another institution's offering
    # Visible but not theirs to cancel: the company manager and the instructor.
    with pytest.raises(PermissionDenied):
        enrollment_own(personas.manager, colleague.pk)
    with pytest.raises(PermissionDenied):
        enrollment_own(personas.instructor, mine.pk)
