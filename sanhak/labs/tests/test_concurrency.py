"""No double booking under real concurrency: many threads, each with its own database connection,
booking overlapping time on one piece of equipment at the same moment.

The services check for a taken slot first (so people get a specific reason), but two requests can pass
that check together; the PostgreSQL exclusion constraint (migration 0002) is what decides. The loser
must get a ConflictError (HTTP 409, code "conflict"), never a server error, and nothing it wrote may
survive (a weekly booking is all or nothing).

PostgreSQL only (the exclusion constraint is the thing under test); required when the suite runs there:
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sanhak_labs_cc pytest sanhak/labs/tests/test_concurrency.py
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

import pytest
from django.db import connection, transaction
from django.db.models import Count, Exists, OuterRef
from django.test import Client

from sanhak.accounts.models import User
from sanhak.accounts.tokens import api_token_create
from sanhak.common.concurrency import run_at_once
from sanhak.common.errors import ConflictError
from sanhak.common.factories import TraineeFactory
from sanhak.labs import services
from sanhak.labs.models import Equipment, Reservation, ReservationSeries
from sanhak.labs.rules import is_open_day
from sanhak.labs.selectors import equipment_listed
from sanhak.labs.tests.conftest import at, open_day

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason=f"the PostgreSQL exclusion constraint; this run uses {connection.vendor} (set DATABASE_URL to run it)",
    ),
    # Transactional: the threads must see committed rows.
    pytest.mark.django_db(transaction=True),
]

Slot = tuple[dt.datetime, dt.datetime]


def blocked(equipment: Equipment, slot: Slot) -> Slot:
    """The time a booking of `slot` holds: its end plus the equipment's buffer."""
    return slot[0], slot[1] + dt.timedelta(minutes=equipment.effective_rules.buffer_minutes)


def assert_pairwise_overlapping(equipment: Equipment, slots: Sequence[Slot]) -> None:
    for a, b in itertools.combinations({*slots}, 2):
        (a0, a1), (b0, b1) = blocked(equipment, a), blocked(equipment, b)
        assert a0 < b1 and b0 < a1, f"{a} and {b} do not overlap"


def assert_no_overlap_in_table(equipment: Equipment) -> None:
    """The database's own answer: no blocking reservation meets another on this equipment."""
    others = (
        Reservation.objects.blocking()
        .filter(equipment_id=OuterRef("equipment_id"), starts_at__lt=OuterRef("blocked_until"))
        .filter(blocked_until__gt=OuterRef("starts_at"))
        .exclude(pk=OuterRef("pk"))
    )
    clashing = Reservation.objects.blocking().filter(equipment=equipment).filter(Exists(others))
    assert list(clashing.values_list("pk", "starts_at", "blocked_until")) == []


def book_job(equipment_pk: int, user_pk: int, slot: Slot) -> Callable[[], Reservation]:
    def job() -> Reservation:
        equipment = equipment_listed().get(pk=equipment_pk)
        user = User.objects.get(pk=user_pk)
        return services.reservation_create(equipment=equipment, user=user, starts_at=slot[0], ends_at=slot[1])

    return job


def weekly_job(equipment_pk: int, user_pk: int, slot: Slot, weeks: int) -> Callable[[], list[Reservation]]:
    def job() -> list[Reservation]:
        equipment = equipment_listed().get(pk=equipment_pk)
        user = User.objects.get(pk=user_pk)
        return services.weekly_create(equipment=equipment, user=user, starts_at=slot[0], ends_at=slot[1], weeks=weeks)

    return job


def trainees(n: int, employer: Any) -> list[User]:
    return TraineeFactory.create_batch(n, profile__employer=employer)


def assert_conflicts(failures: Sequence[Any]) -> None:
    """Every loser got a ConflictError with code "conflict", nothing else (no 500s, no deadlocks)."""
    kinds = Counter(f"{type(f).__module__}.{type(f).__name__}: {str(f)[:200]}" for f in failures)
    others = {k: n for k, n in kinds.items() if not k.startswith("sanhak.common.errors.ConflictError")}
    assert others == {}
    assert {f.code for f in failures} == {"conflict"}
    assert {f.status for f in failures} == {409}


# --- a) fifty single bookings of overlapping time ------------------------------------------------

SINGLE_THREADS = 50


def test_fifty_parallel_overlapping_bookings_exactly_one_wins(personas, labs):
    plc = labs.plc
    rules = plc.effective_rules
    assert (rules.approval_required, rules.buffer_minutes, list(plc.required_courses.all())) == (False, 0, [])
    day = open_day(rules)
    # Three different slots, each two hours, all meeting each other (19:00–21:00, 19:30–21:30, 20:00–22:00).
    shapes = [at(day, 19, 0), at(day, 19, 30), at(day, 20, 0)]
    slots = [(s, s + dt.timedelta(hours=2)) for s in shapes]
    assert_pairwise_overlapping(plc, slots)
    users = trainees(SINGLE_THREADS, personas.company_a)

    outcomes = run_at_once([book_job(plc.pk, u.pk, slots[i % len(slots)]) for i, u in enumerate(users)])

    wins = [o for o in outcomes if isinstance(o, Reservation)]
    failures = [o for o in outcomes if not isinstance(o, Reservation)]
    assert len(wins) == 1
    assert len(failures) == SINGLE_THREADS - 1
    assert_conflicts(failures)
    assert all("PLC 트레이너" in f.message for f in failures)
    # The table holds exactly the winner, confirmed (no approval needed), for its own user and slot.
    rows = list(Reservation.objects.filter(equipment=plc).values_list("pk", "status", "user_id", "starts_at"))
    win = wins[0]
    assert rows == [(win.pk, "confirmed", win.user_id, win.starts_at)]
    assert Reservation.objects.blocking().filter(equipment=plc).count() == 1
    assert win.company_id == personas.company_a.pk
    assert_no_overlap_in_table(plc)


# --- b) weekly bookings against single ones -------------------------------------------------------

WEEKLY_THREADS = 10
SINGLE_AGAINST_WEEKLY = 10
WEEKS = 4


def _open_for_weeks(equipment: Equipment, weeks: int) -> dt.date:
    """A day on which the equipment opens, and opens again the same weekday for `weeks` weeks."""
    rules = equipment.effective_rules
    day = open_day(rules)
    while not all(is_open_day(rules, day + dt.timedelta(weeks=k)) for k in range(weeks)):
        day = open_day(rules, after_days=(day - dt.date.today()).days + 1)
    return day


def test_weekly_and_single_bookings_in_parallel_never_overlap_and_weekly_is_all_or_nothing(personas, labs):
    plc = labs.plc
    day = _open_for_weeks(plc, WEEKS)
    two_hours = dt.timedelta(hours=2)
    weekly_shapes = [(19, 0), (19, 30), (20, 0)]
    single_shapes = [(18, 30), (19, 0), (20, 0)]
    weekly = [
        (at(day, h, m), at(day, h, m) + two_hours) for h, m in (weekly_shapes[i % 3] for i in range(WEEKLY_THREADS))
    ]
    singles = []
    for j in range(SINGLE_AGAINST_WEEKLY):
        week_day = day + dt.timedelta(weeks=j % WEEKS)  # every one of the four weeks is contested
        h, m = single_shapes[j % 3]
        singles.append((at(week_day, h, m), at(week_day, h, m) + two_hours))
    # Within each week every attempt (weekly occurrence or single) meets every other.
    for k in range(WEEKS):
        week = [(s + dt.timedelta(weeks=k), e + dt.timedelta(weeks=k)) for s, e in weekly]
        week += [s for s in singles if s[0].date() == (day + dt.timedelta(weeks=k))]
        assert_pairwise_overlapping(plc, week)
    weekly_users = trainees(WEEKLY_THREADS, personas.company_a)
    single_users = trainees(SINGLE_AGAINST_WEEKLY, personas.company_b)
    jobs = [weekly_job(plc.pk, u.pk, slot, WEEKS) for u, slot in zip(weekly_users, weekly, strict=True)]
    jobs += [book_job(plc.pk, u.pk, slot) for u, slot in zip(single_users, singles, strict=True)]

    outcomes = run_at_once(jobs)

    weekly_out, single_out = outcomes[:WEEKLY_THREADS], outcomes[WEEKLY_THREADS:]
    weekly_wins = [o for o in weekly_out if isinstance(o, list)]
    single_wins = [o for o in single_out if isinstance(o, Reservation)]
    failures = [o for o in outcomes if not isinstance(o, (list, Reservation))]
    # What the database guarantees, however the losers were told.
    assert [type(f).__name__ for f in failures if not isinstance(f, ConflictError)] == []
    assert all(len(made) == WEEKS for made in weekly_wins)
    # All weekly series meet each other in every week: at most one of them can have won.
    assert len(weekly_wins) <= 1
    assert_no_overlap_in_table(plc)
    # All or nothing: every series left in the table is whole (a failed one leaves neither series nor rows).
    per_series = dict(ReservationSeries.objects.annotate(n=Count("reservations")).values_list("pk", "n"))
    assert per_series == {made[0].series_id: WEEKS for made in weekly_wins}
    blocking = Reservation.objects.blocking().filter(equipment=plc)
    assert blocking.count() == Reservation.objects.filter(equipment=plc).count()
    assert blocking.count() == WEEKS * len(weekly_wins) + len(single_wins)
    assert set(blocking.values_list("pk", flat=True)) == {
        *(r.pk for made in weekly_wins for r in made),
        *(r.pk for r in single_wins),
    }
    assert_conflicts(failures)
    # No week is lost: a single booking only fails on a committed (so lasting) booking of its own week,
    # so each week ends with exactly one booking, whatever order the threads ran in.
    per_week = Counter((r.starts_at - at(day, 0, 0)).days // 7 for r in blocking)
    assert per_week == dict.fromkeys(range(WEEKS), 1)


# --- b') the same, made deterministic: waiters on a booking whose transaction rolls back ------------

WAITERS = 4

# Regression: bookings queued behind another booking's uncommitted row used to deadlock each other when
# that transaction rolled back (as weekly_create does when a later week fails), because each waiter's own
# row was already in the exclusion constraint's index. services._lock now queues bookings of one piece
# of equipment on its row lock before any of them writes.


def _waiting_on_locks() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return int(cursor.fetchone()[0])


def test_waiters_on_a_rolled_back_booking_get_one_booking_and_conflicts_not_deadlocks(personas, labs):
    """A booking is made inside a transaction that then fails (what a weekly booking does when a later
    week is taken). Bookings of the same time made meanwhile wait for it; once it rolls back exactly
    one of them should get the time and the others a ConflictError."""
    plc = labs.plc
    day = open_day(plc.effective_rules)
    slot = (at(day, 19), at(day, 21))
    holder, *waiters = trainees(1 + WAITERS, personas.company_a)
    booked, release = threading.Event(), threading.Event()

    class AbandonedError(Exception):
        pass

    def hold() -> str:
        try:
            with transaction.atomic():
                book_job(plc.pk, holder.pk, slot)()
                booked.set()
                assert release.wait(timeout=60)
                raise AbandonedError
        except AbandonedError:
            return "rolled back"

    def wait_then_book(user_pk: int) -> Callable[[], Reservation]:
        def job() -> Reservation:
            assert booked.wait(timeout=60)
            return book_job(plc.pk, user_pk, slot)()

        return job

    def conductor() -> str:
        assert booked.wait(timeout=60)
        deadline = time.monotonic() + 30
        while _waiting_on_locks() < WAITERS and time.monotonic() < deadline:
            time.sleep(0.05)
        queued = _waiting_on_locks()
        release.set()
        return f"{queued} queued"

    outcomes = run_at_once([hold, conductor, *(wait_then_book(u.pk) for u in waiters)])

    assert outcomes[:2] == ["rolled back", f"{WAITERS} queued"]
    results = outcomes[2:]
    assert sum(isinstance(o, Reservation) for o in results) == 1
    assert_conflicts([o for o in results if not isinstance(o, Reservation)])
    assert Reservation.objects.filter(equipment=plc).count() == 1
    assert_no_overlap_in_table(plc)


# --- c) the API: twenty parallel POSTs ------------------------------------------------------------

API_THREADS = 20


def test_twenty_parallel_api_bookings_one_201_the_rest_409(personas, labs):
    plc = labs.plc
    day = open_day(plc.effective_rules)
    shapes = [at(day, 19, 0), at(day, 19, 30), at(day, 20, 0)]
    slots = [(s, s + dt.timedelta(hours=2)) for s in shapes]
    assert_pairwise_overlapping(plc, slots)
    users = trainees(API_THREADS, personas.company_a)
    tokens = [api_token_create(user=u, name="concurrency")[1] for u in users]

    def post_job(token: str, slot: Slot) -> Callable[[], tuple[int, dict[str, Any]]]:
        def job() -> tuple[int, dict[str, Any]]:
            body = {"equipment_id": plc.pk, "starts_at": slot[0].isoformat(), "ends_at": slot[1].isoformat()}
            response = Client().post(
                "/api/labs/reservations",
                json.dumps(body),
                content_type="application/json",
                headers={"Authorization": f"Bearer {token}"},
            )
            return response.status_code, response.json()

        return job

    outcomes = run_at_once([post_job(t, slots[i % len(slots)]) for i, t in enumerate(tokens)])

    assert [o for o in outcomes if not isinstance(o, tuple)] == []
    statuses = Counter(status for status, _ in outcomes)
    assert statuses == {201: 1, 409: API_THREADS - 1}
    assert {body["code"] for status, body in outcomes if status == 409} == {"conflict"}
    (created,) = next(body for status, body in outcomes if status == 201)
    assert created["status"] == "confirmed"
    assert created["equipment"]["id"] == plc.pk
    rows = list(Reservation.objects.filter(equipment=plc).values_list("pk", flat=True))
    assert rows == [created["id"]]
    assert_no_overlap_in_table(plc)
