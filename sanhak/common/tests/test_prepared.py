"""Prepared querysets: the same rows as the ORM, from SQL compiled once, with nothing cached but the SQL."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import Count, F

from sanhak.accounts.models import User
from sanhak.common.prepared import Prepared
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
    assert len(ROWS.raw(applied.pk)) == 1


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
