"""Online learning and credentials benchmark (by hand, not a test), on PostgreSQL, pinned to one core.

Targets (issue 4): signing and verifying at least 100 credentials per second each on one core; the
progress table of an offering with 200 trainees in under 150 ms.

Usage:
    .venv/bin/python bench/learning.py                      # 200 trainees, 300 signatures/verifications
    .venv/bin/python bench/learning.py --trainees 200 --credentials 500 --runs 50

Data: a throw-away database `sanhak_bench_learning` (DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/sanhak_bench_learning), recreated and migrated on every run, seeded
with the project's own services where it matters: the personas, one course with three competencies,
one offering with --trainees approved trainees, 3 modules × 4 lessons, 3 quizzes of 10 questions,
10 sessions; bulk-inserted lesson progress (each trainee has opened most lessons and finished some),
one or two submitted attempts per trainee and quiz, and attendance for every session.

Measured, in this one process pinned to one core (os.sched_setaffinity; --cpu, default the last one):
  a) GET /learning/offerings/<id>/progress/ as the coordinator through Django's test client (the whole
     view: access check, figures, template, PIPA log row): median and p95 of --runs requests after 5
     unmeasured ones, and the number of SQL queries;
  b) `services.credential_sign` of a real OpenBadgeCredential (the completion document of one
     trainee) --credentials times: credentials per second;
  c) `platform_verify` of the signed credential (signature, issuer key, status list from the
     database) --credentials times: credentials per second;
  d) for reference, the PDF certificate of one completion: median of 10 renderings.

It prints a table and PASS/FAIL per target, writes bench/results/learning-<timestamp>.json
(git-ignored), and exits 0 even when a target is missed (2 when it could not measure).
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
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "bench" / "results"
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/sanhak_bench_learning"

os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.local"
os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.dummy.EmailBackend")

PROGRESS_TARGET_MS = 150.0
SIGN_TARGET_PER_S = 100.0
VERIFY_TARGET_PER_S = 100.0


def say(message: str = "") -> None:
    print(message, flush=True)


def recreate_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    base, _, name = url.rpartition("/")
    if not base.startswith("postgres") or not name:
        raise SystemExit(f"DATABASE_URL must be a PostgreSQL URL with a database name, not {url!r}")
    with psycopg.connect(f"{base}/postgres", autocommit=True, connect_timeout=5) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, check=True, env=os.environ.copy()
    )


def seed(trainees: int, rng: random.Random) -> dict[str, Any]:
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from sanhak.accounts.models import Role, RoleAssignment, TraineeProfile, User
    from sanhak.common.models import refresh_planner_statistics
    from sanhak.common.personas import personas_create
    from sanhak.competencies.models import Competency, Track
    from sanhak.courses.services import course_create, offering_create
    from sanhak.enrollment.models import Enrollment
    from sanhak.learning import services
    from sanhak.learning.models import Attendance, Lesson, LessonProgress, QuizAttempt

    p = personas_create()
    today = timezone.localdate()
    comps = list(Competency.objects.order_by("code")[:3])
    course = course_create(
        code="BENCH-ROB-301",
        title_ko="스마트팩토리 로봇 셀 통합 실무",
        title_en="Integrating robot cells in a smart factory",
        description="협동로봇, PLC, 비전 검사를 하나의 셀로 통합하는 실습",
        institution=p.lead,
        track=Track.objects.get(code="technical"),
        mode="blended",
        hours=40,
        competencies=[(c, 5) for c in comps],
    )
    start = today - dt.timedelta(days=70)
    offering = offering_create(
        course=course,
        term="2026-2",
        start_date=start,
        end_date=today + dt.timedelta(days=7),
        capacity=trainees,
        instructors=[p.instructor],
        sessions=[(start + dt.timedelta(days=7 * i), dt.time(19), dt.time(22), "B101") for i in range(10)],
    )
    password = make_password(None)
    users = User.objects.bulk_create(
        User(email=f"bench{i:04d}@bench.sanhak.test", name=f"교육생{i:04d}", password=password) for i in range(trainees)
    )
    RoleAssignment.objects.bulk_create(RoleAssignment(user=u, role=Role.TRAINEE) for u in users)
    TraineeProfile.objects.bulk_create(
        TraineeProfile(
            user=u,
            kind=TraineeProfile.Kind.INCUMBENT if i % 2 else TraineeProfile.Kind.UNDERGRADUATE,
            employer=p.company_a if i % 2 else None,
        )
        for i, u in enumerate(users)
    )
    enrollments = Enrollment.objects.bulk_create(
        Enrollment(offering=offering, trainee=u, status="approved", decided_at=timezone.now()) for u in users
    )
    type(offering).objects.filter(pk=offering.pk).update(approved_count=trainees)
    lessons = []
    for m in range(3):
        module = services.module_create(offering=offering, title=f"{m + 1}주차")
        for k in range(4):
            lessons.append(
                services.lesson_create(module=module, title=f"{m + 1}-{k + 1}차시", kind="text", body="<p>본문</p>")
            )
    Lesson.objects.filter(pk__in=[lesson.pk for lesson in lessons[1::2]]).update(
        kind="video", file="lessons/bench.webm", duration_seconds=600
    )
    quizzes = []
    for q in range(3):
        quiz = services.quiz_create(offering=offering, title=f"퀴즈 {q + 1}", max_attempts=2)
        for n in range(10):
            services.question_add(quiz=quiz, text=f"문항 {n + 1}", choices=[("정답", True), ("오답", False)])
        quizzes.append(quiz)
    now = timezone.now()
    progress, attempts, attendance = [], [], []
    sessions = list(offering.sessions.all())
    for e in enrollments:
        for lesson in lessons:
            if rng.random() < 0.85:
                done = rng.random() < 0.6
                progress.append(
                    LessonProgress(
                        lesson=lesson,
                        enrollment=e,
                        watched=[[0, 600]] if done else [[0, 200]],
                        watched_seconds=600 if done else 200,
                        time_spent_seconds=rng.randint(60, 900),
                        completed_at=now if done else None,
                        last_seen_at=now - dt.timedelta(minutes=rng.randint(0, 20000)),
                    )
                )
        for quiz in quizzes:
            for number in range(1, rng.randint(1, 2) + 1):
                attempts.append(
                    QuizAttempt(
                        quiz=quiz,
                        enrollment=e,
                        number=number,
                        started_at=now,
                        submitted_at=now,
                        score=rng.randint(3, 10),
                        max_score=10,
                    )
                )
        for s in sessions:
            status = rng.choices(["present", "late", "absent", "excused"], [80, 8, 8, 4])[0]
            attendance.append(Attendance(session=s, enrollment=e, status=status, method="manual"))
    LessonProgress.objects.bulk_create(progress, batch_size=2000)
    QuizAttempt.objects.bulk_create(attempts, batch_size=2000)
    Attendance.objects.bulk_create(attendance, batch_size=2000)
    refresh_planner_statistics()
    return {
        "personas": p,
        "offering": offering,
        "enrollment": enrollments[0],
        "rows": {"progress": len(progress), "attempts": len(attempts), "attendance": len(attendance)},
    }


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--trainees", type=int, default=200)
    parser.add_argument("--credentials", type=int, default=300)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--cpu", type=int, default=None, help="the core to pin to (default: the last one allowed)")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {args.cpu if args.cpu is not None else sorted(os.sched_getaffinity(0))[-1]})
    url = os.environ["DATABASE_URL"]
    say(f"recreating {url.rpartition('/')[2]} …")
    recreate_database(url)

    import django

    django.setup()
    import gc

    from django.conf import settings
    from django.test.utils import override_settings

    # Pages render {% static %} links: serve them unhashed (no collectstatic needed for the bench).
    override_settings(
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
    ).enable()

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from sanhak.credentials import services as credential_services
    from sanhak.credentials.badges import certificate_data, completion_credential_issue, completion_document
    from sanhak.credentials.pdf import certificate_pdf
    from sanhak.credentials.verification import platform_verify

    started = time.perf_counter()
    data = seed(args.trainees, random.Random(2026))
    say(f"seeded in {time.perf_counter() - started:.1f} s: {args.trainees} trainees, {data['rows']}")
    gc.collect()
    gc.freeze()

    client = Client()
    client.force_login(data["personas"].coordinator)
    url_progress = reverse("learning:progress", args=[data["offering"].pk])
    for _ in range(5):
        response = client.get(url_progress)
        if response.status_code != 200:
            say(f"progress table answered {response.status_code}")
            return 2
    with CaptureQueriesContext(connection) as queries:
        client.get(url_progress)
    times = []
    for _ in range(args.runs):
        t0 = time.perf_counter()
        client.get(url_progress)
        times.append((time.perf_counter() - t0) * 1000)

    enrollment = data["enrollment"]
    institution = data["offering"].course.institution
    import uuid

    document = completion_document(enrollment=enrollment, credential_id=uuid.uuid4(), salt="00" * 16)
    for _ in range(3):
        signed = credential_services.credential_sign(document=document, institution=institution)
    t0 = time.perf_counter()
    for _ in range(args.credentials):
        signed = credential_services.credential_sign(document=document, institution=institution)
    sign_rate = args.credentials / (time.perf_counter() - t0)

    issued = completion_credential_issue(enrollment=enrollment)
    assert platform_verify(issued.document).valid, "the benchmark credential does not verify"
    for _ in range(3):
        platform_verify(issued.document)
    t0 = time.perf_counter()
    for _ in range(args.credentials):
        result = platform_verify(issued.document)
    verify_rate = args.credentials / (time.perf_counter() - t0)
    assert result.valid
    assert signed["proof"]["proofValue"]

    from sanhak.learning.models import Completion

    Completion.objects.create(
        enrollment=enrollment, passed=True, evidence={}, decided_at=issued.created_at, credential=issued
    )
    issued.refresh_from_db()
    certificate = certificate_data(issued, verify_url="https://sanhak.example/credentials/verify/x/")
    certificate_pdf(certificate)
    pdf_times = []
    for _ in range(10):
        t0 = time.perf_counter()
        certificate_pdf(certificate)
        pdf_times.append((time.perf_counter() - t0) * 1000)

    results = {
        "when": dt.datetime.now().isoformat(timespec="seconds"),
        "machine": platform.platform(),
        "cpu": "one core (sched_setaffinity)",
        "trainees": args.trainees,
        "progress_table_ms": {"median": statistics.median(times), "p95": percentile(times, 0.95), "runs": args.runs},
        "progress_table_queries": len(queries),
        "sign_per_s": sign_rate,
        "verify_per_s": verify_rate,
        "pdf_ms_median": statistics.median(pdf_times),
    }
    verdict = {
        "progress": results["progress_table_ms"]["p95"] < PROGRESS_TARGET_MS,
        "sign": sign_rate >= SIGN_TARGET_PER_S,
        "verify": verify_rate >= VERIFY_TARGET_PER_S,
    }
    say("")
    say(f"{'measure':<44}{'value':>14}  target")
    say(
        f"{'progress table, ' + str(args.trainees) + ' trainees, p95':<44}{results['progress_table_ms']['p95']:>11.1f} ms"
        f"  < {PROGRESS_TARGET_MS:.0f} ms  {'PASS' if verdict['progress'] else 'FAIL'}"
    )
    say(f"{'  median / SQL queries':<44}{results['progress_table_ms']['median']:>11.1f} ms  {len(queries)} queries")
    say(
        f"{'sign (eddsa-rdfc-2022), one core':<44}{sign_rate:>12.1f}/s  ≥ 100/s  {'PASS' if verdict['sign'] else 'FAIL'}"
    )
    say(
        f"{'verify (with status list), one core':<44}{verify_rate:>12.1f}/s  ≥ 100/s  {'PASS' if verdict['verify'] else 'FAIL'}"
    )
    say(f"{'PDF certificate, median (reference)':<44}{results['pdf_ms_median']:>11.1f} ms")
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"learning-{dt.datetime.now():%Y%m%d-%H%M%S}.json"
    out.write_text(json.dumps({**results, "pass": verdict}, ensure_ascii=False, indent=2))
    say(f"\nwritten {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
