"""Django-side helper for bench/run.py, run in a subprocess against the benchmark database.

It runs with the same settings, SECRET_KEY and DATABASE_URL as the gunicorn under test, so the
session cookies it makes are valid there. Every subcommand prints one JSON document on stdout.

    probe.py prepare                      logged-in sessions and the ids of the pages to load
    probe.py profile URLS_JSON            per page: time, query count, slowest queries and their plans
    probe.py cleanup SINCE KEY [KEY ...]  delete the bench's sessions and the audit rows it caused
"""

from __future__ import annotations

import datetime as dt
import json
import os
import statistics
import string
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count, Q  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402
from django.utils.crypto import get_random_string  # noqa: E402

from sanhak.accounts.models import Session, TraineeProfile, User  # noqa: E402
from sanhak.accounts.sessions import SessionStore  # noqa: E402
from sanhak.common import audit_spool  # noqa: E402
from sanhak.common.models import AccessLogSpool, PersonalDataAccess  # noqa: E402
from sanhak.companies.models import Company  # noqa: E402
from sanhak.courses.models import Course, Offering  # noqa: E402
from sanhak.courses.selectors import CatalogFilters, catalog_offerings  # noqa: E402
from sanhak.enrollment.models import ACTIVE_STATUSES, Enrollment  # noqa: E402

AUTH_BACKEND = "sanhak.accounts.backends.UserBackend"
PERSONAS = {"manager": "manager@sanhak.test", "coordinator": "coordinator@sanhak.test"}


def session_for(user: User) -> str:
    """A logged-in session, exactly as django.contrib.auth.login() would store it."""
    store = SessionStore()
    store[SESSION_KEY] = user._meta.pk.value_to_string(user)
    store[BACKEND_SESSION_KEY] = AUTH_BACKEND
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    assert store.session_key is not None
    return store.session_key


def prepare() -> dict[str, Any]:
    today = timezone.localdate()
    users = {}
    for name, email in PERSONAS.items():
        user = User.objects.filter(email=email).first()
        if user is None:
            raise SystemExit(f"{email} is missing from the benchmark database: was it seeded with seed_demo?")
        users[name] = user
    active = Q(enrollments__status__in=ACTIVE_STATUSES)
    upcoming = (
        Offering.objects.filter(start_date__gt=today)
        .annotate(n=Count("enrollments", filter=active))
        .filter(n__gt=0)
        .order_by("-n", "id")
        .first()
    )
    if upcoming is None:
        raise SystemExit("no upcoming offering with enrollments in the benchmark database")
    coordinator = users["coordinator"]
    roster = (
        Offering.objects.filter(course__institution_id__in=coordinator.coordinated_institution_ids)
        .annotate(n=Count("enrollments"))
        .order_by("-n", "id")
        .first()
    )
    if roster is None:
        raise SystemExit("the coordinator's institution has no offerings in the benchmark database")
    manager = users["manager"]
    company = manager.managed_company
    catalog = {
        name: catalog_offerings(filters).count()
        for name, filters in (
            ("q=로봇", CatalogFilters(q="로봇")),
            (
                "q=사출&schedule=evening_or_weekend&open_seats",
                CatalogFilters(q="사출", schedule="evening_or_weekend", open_seats=True),
            ),
        )
    }
    return {
        "today": today.isoformat(),
        "vendor": connection.vendor,
        "sessions": {name: session_for(user) for name, user in users.items()},
        # the CSRF cookie a browser holds once logged in (the login form set it): a 32-character secret
        "csrf_cookie": get_random_string(32, allowed_chars=string.ascii_letters + string.digits),
        "names": {name: user.name for name, user in users.items()},
        "catalog_matches": catalog,
        "offering": {
            "id": upcoming.pk,
            "active_enrollments": upcoming.n,  # type: ignore[attr-defined]
            "start_date": str(upcoming.start_date),
        },
        "roster": {
            "id": roster.pk,
            "enrollments": roster.n,  # type: ignore[attr-defined]
            "start_date": str(roster.start_date),
        },
        "manager_company": {
            "name": company.name if company else None,
            "workers": TraineeProfile.objects.filter(employer=company).count() if company else 0,
            "worker_enrollments": (
                Enrollment.objects.filter(trainee__trainee_profile__employer=company).count() if company else 0
            ),
        },
        "counts": {
            "companies": Company.objects.count(),
            "users": User.objects.count(),
            "courses": Course.objects.count(),
            "offerings": Offering.objects.count(),
            "enrollments": Enrollment.objects.count(),
        },
    }


def _explain(sql: str) -> list[str]:
    if not sql.lstrip().upper().startswith("SELECT"):
        return []
    prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN (ANALYZE, BUFFERS) "
    try:
        with connection.cursor() as cursor:
            cursor.execute(prefix + sql)
            rows = cursor.fetchall()
    except Exception as exc:  # a plan is a nice-to-have in a report
        return [f"(no plan: {exc})"]
    if connection.vendor == "sqlite":
        return [f"{row[0]}:{row[1]} {row[3]}" for row in rows]
    return [str(row[0]) for row in rows]


class _Clock:
    """Times one request's SQL (every statement) and its template rendering (outermost render only)."""

    def __init__(self) -> None:
        self.depth = 0
        self.queries: list[dict[str, Any]] = []
        self.render_ms = 0.0
        self.sql_in_render_ms = 0.0

    def reset(self) -> None:
        self.queries, self.render_ms, self.sql_in_render_ms = [], 0.0, 0.0

    def execute(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            ms = (time.perf_counter() - started) * 1000
            self.queries.append({"ms": ms, "sql": sql, "params": params})
            if self.depth:
                self.sql_in_render_ms += ms

    def wrap_render(self, render: Any) -> Any:
        clock = self

        def timed(template: Any, *args: Any, **kwargs: Any) -> Any:
            clock.depth += 1
            started = time.perf_counter()
            try:
                return render(template, *args, **kwargs)
            finally:
                clock.depth -= 1
                if not clock.depth:
                    clock.render_ms += (time.perf_counter() - started) * 1000

        return timed


def _sql_with_params(query: dict[str, Any]) -> str:
    """The statement with its parameters inlined, for EXPLAIN (mogrified by the backend)."""
    if connection.vendor == "postgresql":  # a client-binding cursor: the connection binds on the server
        import psycopg

        connection.ensure_connection()
        with psycopg.ClientCursor(connection.connection) as client:
            return str(client.mogrify(query["sql"], query["params"]))
    with connection.cursor() as cursor:
        return str(connection.ops.last_executed_query(cursor, query["sql"], query["params"] or ()))


def profile(urls: list[dict[str, str]], repeat: int = 10) -> list[dict[str, Any]]:
    """Each page through Django's test client, in process and alone: where its time goes.

    Medians over `repeat` requests of the total, of the time in SQL, and of the time rendering
    templates (SQL run from inside templates counted as SQL); the slowest statements of the last
    request with their plans.
    """
    from django.template.backends.django import Template as BackendTemplate

    clock = _Clock()
    original_render = BackendTemplate.render
    BackendTemplate.render = clock.wrap_render(original_render)  # type: ignore[method-assign]
    out = []
    try:
        for spec in urls:
            client = Client(HTTP_HOST="127.0.0.1")
            if spec.get("session"):
                client.cookies[settings.SESSION_COOKIE_NAME] = spec["session"]
            client.get(spec["path"])  # warm: templates, Kiwi, URL resolver
            totals, sqls, renders, counts = [], [], [], []
            status = 0
            for _ in range(repeat):
                clock.reset()
                with connection.execute_wrapper(clock.execute):
                    started = time.perf_counter()
                    response = client.get(spec["path"])
                    totals.append((time.perf_counter() - started) * 1000)
                status = response.status_code
                sql_ms = sum(q["ms"] for q in clock.queries)
                sqls.append(sql_ms)
                renders.append(clock.render_ms - clock.sql_in_render_ms)
                counts.append(len(clock.queries))
            total, sql, render = statistics.median(totals), statistics.median(sqls), statistics.median(renders)
            slowest = sorted(clock.queries, key=lambda q: -float(q["ms"]))[:5]
            report = []
            for i, q in enumerate(slowest):
                text = _sql_with_params(q)
                report.append(
                    {"ms": round(q["ms"], 2), "sql": text[:1500], **({"plan": _explain(text)} if i < 3 else {})}
                )
            out.append(
                {
                    "name": spec["name"],
                    "path": spec["path"],
                    "status": status,
                    "view_ms_median": round(total, 1),
                    "queries": max(counts),
                    "sql_ms": round(sql, 1),
                    "template_ms": round(render, 1),
                    "other_python_ms": round(total - sql - render, 1),
                    "slowest": report,
                }
            )
    finally:
        BackendTemplate.render = original_render  # type: ignore[method-assign]
    return out


def cleanup(since: str, keys: list[str]) -> dict[str, int]:
    """Leave the benchmark database as seeded: the roster view logs every view (PIPA), sessions pile up."""
    audit_spool.drain()  # the rows the server and the profile left in the access-log spool
    started = dt.datetime.fromisoformat(since)
    emails = list(PERSONAS.values())
    audit, _ = PersonalDataAccess.objects.filter(created_at__gte=started, viewer__email__in=emails).delete()
    sessions, _ = Session.objects.filter(session_key__in=keys).delete()
    if connection.vendor == "postgresql":
        # The deleted rows' space and index entries are reclaimed by autovacuum in production; a test server
        # may run without it (this one does), and a bloated access-log index slows the next run's inserts.
        with connection.cursor() as cursor:
            for model in (PersonalDataAccess, Session, AccessLogSpool):
                cursor.execute(f"VACUUM ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    return {"audit_rows": audit, "sessions": sessions}


def main(argv: list[str]) -> None:
    command = argv[0] if argv else ""
    if command == "prepare":
        result: Any = prepare()
    elif command == "profile":
        result = profile(json.loads(argv[1]))
    elif command == "cleanup":
        result = cleanup(argv[1], argv[2:])
    else:
        raise SystemExit(__doc__)
    sys.stdout.write(json.dumps(result, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])
