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
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.contrib.sessions.models import Session  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count, Q  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from sanhak.accounts.models import TraineeProfile, User  # noqa: E402
from sanhak.common.models import PersonalDataAccess  # noqa: E402
from sanhak.companies.models import Company  # noqa: E402
from sanhak.courses.models import Course, Offering  # noqa: E402
from sanhak.courses.selectors import CatalogFilters, catalog_offerings  # noqa: E402
from sanhak.enrollment.models import ACTIVE_STATUSES, Enrollment  # noqa: E402

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
PERSONAS = {"manager": "manager@sanhak.test", "coordinator": "coordinator@sanhak.test"}


def session_for(user: User) -> str:
    """A logged-in session, exactly as django.contrib.auth.login() would store it."""
    store = SessionStore()
    store[SESSION_KEY] = user._meta.pk.value_to_string(user)
    store[BACKEND_SESSION_KEY] = MODEL_BACKEND
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


def profile(urls: list[dict[str, str]], repeat: int = 5) -> list[dict[str, Any]]:
    """Each page through Django's test client, in process: where its time goes, without concurrency."""
    out = []
    for spec in urls:
        client = Client(HTTP_HOST="127.0.0.1")
        if spec.get("session"):
            client.cookies[settings.SESSION_COOKIE_NAME] = spec["session"]
        client.get(spec["path"])  # warm: templates, Kiwi, URL resolver
        timings = []
        captured: CaptureQueriesContext | None = None
        status = 0
        for _ in range(repeat):
            with CaptureQueriesContext(connection) as ctx:
                started = time.perf_counter()
                response = client.get(spec["path"])
                timings.append((time.perf_counter() - started) * 1000)
            status = response.status_code
            captured = ctx
        assert captured is not None
        queries: list[dict[str, Any]] = [
            {"ms": float(q["time"]) * 1000, "sql": str(q["sql"])} for q in captured.captured_queries
        ]
        slowest = sorted(queries, key=lambda q: -float(q["ms"]))[:5]
        for q in slowest[:3]:
            q["plan"] = _explain(q["sql"])
        sql_ms = sum(q["ms"] for q in queries)
        out.append(
            {
                "name": spec["name"],
                "path": spec["path"],
                "status": status,
                "view_ms_median": statistics.median(timings),
                "queries": len(queries),
                "sql_ms": sql_ms,
                "python_ms": statistics.median(timings) - sql_ms,
                "slowest": [{**q, "sql": q["sql"][:1500]} for q in slowest],
            }
        )
    return out


def cleanup(since: str, keys: list[str]) -> dict[str, int]:
    """Leave the benchmark database as seeded: the roster view logs every view (PIPA), sessions pile up."""
    started = dt.datetime.fromisoformat(since)
    emails = list(PERSONAS.values())
    audit, _ = PersonalDataAccess.objects.filter(created_at__gte=started, viewer__email__in=emails).delete()
    sessions, _ = Session.objects.filter(session_key__in=keys).delete()
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
