"""The database's version (`common.dbversion`) and the kept logged-in pages it lets skip their rows: equal
only while nothing was committed, moved by a commit of this connection or of any other, unknown inside a
transaction; a kept page served on an unmoved version is never stale."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import pytest
from django.db import connection, connections, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sanhak.accounts.models import Role, RoleAssignment, User
from sanhak.common import audit_spool, dbversion, pagecache
from sanhak.common.concurrency import SQLITE_IN_MEMORY_REASON, run_at_once, sqlite_test_db_in_memory
from sanhak.common.models import PersonalDataAccess
from sanhak.companies.models import Company
from sanhak.enrollment.models import Enrollment
from sanhak.enrollment.services import enrollment_apply

pytestmark = [
    pytest.mark.skipif(sqlite_test_db_in_memory(), reason=SQLITE_IN_MEMORY_REASON),
    pytest.mark.django_db(transaction=True),
]

ANY_TOKEN = re.compile(r"[A-Za-z0-9]{64}")


def read_version() -> object:
    """The version as the session query reads it: selected beside a row, then identified."""
    value = User.objects.annotate(v=dbversion.DatabaseVersion()).values_list("v", flat=True).first()
    assert value is not None
    return dbversion.version(value, using="default")


def elsewhere(job):  # type: ignore[no-untyped-def]
    """`job` run on another connection (a thread's), committed there."""
    [outcome] = run_at_once([job])
    if isinstance(outcome, BaseException):
        raise outcome
    return outcome


def quietly(attempt: Callable[[], bool]) -> None:
    """`attempt()` holds while nothing else commits. PostgreSQL's version is the whole server's, so the
    other test processes' commits move it too: there an attempt is repeated until a quiet moment. On
    SQLite (a database file of this test process's own) the first attempt must hold."""
    for _ in range(50 if connection.vendor == "postgresql" else 1):
        if attempt():
            return
    raise AssertionError("the version moved with nothing committed")


def test_the_version_stays_while_nothing_is_committed(personas):
    def attempt() -> bool:
        first = read_version()
        assert first is not None
        User.objects.filter(pk=personas.worker.pk).exists()  # reading moves nothing
        return read_version() == first

    quietly(attempt)


def _served_kept(client: Client, url: str) -> tuple[str, list[dict[str, object]], int]:
    """The page served as kept without reading anything but the session (with the user and the version;
    the access check passed for this page and nothing changed): its body, its queries and the views it took."""
    views: list[tuple[str, list[dict[str, object]]]] = []

    def attempt() -> bool:
        with CaptureQueriesContext(connection) as captured:
            body, rendered = _get(client, url)
        assert not rendered
        views.append((body, captured.captured_queries))
        return len(captured.captured_queries) == 1

    quietly(attempt)
    return *views[-1], len(views)


def test_this_connections_commit_moves_the_version(personas):
    before = read_version()
    User.objects.filter(pk=personas.worker.pk).update(phone="010-1111-2222")
    assert read_version() != before


def test_another_connections_commit_moves_the_version(personas):
    before = read_version()
    elsewhere(lambda: User.objects.filter(pk=personas.worker.pk).update(phone="010-3333-4444"))
    assert read_version() != before


def test_a_new_connection_has_a_version_of_its_own(personas):
    before = read_version()
    connections.close_all()  # nothing committed meanwhile, yet the new connection's counters start afresh
    assert read_version() != before


def test_inside_a_transaction_the_version_is_unknown(personas):
    with transaction.atomic():
        assert read_version() is None
    assert dbversion.version(None, using="default") is None


# --- the kept logged-in pages -------------------------------------------------------------------


@pytest.fixture
def roster_url(spool, personas, catalog):  # type: ignore[no-untyped-def]
    """The roster of two applicants; the access log spooled, as in production (an access-log row inserted
    by the view itself would be this connection's commit, moving the version on every view)."""
    pagecache.clear()
    enrollment_apply(offering=catalog.robot_offering, trainee=personas.worker)
    enrollment_apply(offering=catalog.robot_offering, trainee=personas.student)
    return reverse("enrollment:roster", args=[catalog.robot_offering.pk])


def _get(client: Client, url: str) -> tuple[str, bool]:
    response = client.get(url)
    assert response.status_code == 200
    return ANY_TOKEN.sub("", response.content.decode()), bool(response.templates)


def test_an_unchanged_database_serves_the_kept_roster_without_reading_its_rows(client, personas, roster_url):
    client.force_login(personas.coordinator)
    first, rendered = _get(client, roster_url)
    assert rendered and "오재직" in first and "이학생" in first
    again, queries, views = _served_kept(client, roster_url)
    assert again == first
    assert not any("enrollment_enrollment" in str(q["sql"]) for q in queries)
    audit_spool.drain()
    assert list(PersonalDataAccess.objects.values_list("purpose", "subject_count")) == [("roster", 2)] * (1 + views)


def test_a_commit_elsewhere_shows_at_once(client, personas, roster_url):
    client.force_login(personas.coordinator)
    _get(client, roster_url)
    elsewhere(lambda: User.objects.filter(pk=personas.student.pk).update(name="이개명"))
    body, rendered = _get(client, roster_url)
    assert rendered and "이개명" in body
    elsewhere(lambda: Company.objects.filter(pk=personas.worker.trainee_profile.employer_id).update(name="(주)새이름"))
    assert "(주)새이름" in _get(client, roster_url)[0]


def test_a_commit_on_the_same_connection_shows_at_once(client, personas, roster_url):
    client.force_login(personas.coordinator)
    _get(client, roster_url)
    Enrollment.objects.filter(trainee=personas.worker).update(status="approved")
    body, rendered = _get(client, roster_url)
    assert rendered and '<h2>승인 <small class="muted">1</small></h2>' in body


def test_a_commit_elsewhere_in_the_database_rereads_the_rows_but_renders_nothing(
    client, personas, catalog, roster_url, django_assert_num_queries
):
    client.force_login(personas.coordinator)
    first = _get(client, roster_url)[0]
    elsewhere(lambda: User.objects.filter(pk=personas.manager.pk).update(phone="010-5555-6666"))  # not on the roster
    with django_assert_num_queries(3) as captured:  # the session, the offering (the access check), the rows
        again, rendered = _get(client, roster_url)
    assert again == first and not rendered
    assert sum("enrollment_enrollment" in q["sql"] for q in captured.captured_queries) == 1
    _served_kept(client, roster_url)  # found current again at the new version


def test_the_kept_page_of_yesterday_is_read_again_today(client, personas, roster_url, monkeypatch):
    client.force_login(personas.coordinator)
    assert _get(client, roster_url)[1]
    assert not _get(client, roster_url)[1]
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    monkeypatch.setattr(pagecache.timezone, "localdate", lambda: tomorrow)
    assert _get(client, roster_url)[1]  # the date is part of the key: rendered again


def test_the_manager_dashboard_and_offering_page_follow_commits_elsewhere(spool, client, personas, catalog):
    pagecache.clear()
    url = reverse("courses:offering", args=[catalog.robot_offering.pk])
    client.force_login(personas.manager)
    before, rendered = _get(client, url)
    assert rendered and not _get(client, url)[1]
    assert "이미 신청한 직원" not in before
    home = _get(client, "/")[0]
    assert catalog.robot_offering.course.title_ko not in home
    elsewhere(
        lambda: enrollment_apply(offering=catalog.robot_offering, trainee=User.objects.get(pk=personas.worker.pk))
    )
    after, rendered = _get(client, url)
    assert rendered and personas.worker.name in after.split("이미 신청한 직원")[1]
    assert catalog.robot_offering.course.title_ko in _get(client, "/")[0]
    # the workers listed on every view of the offering, the kept ones too; the home page listed nobody before
    audit_spool.drain()
    assert [p for (p,) in PersonalDataAccess.objects.order_by("id").values_list("purpose")] == [
        "offering_workers",
        "offering_workers",
        "offering_workers",
        "home_recent_enrollments",
    ]


def test_the_version_is_read_with_the_session(client, personas, roster_url):
    client.force_login(personas.coordinator)
    response = client.get(roster_url)
    assert response.wsgi_request.session.database_version is not None
    assert connection.in_atomic_block is False


def test_access_taken_away_is_refused_at_once_though_the_page_was_kept(client, personas, roster_url):
    client.force_login(personas.coordinator)
    assert _get(client, roster_url)[1]
    _served_kept(client, roster_url)
    RoleAssignment.objects.filter(user=personas.coordinator, role=Role.COORDINATOR).delete()
    assert client.get(roster_url).status_code == 403
    worker = Client()
    worker.force_login(personas.worker)  # never allowed: refused, not served the coordinator's kept page
    assert worker.get(roster_url).status_code == 403
    audit_spool.drain()
    assert PersonalDataAccess.objects.filter(viewer=personas.worker).count() == 0
