"""Demand benchmark (by hand, not a test): the gap analysis and the recommendation pages at national
scale on PostgreSQL, pinned to one core.

Targets (issue 3): the gap analysis at `national` scale on PostgreSQL under 500 ms; a recommendation
page under 100 ms p95.

Usage:
    .venv/bin/python bench/demand.py                 # seed on first use, then measure
    .venv/bin/python bench/demand.py --reseed        # drop and rebuild the benchmark database first
    .venv/bin/python bench/demand.py --runs 30

Data: database `sanhak_bench_demand` (DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/sanhak_bench_demand). When missing (or with --reseed) it is
created, migrated and seeded with `manage.py seed_demo --scale national` (80,000 companies, 200,000
trainees, 4,000 courses, 12,000 offerings, 600,000 enrollments; a few minutes; a marker file
var/bench/sanhak_bench_demand.seeded.json records a finished seed). The demo's own survey round covers
the Namdong complex only, so the benchmark adds, once, a national round ("bench: national demand")
answered by 40% of ALL companies (the demo company (주)남동정밀 among them), each with 3 structured
needs and 1 free-text statement confirmed as 1–2 competencies, bulk-inserted, its demand cells built
(services.demand_cells_refresh, as every submission does for its group), then ANALYZE.

Measured, in this one process pinned to CPU 0, through Django's test client (the whole view: access
check, selectors, template), after 3 unmeasured requests, --runs timed ones each:
  a) GET /demand/gaps/ as the program admin: this calendar year, every industry and size (judged),
     with the cache cleared before every request (the figures added up from scratch) and as served
     from the cache (kept under the demand and catalog versions); filtered by an industry and a size
     (reference); also `selectors.compute_gap_table` alone and the XLSX export (reference). Median,
     p95 and the number of SQL queries.
  b) GET /demand/recommendations/ as the demo incumbent worker (worker@sanhak.test), as the demo
     company manager (manager@sanhak.test) and as the demo graduate student (student@sanhak.test; the
     complex's R&D-track demand of the coming year from the cached gap table): p95 judged, each; the
     student also with the gap table added up afresh (after any change to demand or catalog; reference).
  c) GET /courses/<code>/ as a logged-in user (the traceability section; reference).

It prints a table and PASS/FAIL per target, writes bench/results/demand-<timestamp>.json
(git-ignored), deletes the sessions and PIPA log rows it made, and exits 0 even when a target is
missed (2 when it could not measure).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
VAR = ROOT / "var" / "bench"
RESULTS = ROOT / "bench" / "results"
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/sanhak_bench_demand"

os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.local"
os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
os.environ.setdefault("DEBUG", "false")  # no per-query logging in the measured code
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.dummy.EmailBackend")

GAP_TARGET_MS = 500.0
RECOMMEND_TARGET_MS = 100.0
BENCH_ROUND = "bench: national demand"
ANSWER_SHARE = 0.4


def say(message: str = "") -> None:
    print(message, flush=True)


def _pg(url: str) -> tuple[str, str]:
    base, _, name = url.rpartition("/")
    if not base.startswith("postgres") or not name:
        raise SystemExit(f"DATABASE_URL must be a PostgreSQL URL with a database name, not {url!r}")
    return base, name


def _exists(url: str) -> bool:
    import psycopg

    base, name = _pg(url)
    with psycopg.connect(f"{base}/postgres", autocommit=True, connect_timeout=5) as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None


def ensure_seeded(url: str, *, reseed: bool) -> dict[str, Any]:
    """Create, migrate and seed (national) unless a finished seed is recorded; migrate in any case."""
    import psycopg
    from psycopg import sql

    base, name = _pg(url)
    marker = VAR / f"{name}.seeded.json"
    env = os.environ.copy()
    info: dict[str, Any] = {}
    if reseed or not marker.exists() or not _exists(url):
        marker.unlink(missing_ok=True)
        with psycopg.connect(f"{base}/postgres", autocommit=True, connect_timeout=5) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, check=True, env=env)
        say("seed_demo --scale national … (a few minutes)")
        t0 = time.monotonic()
        subprocess.run([sys.executable, "manage.py", "seed_demo", "--scale", "national"], cwd=ROOT, check=True, env=env)
        info = {"seed_s": round(time.monotonic() - t0, 1), "seeded_at": dt.datetime.now().isoformat(timespec="seconds")}
        VAR.mkdir(parents=True, exist_ok=True)
        marker.write_text(json.dumps(info))
    else:
        info = json.loads(marker.read_text())
        say(f"reusing {name} seeded {info.get('seeded_at')} (--reseed to rebuild)")
        subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, check=True, env=env)
    return info


def national_demand(rng: random.Random) -> dict[str, int]:
    """Once: a round over every company, answered by 40% of them (3 needs + 1 confirmed statement each)."""
    from django.db import transaction
    from django.utils import timezone

    from sanhak.accounts.models import User
    from sanhak.common.models import refresh_planner_statistics
    from sanhak.common.personas import personas_create
    from sanhak.companies.models import Company
    from sanhak.competencies.models import Competency, Track
    from sanhak.courses.models import Offering
    from sanhak.demand.models import (
        NeedItem,
        NeedStatement,
        PreferredMode,
        ResponseStatus,
        SurveyResponse,
        SurveyRound,
        Urgency,
        size_band,
    )
    from sanhak.demand.services import demand_cells_refresh

    survey = SurveyRound.objects.filter(title=BENCH_ROUND).first()
    if survey is None:
        today, now = timezone.localdate(), timezone.now()
        personas = personas_create()
        admin = User.objects.get(pk=personas.admin.pk)
        with transaction.atomic():
            survey = SurveyRound.objects.create(
                title=BENCH_ROUND,
                opens_on=today - dt.timedelta(days=20),
                closes_on=today + dt.timedelta(days=20),
                period_start=today - dt.timedelta(days=30),
                period_end=today + dt.timedelta(days=330),
                created_by=admin,
            )
            divisions: dict[int, str] = {}
            for company_id, code in Company.ksic_codes.through.objects.order_by(
                "company_id", "ksiccode_id"
            ).values_list("company_id", "ksiccode_id"):
                divisions.setdefault(company_id, code[:2])
            companies = list(Company.objects.only("id", "employees").order_by("id"))
            chosen = [c for c in companies if c.pk == personas.company_a.pk or rng.random() < ANSWER_SHARE]
            responses = SurveyResponse.objects.bulk_create(
                (
                    SurveyResponse(
                        round=survey,
                        company=c,
                        status=ResponseStatus.SUBMITTED,
                        ksic_division=divisions.get(c.pk, ""),
                        size_band=size_band(c.employees),
                        submitted_at=now - dt.timedelta(minutes=rng.randint(0, 20_000)),
                        submitted_by=admin,
                    )
                    for c in chosen
                ),
                batch_size=5000,
            )
            competencies = list(Competency.objects.order_by("code"))
            tracks = list(Track.objects.order_by("order"))
            items, statements, confirmed = [], [], []
            for r in responses:
                for comp in rng.sample(competencies, 3):
                    items.append(
                        NeedItem(
                            response=r,
                            competency=comp,
                            headcount=rng.randint(1, 6),
                            track=rng.choice(tracks),
                            urgency=rng.choice(Urgency.values),
                            mode=rng.choice(PreferredMode.values),
                            weekday_day=rng.random() < 0.3,
                            weekday_evening=rng.random() < 0.6,
                            weekend=rng.random() < 0.4,
                        )
                    )
                statements.append(
                    NeedStatement(
                        response=r,
                        text="설비가 자주 멈추는데 원인을 데이터로 찾고 싶습니다.",
                        headcount=rng.randint(1, 4),
                        track=rng.choice(tracks),
                        confirmed_by=admin,
                        confirmed_at=now,
                    )
                )
                confirmed.append(rng.sample(competencies, rng.randint(1, 2)))
            NeedItem.objects.bulk_create(items, batch_size=5000)
            saved = NeedStatement.objects.bulk_create(statements, batch_size=5000)
            through = NeedStatement.confirmed.through
            through.objects.bulk_create(
                (
                    through(needstatement_id=s.pk, competency_id=c.pk)
                    for s, comps in zip(saved, confirmed, strict=True)
                    for c in comps
                ),
                batch_size=5000,
            )
            demand_cells_refresh(round_id=survey.pk)
        refresh_planner_statistics()
    return {
        "companies": Company.objects.count(),
        "rounds": SurveyRound.objects.count(),
        "submitted_responses": SurveyResponse.objects.filter(status="submitted").count(),
        "need_items": NeedItem.objects.count(),
        "statements_confirmed": NeedStatement.objects.filter(confirmed_at__isnull=False).count(),
        "confirmations": NeedStatement.confirmed.through.objects.count(),
        "offerings": Offering.objects.count(),
    }


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def timed(fn: Callable[[], Any], runs: int) -> dict[str, float]:
    for _ in range(3):
        fn()
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return {"median": statistics.median(times), "p95": percentile(times, 0.95), "max": max(times), "runs": runs}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--reseed", action="store_true")
    args = parser.parse_args()
    url = os.environ["DATABASE_URL"]
    seed_info = ensure_seeded(url, reseed=args.reseed)
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})

    import django

    django.setup()
    import gc

    from django.conf import settings
    from django.test.utils import override_settings

    override_settings(
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
    ).enable()

    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from django.utils import timezone

    from sanhak.accounts.models import Session, User
    from sanhak.common.models import PersonalDataAccess
    from sanhak.courses.models import Course
    from sanhak.demand import selectors
    from sanhak.demand.models import SurveyResponse

    t0 = time.perf_counter()
    sizes = national_demand(random.Random(2026))
    say(f"demand data ready in {time.perf_counter() - t0:.1f} s: {sizes}")
    gc.collect()
    gc.freeze()

    def user(email: str) -> User:
        return User.objects.get(email=email)

    admin, worker, manager = user("admin@sanhak.test"), user("worker@sanhak.test"), user("manager@sanhak.test")
    student = user("student@sanhak.test")
    pipa_before = PersonalDataAccess.objects.order_by("-id").values_list("id", flat=True).first() or 0
    sessions_before = set(Session.objects.values_list("session_key", flat=True))
    today = timezone.localdate()
    year = {"start": f"{today.year}-01-01", "end": f"{today.year}-12-31"}
    top = (
        SurveyResponse.objects.filter(status="submitted")
        .exclude(ksic_division="")
        .values_list("ksic_division", "size_band")
        .first()
    )
    filtered = {**year, "ksic": top[0], "size": top[1]} if top else year
    course = Course.objects.filter(offerings__start_date__gte=today).order_by("code").first()

    clients: dict[str, Client] = {}
    for name, who in (("admin", admin), ("worker", worker), ("manager", manager), ("student", student)):
        clients[name] = Client()
        clients[name].force_login(who)

    def page(name: str, path: str, query: dict[str, str] | None = None) -> Callable[[], Any]:
        def get() -> Any:
            response = clients[name].get(path, query or {})
            if response.status_code != 200:
                raise SystemExit(f"{path} as {name} answered {response.status_code}")
            return response

        return get

    def queries(fn: Callable[[], Any]) -> int:
        with CaptureQueriesContext(connection) as ctx:
            fn()
        return len(ctx.captured_queries)

    gaps = reverse("demand_gaps:gaps")
    recommend = reverse("demand_gaps:recommendations")
    filters = selectors.GapFilters(dt.date(today.year, 1, 1), dt.date(today.year, 12, 31))

    def cold(fn: Callable[[], Any]) -> Callable[[], Any]:
        def run() -> Any:
            cache.clear()  # the gap table is cached under the demand and catalog versions: measure it uncached
            return fn()

        return run

    cases: list[tuple[str, Callable[[], Any], float | None]] = [
        ("gap page, uncached (this year, all)", cold(page("admin", gaps, year)), GAP_TARGET_MS),
        ("gap page, cached (this year, all)", page("admin", gaps, year), GAP_TARGET_MS),
        (f"gap page, KSIC {filtered.get('ksic')} + {filtered.get('size')}", page("admin", gaps, filtered), None),
        ("selectors.compute_gap_table (uncached)", lambda: selectors.compute_gap_table(filters), None),
        ("gap table XLSX export", page("admin", gaps, {**year, "format": "xlsx"}), None),
        ("recommendations, incumbent worker", page("worker", recommend), RECOMMEND_TARGET_MS),
        ("recommendations, company manager", page("manager", recommend), RECOMMEND_TARGET_MS),
        ("recommendations, graduate student", page("student", recommend), RECOMMEND_TARGET_MS),
        ("recommendations, graduate student, uncached gap table", cold(page("student", recommend)), None),
    ]
    if course is not None:
        cases.append(
            (
                f"course page {course.code} (traceability)",
                page("worker", reverse("courses:course", args=[course.code])),
                None,
            )
        )
    results: dict[str, Any] = {
        "when": dt.datetime.now().isoformat(timespec="seconds"),
        "machine": platform.platform(),
        "cpu": "one core (sched_setaffinity)",
        "database": url.rpartition("/")[2],
        "seed": seed_info,
        "sizes": sizes,
        "measures": {},
    }
    table = selectors.gap_table(filters)
    results["gap_table"] = {
        "rows": len(table.rows),
        "demand": sum(t.demand for t in table.totals),
        "supply": sum(t.supply for t in table.totals),
        "suggestions": len(table.suggestions),
    }
    verdict: dict[str, bool] = {}
    say("")
    say(f"{'measure':<52}{'median':>10}{'p95':>10}{'queries':>9}  target")
    for label, fn, target in cases:
        n = queries(fn)
        m = timed(fn, args.runs)
        results["measures"][label] = {**m, "queries": n, "target_ms": target}
        mark = ""
        if target is not None:
            verdict[label] = m["p95"] < target
            mark = f"p95 < {target:.0f} ms  {'PASS' if verdict[label] else 'FAIL'}"
        say(f"{label:<52}{m['median']:>8.1f}ms{m['p95']:>8.1f}ms{n:>9}  {mark}")
    say(
        f"\ngap table this year: {results['gap_table']['rows']} competencies, demand {results['gap_table']['demand']}"
        f" people, supply {results['gap_table']['supply']} seats, {results['gap_table']['suggestions']} new offerings suggested"
    )

    from sanhak.common import audit_spool

    audit_spool.drain()  # the rows the pages left in the access-log spool, then all of this run's
    PersonalDataAccess.objects.filter(id__gt=pipa_before).delete()
    Session.objects.exclude(session_key__in=sessions_before).delete()
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"demand-{dt.datetime.now():%Y%m%d-%H%M%S}.json"
    out.write_text(json.dumps({**results, "pass": verdict}, ensure_ascii=False, indent=2, default=str))
    say(f"verdict: {'PASS' if all(verdict.values()) else 'FAIL'}")
    say(f"written {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
