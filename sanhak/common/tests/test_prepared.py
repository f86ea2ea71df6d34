"""Prepared querysets: the same rows as the ORM, from SQL compiled once, with nothing cached but the SQL."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import Count, F
from django.utils import timezone

from sanhak.accounts.models import TraineeProfile, User
from sanhak.common.models import PersonalDataAccess
from sanhak.common.prepared import Prepared, PreparedInsert, PreparedObjects
from sanhak.courses.models import Offering
from sanhak.enrollment.models import Enrollment
from sanhak.enrollment.services import enrollment_apply

pytestmark = pytest.mark.django_db

ROWS = Prepared(
    lambda offering_id: (
        Enrollment.objects.filter(offering_id=offering_id)
        .order_by("id")
        .values_list("id", "status", "created_at", "trainee__name", "offering__start_date")
    )
)


@pytest.fixture
def applied(personas, catalog):  # type: ignore[no-untyped-def]
    enrollment_apply(offering=catalog.robot_offering, trainee=personas.worker)
    enrollment_apply(offering=catalog.robot_offering, trainee=personas.student)
    return catalog.robot_offering


def test_the_rows_are_the_orms_rows_converted_alike(applied, django_assert_num_queries):
    expected = list(ROWS.queryset(applied.pk))
    with django_assert_num_queries(1):
        rows = ROWS(applied.pk)
    assert rows == expected
    assert [r[3] for r in rows] == ["오재직", "이학생"]
    assert isinstance(rows[0][2], dt.datetime) and rows[0][2].tzinfo is not None  # aware, as the ORM gives
    assert isinstance(rows[0][4], dt.date)
    assert ROWS(applied.pk + 10_000) == []


def test_each_call_reads_the_database_again(applied, personas):
    assert len(ROWS(applied.pk)) == 2
    Enrollment.objects.filter(offering=applied, trainee=personas.student).delete()
    assert [r[3] for r in ROWS(applied.pk)] == ["오재직"]


def test_aggregates_string_arguments_and_the_values_list_column_order(applied, personas):
    counts = Prepared(
        lambda offering_id: (
            Enrollment.objects.filter(offering_id=offering_id)
            .values("status")
            .annotate(n=Count("id"))
            .order_by()
            .values_list("status", "n")
        )
    )
    assert counts(applied.pk) == list(counts.queryset(applied.pk)) == [("pending", 2)]
    by_email = Prepared(lambda email: User.objects.filter(email=email).values_list("name", "pk"), types=(str,))
    assert by_email("worker@sanhak.test") == [("오재직", personas.worker.pk)]
    assert by_email("nobody@sanhak.test") == []
    seats = Prepared(
        lambda pk: (
            Offering.objects.filter(pk=pk).annotate(free=F("capacity") - F("approved_count")).values_list("free", "id")
        )  # an annotation before a field
    )
    applied.refresh_from_db()
    assert (
        seats(applied.pk)
        == list(seats.queryset(applied.pk))
        == [(applied.capacity - applied.approved_count, applied.pk)]
    )


def test_wrong_arguments_and_unpreparable_querysets_are_refused(applied):
    with pytest.raises(TypeError):
        ROWS(str(applied.pk))
    with pytest.raises(TypeError):
        ROWS(applied.pk, 1)
    with pytest.raises(TypeError, match="values_list"):
        Prepared(lambda pk: Offering.objects.filter(pk=pk))(applied.pk)
    with pytest.raises(ValueError, match="do not reach the SQL"):
        Prepared(lambda pk: Offering.objects.values_list("pk"))(applied.pk)


OFFERING = PreparedObjects(
    lambda pk: Offering.objects.filter(pk=pk),
    {"": None, "course": None, "course__institution": None, "course__track": None},
)


def _values(obj):  # type: ignore[no-untyped-def]
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


def test_objects_are_what_select_related_loads(applied, django_assert_num_queries):
    expected = Offering.objects.select_related("course__institution", "course__track").get(pk=applied.pk)
    with django_assert_num_queries(1):
        (offering,) = OFFERING(applied.pk)
        assert offering.course.institution.name_ko == expected.course.institution.name_ko
        assert offering.course.track.code == expected.course.track.code
    assert _values(offering) == _values(expected)
    assert _values(offering.course) == _values(expected.course)
    assert _values(offering.course.institution) == _values(expected.course.institution)
    assert _values(offering.course.track) == _values(expected.course.track)
    assert not offering._state.adding and offering._state.db == "default"
    assert OFFERING(applied.pk + 10_000) == []
    assert OFFERING(2**70) == []  # beyond any id: no row (the driver would refuse the number)


def test_fields_not_loaded_are_deferred_and_a_missing_relation_is_none(applied, personas, django_assert_num_queries):
    lean = PreparedObjects(lambda pk: Offering.objects.filter(pk=pk), {"": ["id", "term"]})
    (offering,) = lean(applied.pk)
    with django_assert_num_queries(1):
        assert offering.capacity == applied.capacity  # loaded on first use, as after .only()
    profiles = PreparedObjects(lambda pk: TraineeProfile.objects.filter(user_id=pk), {"": None, "employer": None})
    with django_assert_num_queries(2):
        (student,) = profiles(personas.student.pk)
        (worker,) = profiles(personas.worker.pk)
    with django_assert_num_queries(0):
        assert student.employer is None
        assert worker.employer.name == personas.company_a.name
    with pytest.raises(ValueError, match="primary key"):
        PreparedObjects(lambda pk: Offering.objects.filter(pk=pk), {"": ["term"]})(applied.pk)


def _stored(pk: int) -> tuple[object, ...]:
    return PersonalDataAccess.objects.filter(pk=pk).values_list(
        "viewer_id", "purpose", "subject_count", "subject_ids", "path", "created_at"
    )[0]


def test_a_prepared_insert_stores_the_row_create_stores(personas, django_assert_num_queries):
    log = PreparedInsert(PersonalDataAccess)
    before = timezone.now()
    created = PersonalDataAccess.objects.create(
        viewer=personas.coordinator, purpose="roster", subject_count=2, subject_ids=[3, 4], path="/r/"
    )
    with django_assert_num_queries(1):
        log(viewer=personas.coordinator, purpose="roster", subject_count=2, subject_ids=[3, 4], path="/r/")
    log(viewer=None, purpose="시험", subject_count=0, subject_ids=[], path="/빈/")  # a null viewer, Korean text
    first, second, third = PersonalDataAccess.objects.order_by("id").values_list("pk", flat=True)
    assert first == created.pk
    assert _stored(second)[:5] == _stored(first)[:5] == (personas.coordinator.pk, "roster", 2, [3, 4], "/r/")
    assert _stored(third)[:5] == (None, "시험", 0, [], "/빈/")
    # auto_now_add, as create() sets it: the time of the call, time-zone aware
    stamps = [_stored(pk)[5] for pk in (first, second, third)]
    assert before <= stamps[0] <= stamps[1] <= stamps[2] <= timezone.now()
    assert all(isinstance(t, dt.datetime) and t.tzinfo is not None for t in stamps)


def test_a_prepared_insert_refuses_unknown_fields(personas):
    log = PreparedInsert(PersonalDataAccess)
    with pytest.raises(TypeError):
        log(viewer=personas.coordinator, purpose="x", subject_count=0, subject_ids=[], path="/", colour="red")
    assert PersonalDataAccess.objects.count() == 0
