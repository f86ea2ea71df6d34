"""The performance benchmark (`make bench`): demo data at scale, gunicorn, and wrk as the load.

For each database (SQLite with `seed_demo --scale namdong`, PostgreSQL with `--scale national`):
seed once (timed) and keep the database for later runs, serve the app with gunicorn under the
production settings, then load each page with wrk for a fixed time and report p50/p95/p99 latency
and requests per second, next to a trivial view (`/healthz`) served the same way in the same run
(measured first, last and just before each judged page, whose ratio uses the two beside it).

Targets (from the issue): p95 < 150 ms for every page, throughput >= 30 % of /healthz, and
`seed_demo --scale namdong` under 3 minutes on SQLite. It is a measurement: it exits 0 when a target
is missed (and prints the verdict), and non-zero only when it could not measure. See bench/README.md.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import http.client
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
VAR = ROOT / "var" / "bench"
RESULTS = BENCH / "results"
VENV_BIN = ROOT / ".venv" / "bin"
PYTHON = str(VENV_BIN / "python") if (VENV_BIN / "python").exists() else sys.executable
GUNICORN = str(VENV_BIN / "gunicorn")
PG_BASE = os.environ.get("SANHAK_BENCH_PG", "postgres://postgres@127.0.0.1:5432")

P95_TARGET_MS = 150.0
RATIO_TARGET = 0.30
SEED_TARGET_S = {("sqlite", "namdong"): 180.0}
BASELINE = "healthz"
BASELINE_AGAIN = "healthz, again"
BASELINE_BESIDE = "healthz (beside)"


class BenchError(Exception):
    """The benchmark could not measure (as opposed to: it measured, and a target was missed)."""


class PageError(BenchError):
    """One page could not be measured (not HTTP 200, not logged in): the others still are."""


# --------------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------------


def say(message: str) -> None:
    print(message, flush=True)


def run(cmd: list[str], *, env: dict[str, str], quiet: bool = False, timeout: float | None = None) -> str:
    """Run a command from the project root; stream its output unless quiet; raise on failure."""
    proc = subprocess.run(  # noqa: PLW1510 - the return code is checked below
        cmd, cwd=ROOT, env=env, text=True, capture_output=quiet, timeout=timeout
    )
    if proc.returncode != 0:
        detail = f"\n{proc.stdout}\n{proc.stderr}" if quiet else ""
        raise BenchError(f"command failed ({proc.returncode}): {' '.join(cmd)}{detail}")
    return proc.stdout if quiet else ""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def git_commit() -> str:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return f"{out}{'+dirty' if dirty else ''}"


def ensure_wrk() -> str:
    """Debian's wrk, installed on first use (needs root)."""
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() != 0:
        raise BenchError("wrk is not installed and this is not root: run `apt-get install -y wrk` first")
    say("wrk not found: installing Debian's wrk (apt-get install -y wrk)")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    cmd = ["apt-get", "install", "-y", "-q", "wrk"]
    if subprocess.run(cmd, env=env, check=False).returncode != 0:
        subprocess.run(["apt-get", "update", "-q"], env=env, check=False)
        if subprocess.run(cmd, env=env, check=False).returncode != 0:
            raise BenchError("could not install wrk with apt-get")
    found = shutil.which("wrk")
    if not found:
        raise BenchError("wrk still not on PATH after apt-get install")
    return found


# --------------------------------------------------------------------------------------------
# Databases: seeded once, kept in var/bench (SQLite) or sanhak_bench_<scale> (PostgreSQL)
# --------------------------------------------------------------------------------------------


@dataclass
class Database:
    kind: str  # "sqlite" | "postgres"
    scale: str
    url: str
    marker: Path  # written after a successful seed; without it the database is (re)built
    sqlite_path: Path | None = None
    pg_name: str | None = None

    @property
    def label(self) -> str:
        return f"{'SQLite' if self.kind == 'sqlite' else 'PostgreSQL'} / seed_demo --scale {self.scale}"


def sqlite_database(scale: str) -> Database:
    path = VAR / f"{scale}.sqlite3"
    return Database("sqlite", scale, f"sqlite:///{path}", VAR / f"{scale}.sqlite3.seeded.json", sqlite_path=path)


def postgres_database(scale: str) -> Database:
    name = f"sanhak_bench_{scale}"
    return Database("postgres", scale, f"{PG_BASE}/{name}", VAR / f"{name}.pg.seeded.json", pg_name=name)


def _pg_admin() -> Any:
    import psycopg

    return psycopg.connect(f"{PG_BASE}/postgres", autocommit=True, connect_timeout=5)


def postgres_available() -> str | None:
    """None when PostgreSQL answers, else why not."""
    try:
        _pg_admin().close()
    except Exception as exc:  # any failure means: not available
        return str(exc).strip()
    return None


def _pg_exists(name: str) -> bool:
    with _pg_admin() as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None


def _pg_recreate(name: str) -> None:
    from psycopg import sql

    with _pg_admin() as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def pg_analyze_if_never(db: Database) -> bool:
    """Give the planner statistics if nothing has: production runs autovacuum, test servers may not.

    A database that was bulk-loaded and never analyzed plans joins blind (the company manager's
    dashboard then seq-scans every trainee profile). Reported as a finding, not hidden.
    """
    import psycopg

    with psycopg.connect(db.url, autocommit=True, connect_timeout=5) as conn:
        row = conn.execute(
            "SELECT last_analyze IS NULL AND last_autoanalyze IS NULL FROM pg_stat_user_tables"
            " WHERE relname = 'enrollment_enrollment'"
        ).fetchone()
        autovacuum = conn.execute("SHOW autovacuum").fetchone()
        if not row or not row[0]:
            return False
        say(
            f"warning: {db.pg_name} has never been analyzed (seed_demo does not ANALYZE; autovacuum is"
            f" {autovacuum[0] if autovacuum else '?'} here): running ANALYZE so that the plans are a production"
            " database's"
        )
        started = time.monotonic()
        conn.execute("ANALYZE")
        say(f"ANALYZE: {time.monotonic() - started:.1f} s")
    return True


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process, from /proc (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def query_cost(db: Database, n: int = 5000) -> dict[str, float]:
    """What one primary-key SELECT costs on this host, in microseconds: wall time, the client's CPU and
    (PostgreSQL) the server's. The logged-in pages run 4–5 such queries per request, so where a query
    costs far more than the page's own work (virtual machines, where waking the other side of a socket
    is dear), their ratio to /healthz (no database) is bound by it: read the ratios with this."""
    sql = "SELECT id, name FROM companies_company WHERE id = {}"
    if db.kind == "postgres":
        import psycopg

        conn: Any = psycopg.connect(db.url, autocommit=True, prepare_threshold=2)
        server_pid = conn.info.backend_pid
        run_one: Any = conn.cursor().execute
        sql = sql.format("%s")
    else:
        import sqlite3

        conn = sqlite3.connect(str(db.sqlite_path))
        server_pid = 0
        run_one = conn.execute
        sql = sql.format("?")
    try:
        for _ in range(100):
            run_one(sql, (1,)).fetchall()
        wall, cpu = time.perf_counter(), time.process_time()
        server = _cpu_seconds(server_pid) if server_pid else 0.0
        for _ in range(n):
            run_one(sql, (1,)).fetchall()
        return {
            "wall_us": round((time.perf_counter() - wall) / n * 1e6, 1),
            "client_cpu_us": round((time.process_time() - cpu) / n * 1e6, 1),
            "server_cpu_us": round((_cpu_seconds(server_pid) - server) / n * 1e6, 1) if server_pid else 0.0,
        }
    finally:
        conn.close()


def manage_env(db: Database) -> dict[str, str]:
    """Migrations and seeding run under the local settings, as a developer would run them."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.local", "DATABASE_URL": db.url}
    env.pop("SECRET_KEY", None)
    return env


def ensure_seeded(db: Database, *, reseed: bool) -> dict[str, Any]:
    """Build the database unless a previous run already seeded it; time migrate and seed_demo."""
    info: dict[str, Any] = {}
    seeded = db.marker.exists()
    if db.kind == "sqlite":
        assert db.sqlite_path is not None
        fresh = reseed or not seeded or not db.sqlite_path.exists()
        if fresh:
            VAR.mkdir(parents=True, exist_ok=True)
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{db.sqlite_path}{suffix}").unlink(missing_ok=True)
    else:
        assert db.pg_name is not None
        fresh = reseed or not seeded or not _pg_exists(db.pg_name)
        if fresh:
            VAR.mkdir(parents=True, exist_ok=True)
            say(f"creating PostgreSQL database {db.pg_name}")
            _pg_recreate(db.pg_name)
    env = manage_env(db)
    if fresh:
        db.marker.unlink(missing_ok=True)
        started = time.monotonic()
        run([PYTHON, "manage.py", "migrate", "--noinput", "-v", "0"], env=env)
        info["migrate_s"] = round(time.monotonic() - started, 1)
        say(f"migrate: {info['migrate_s']:.1f} s")
        say(f"seed_demo --scale {db.scale} on {db.kind} ...")
        started = time.monotonic()
        run([PYTHON, "manage.py", "seed_demo", "--scale", db.scale], env=env)
        info["seed_s"] = round(time.monotonic() - started, 1)
        info["seeded_at"] = dt.datetime.now().astimezone().isoformat(timespec="seconds")
        info["seeded_commit"] = git_commit()
        db.marker.write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
        info["seeded_this_run"] = True
        say(f"seed_demo --scale {db.scale} on {db.kind}: {info['seed_s']:.1f} s")
    else:
        info = json.loads(db.marker.read_text(encoding="utf-8"))
        info["seeded_this_run"] = False
        say(
            f"reusing {db.label} seeded {info.get('seeded_at')} (seed_demo took {info.get('seed_s')} s then);"
            " --reseed to rebuild"
        )
        # New migrations since the seed: apply them so the code under test matches the schema.
        run([PYTHON, "manage.py", "migrate", "--noinput", "-v", "0"], env=env)
    if db.kind == "postgres":
        info["analyzed_by_bench"] = pg_analyze_if_never(db)
    target = SEED_TARGET_S.get((db.kind, db.scale))
    if target is not None:
        info["seed_target_s"] = target
        info["seed_pass"] = info.get("seed_s") is not None and float(info["seed_s"]) < target
    return info


# --------------------------------------------------------------------------------------------
# The server under test
# --------------------------------------------------------------------------------------------


def serve_env(db: Database, secret_key: str, var_dir: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": secret_key,
        "DATABASE_URL": db.url,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "SANHAK_VAR_DIR": str(var_dir),  # STATIC_ROOT and MEDIA_ROOT in a throw-away folder
        "LOG_LEVEL": "WARNING",
    }


def http_get(port: int, path: str, cookie: str | None = None, timeout: float = 30.0) -> tuple[int, bytes]:
    """One GET without following redirects (a redirect to the login page must not pass as 200)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        headers = {"Host": "127.0.0.1"}
        if cookie:
            headers["Cookie"] = cookie
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


@contextlib.contextmanager
def gunicorn(env: dict[str, str], *, workers: int, log: Path) -> Iterator[int]:
    port = free_port()
    cmd = [GUNICORN, "config.wsgi", "--workers", str(workers), "--bind", f"127.0.0.1:{port}", "--preload"]
    say(f"starting: {' '.join(cmd[1:])}")
    with log.open("w", encoding="utf-8") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                raise BenchError(f"gunicorn exited ({proc.returncode}):\n{log.read_text(encoding='utf-8')[-3000:]}")
            with contextlib.suppress(OSError):
                if http_get(port, "/healthz", timeout=2)[0] == 200:
                    break
            if time.monotonic() > deadline:
                raise BenchError(f"/healthz did not answer within 60 s:\n{log.read_text(encoding='utf-8')[-3000:]}")
            time.sleep(0.2)
        yield port
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)  # the process group of the gunicorn started above
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


# --------------------------------------------------------------------------------------------
# Pages and load
# --------------------------------------------------------------------------------------------


@dataclass
class Page:
    name: str
    path: str
    persona: str | None = None  # "manager" | "coordinator": sent with that persona's session cookie
    targeted: bool = True  # held to the p95 and throughput targets
    note: str = ""
    baseline: bool = False  # a measurement of /healthz, the trivial view the ratios are taken against


@dataclass
class Result:
    name: str
    path: str
    persona: str | None
    targeted: bool
    note: str
    bytes_per_response: int
    first_ms: float = 0.0  # the pre-flight GET: often a cold worker
    prime_worst_ms: float = 0.0  # slowest response while priming every worker
    requests: int = 0
    rps: float = 0.0
    mean_ms: float = 0.0
    p50_ms: float = 0.0
    p90_ms: float = 0.0
    p95_ms: float = 0.0
    p99_ms: float = 0.0
    max_ms: float = 0.0
    errors: dict[str, int] = field(default_factory=dict)
    error: str = ""  # the page could not be measured
    baseline: bool = False
    baseline_rps: float | None = None  # the /healthz throughput this result's ratio is taken against
    ratio: float | None = None
    p95_pass: bool | None = None
    ratio_pass: bool | None = None
    ok: bool | None = None

    @classmethod
    def failed(cls, page: Page, error: str) -> Result:
        return cls(
            page.name,
            page.path,
            page.persona,
            page.targeted,
            page.note,
            bytes_per_response=0,
            baseline=page.baseline,
            error=error,
        )


def pages(ids: dict[str, Any]) -> list[Page]:
    """The pages in the order they are loaded: /healthz first, last, and beside every judged page."""
    beside = Page(
        BASELINE_BESIDE, "/healthz", targeted=False, baseline=True, note="the baseline, next to a judged page"
    )
    order: list[Page] = []
    for page in _pages(ids):
        if page.targeted:
            order.append(beside)
        order.append(page)
    return order


def _pages(ids: dict[str, Any]) -> list[Page]:
    search = urllib.parse.urlencode({"q": "로봇"})
    filtered = urllib.parse.urlencode({"q": "사출", "schedule": "evening_or_weekend", "open_seats": "on"})
    offering, roster = ids["offering"], ids["roster"]
    return [
        Page(BASELINE, "/healthz", targeted=False, baseline=True, note="trivial view: no database, no template"),
        # Reference points, not judged: the cheapest page with the site layout, anonymous and logged in.
        Page("layout only", "/accounts/privacy/", targeted=False, note="static text in the base layout"),
        Page(
            "layout only (logged in)",
            "/accounts/privacy/",
            persona="manager",
            targeted=False,
            note="the same, plus session, user, roles and unread count",
        ),
        Page("catalog search", f"/courses/?{search}", note=f"{ids['catalog_matches'].get('q=로봇', '?')} matches"),
        Page(
            "catalog search, filtered",
            f"/courses/?{filtered}",
            note=f"{ids['catalog_matches'].get('q=사출&schedule=evening_or_weekend&open_seats', '?')} matches",
        ),
        Page(
            "offering detail",
            f"/courses/offerings/{offering['id']}/",
            note=f"upcoming offering with {offering['active_enrollments']} active enrollments",
        ),
        Page(
            "offering detail (manager)",
            f"/courses/offerings/{offering['id']}/",
            persona="manager",
            note="same offering with the nominate form",
        ),
        Page("manager dashboard", "/", persona="manager", note=f"{ids['manager_company']['name']}"),
        Page(
            "coordinator roster",
            f"/enrollment/offerings/{roster['id']}/roster/",
            persona="coordinator",
            note=f"{roster['enrollments']} enrollments",
        ),
        Page(BASELINE_AGAIN, "/healthz", targeted=False, baseline=True, note="the baseline again, after the pages"),
    ]


def cookie_for(page: Page, ids: dict[str, Any]) -> str | None:
    """A logged-in persona's cookies as their browser sends them: the session and the CSRF cookie."""
    return f"sessionid={ids['sessions'][page.persona]}; csrftoken={ids['csrf_cookie']}" if page.persona else None


def preflight(port: int, page: Page, ids: dict[str, Any]) -> tuple[int, float]:
    """GET once: HTTP 200 and, for a persona's page, really logged in as that persona."""
    started = time.monotonic()
    status, body = http_get(port, page.path, cookie_for(page, ids), timeout=120)
    elapsed_ms = (time.monotonic() - started) * 1000
    if status != 200:
        raise PageError(f"GET {page.path} as {page.persona or 'anonymous'}: HTTP {status}, expected 200")
    if page.persona and ids["names"][page.persona].encode() not in body:
        raise PageError(f"GET {page.path}: the page is not logged in as {page.persona} (session not accepted)")
    return len(body), elapsed_ms


def prime(port: int, page: Page, ids: dict[str, Any], *, concurrency: int, budget_s: float = 180) -> float:
    """Until every worker has served the page once: rounds of concurrent GETs until none is slow.

    A worker's first request can pay for lazy one-time work (the Kiwi model behind catalog search
    takes seconds to load); a fixed-length warm-up would let that leak into the measured run.
    Returns the slowest response seen, in ms.
    """
    cookie = cookie_for(page, ids)

    def one(_: int) -> float:
        started = time.monotonic()
        http_get(port, page.path, cookie, timeout=120)
        return (time.monotonic() - started) * 1000

    worst = 0.0
    deadline = time.monotonic() + budget_s
    calm_rounds = 0
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        while calm_rounds < 3 and time.monotonic() < deadline:
            times = sorted(pool.map(one, range(concurrency)))
            worst = max(worst, times[-1])
            # Calm: no response stands out (a cold worker is many times slower than the rest).
            calm = times[-1] < 1000 or times[-1] < 3 * times[len(times) // 2]
            calm_rounds = calm_rounds + 1 if calm else 0
    return worst


RESULT_LINE = re.compile(r"^BENCH_RESULT (.*)$", re.MULTILINE)


def wrk(binary: str, port: int, page: Page, ids: dict[str, Any], *, duration: int, connections: int) -> dict[str, Any]:
    threads = max(1, min(connections, os.cpu_count() or 1))
    cmd = [binary, "-t", str(threads), "-c", str(connections), "-d", f"{duration}s", "--timeout", "10s"]
    cmd += ["-s", str(BENCH / "report.lua")]
    cookie = cookie_for(page, ids)
    if cookie:
        cmd += ["-H", f"Cookie: {cookie}"]
    cmd.append(f"http://127.0.0.1:{port}{page.path}")
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + 60, check=False)
    match = RESULT_LINE.search(proc.stdout)
    if proc.returncode != 0 or not match:
        raise BenchError(f"wrk failed ({proc.returncode}) on {page.path}:\n{proc.stdout}\n{proc.stderr}")
    values: dict[str, Any] = {}
    for item in match.group(1).split():
        key, _, value = item.partition("=")
        values[key] = float(value) if "." in value else int(value)
    return values


def measure(
    binary: str,
    port: int,
    page: Page,
    ids: dict[str, Any],
    *,
    duration: int,
    connections: int,
    warmup: int,
    workers: int,
) -> Result:
    size, first_ms = preflight(port, page, ids)
    prime_worst_ms = prime(port, page, ids, concurrency=max(connections, 2 * workers))
    if warmup:  # templates, connections, caches: steady state before the measured run
        wrk(binary, port, page, ids, duration=warmup, connections=connections)
    raw = wrk(binary, port, page, ids, duration=duration, connections=connections)
    errors = {k.removeprefix("errors_"): int(v) for k, v in raw.items() if k.startswith("errors_") and v}
    if not raw["requests"]:
        errors["no_responses"] = 1
    return Result(
        name=page.name,
        path=page.path,
        persona=page.persona,
        targeted=page.targeted,
        note=page.note,
        bytes_per_response=size,
        baseline=page.baseline,
        first_ms=first_ms,
        prime_worst_ms=prime_worst_ms,
        requests=int(raw["requests"]),
        rps=float(raw["rps"]),
        mean_ms=float(raw["mean_ms"]),
        p50_ms=float(raw["p50_ms"]),
        p90_ms=float(raw["p90_ms"]),
        p95_ms=float(raw["p95_ms"]),
        p99_ms=float(raw["p99_ms"]),
        max_ms=float(raw["max_ms"]),
        errors=errors,
    )


def judge(results: list[Result]) -> None:
    """Each page's throughput against /healthz measured just before and just after it (their mean; the
    reference pages against the mean of every /healthz of the run): a shared host's speed drifts by a
    fifth or more over the minutes of a run, so a baseline measured minutes away says as much about
    the host as about the page."""
    measured = [(i, r.rps) for i, r in enumerate(results) if r.baseline and not r.error]
    run_mean = statistics.fmean(rps for _, rps in measured) if measured else 0.0
    for i, r in enumerate(results):
        before = [rps for j, rps in measured if j < i][-1:]
        after = [rps for j, rps in measured if j > i][:1]
        beside = before + after if r.targeted else []
        r.baseline_rps = statistics.fmean(beside) if beside else run_mean or None
        r.ratio = r.rps / r.baseline_rps if r.baseline_rps and not r.error else None
        if not r.targeted:
            continue
        if r.error:
            r.ok = False
            continue
        r.p95_pass = r.p95_ms < P95_TARGET_MS
        r.ratio_pass = r.ratio is not None and r.ratio >= RATIO_TARGET
        r.ok = r.p95_pass and r.ratio_pass and not r.errors


def table(results: list[Result]) -> str:
    header = (
        f"{'page':<28} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'req/s':>9} {'vs req/s':>9} {'ratio':>7}  verdict"
    )
    lines = [header, "-" * len(header)]
    for r in results:
        if r.error:
            verdict = f"ERROR ({r.error})"
        elif r.ok is None:
            verdict = "baseline"
        else:
            why = []
            if not r.p95_pass:
                why.append(f"p95>={P95_TARGET_MS:.0f}")
            if not r.ratio_pass:
                why.append(f"ratio<{RATIO_TARGET:.2f}")
            if r.errors:
                why.append(f"errors {r.errors}")
            verdict = "PASS" if r.ok else f"FAIL ({', '.join(why)})"
        ratio = f"{r.ratio:.3f}" if r.ratio is not None else "-"
        base = f"{r.baseline_rps:.1f}" if r.baseline_rps is not None else "-"
        name = f"  {r.name}" if r.name == BASELINE_BESIDE else r.name  # set off from the judged pages
        lines.append(
            f"{name:<28} {r.p50_ms:>8.1f} {r.p95_ms:>8.1f} {r.p99_ms:>8.1f} {r.rps:>9.1f} {base:>9} {ratio:>7}"
            f"  {verdict}"
        )
    lines.append("")
    lines.extend(
        f"  {r.name}: {r.path}  [{r.persona or 'anonymous'}; {r.note}; {r.bytes_per_response:,} bytes;"
        f" first GET {r.first_ms:.0f} ms]"
        for r in results
        if r.name != BASELINE_BESIDE
    )
    return "\n".join(lines)


def probe(env: dict[str, str], *args: str) -> Any:
    out = run([PYTHON, str(BENCH / "probe.py"), *args], env=env, quiet=True, timeout=900)
    return json.loads(out.strip().splitlines()[-1])


# --------------------------------------------------------------------------------------------
# One database end to end
# --------------------------------------------------------------------------------------------


def bench_database(db: Database, args: argparse.Namespace, wrk_bin: str, workdir: Path) -> dict[str, Any]:
    say(f"\n=== {db.label} ===")
    seed = ensure_seeded(db, reseed=args.reseed)
    secret_key = secrets.token_urlsafe(64)
    env = serve_env(db, secret_key, workdir)
    if not (workdir / "static" / "staticfiles.json").exists():
        run([PYTHON, "manage.py", "collectstatic", "--noinput", "-v", "0"], env=env)
    started = dt.datetime.now(dt.UTC)
    ids = probe(env, "prepare")
    say(
        f"data: {ids['counts']}; offering {ids['offering']['id']} ({ids['offering']['active_enrollments']} active),"
        f" roster {ids['roster']['id']} ({ids['roster']['enrollments']}),"
        f" manager's company {ids['manager_company']}"
    )
    cost = query_cost(db)
    say(
        f"one primary-key SELECT on this host: {cost['wall_us']:.0f} µs wall, {cost['client_cpu_us']:.0f} µs"
        f" client CPU" + (f" + {cost['server_cpu_us']:.0f} µs server CPU" if db.kind == "postgres" else "")
    )
    results: list[Result] = []
    load_before = os.getloadavg()
    if load_before[0] > (os.cpu_count() or 1):
        say(f"warning: load average {load_before[0]:.1f} on {os.cpu_count()} cores: other work will skew the numbers")
    try:
        log = workdir / f"gunicorn-{db.kind}.log"
        with gunicorn(env, workers=args.workers, log=log) as port:
            for page in pages(ids):
                try:
                    result = measure(
                        wrk_bin,
                        port,
                        page,
                        ids,
                        duration=args.duration,
                        connections=args.connections,
                        warmup=args.warmup,
                        workers=args.workers,
                    )
                except PageError as exc:
                    log_tail = log.read_text(encoding="utf-8", errors="replace")[-4000:]
                    say(f"  {page.name:<28} ERROR: {exc}\n--- gunicorn log (tail) ---\n{log_tail}\n---")
                    results.append(Result.failed(page, str(exc)))
                    continue
                results.append(result)
                say(
                    f"  {page.name:<28} p95 {result.p95_ms:7.1f} ms {result.rps:8.1f} req/s"
                    f"  (first GET {result.first_ms:.0f} ms, slowest while priming {result.prime_worst_ms:.0f} ms)"
                )
        load_after = os.getloadavg()
        judge(results)
        profiles: list[dict[str, Any]] = []
        wanted = [r for r in results if r.targeted and not r.error and (args.profile or not r.ok)]
        if wanted:
            specs = [
                {"name": r.name, "path": r.path, "session": ids["sessions"][r.persona] if r.persona else ""}
                for r in wanted
            ]
            profiles = probe(env, "profile", json.dumps(specs, ensure_ascii=False))
    finally:
        cleaned = probe(env, "cleanup", started.isoformat(), *ids["sessions"].values())
        say(f"cleanup: {cleaned}")
    say(
        f"\n{db.label}: {args.workers} gunicorn sync workers, wrk -c {args.connections} -d {args.duration}s;"
        f" load average {load_before[0]:.1f} before, {load_after[0]:.1f} after ({os.cpu_count()} cores)"
    )
    say(table(results))
    for prof in profiles:
        say(
            f"\n  profile {prof['name']} (test client, in process, alone; medians): HTTP {prof['status']},"
            f" {prof['view_ms_median']:.1f} ms = SQL {prof['sql_ms']:.1f} ({prof['queries']} queries)"
            f" + templates {prof['template_ms']:.1f} + other Python {prof['other_python_ms']:.1f}"
        )
        for q in prof["slowest"][:3]:
            say(f"    {q['ms']:7.2f} ms  {q['sql'][:300]}")
            for line in q.get("plan", [])[:8]:
                say(f"               {line}")
    return {
        "database": db.kind,
        "scale": db.scale,
        "label": db.label,
        "seed": seed,
        "data": ids["counts"],
        "ids": {k: v for k, v in ids.items() if k not in {"sessions", "names"}},
        "load_average": {"before": load_before, "after": load_after},
        "query_cost": cost,
        "results": [asdict(r) for r in results],
        "profiles": profiles,
        "pass": all(r.ok for r in results if r.targeted) and seed.get("seed_pass", True),
    }


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    cores = os.cpu_count() or 1
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per page (default 10)")
    parser.add_argument("--connections", type=int, default=8, help="concurrent wrk connections (default 8)")
    parser.add_argument(
        "--workers", type=int, default=2 * cores, help=f"gunicorn workers (default 2*cores = {2 * cores})"
    )
    parser.add_argument("--warmup", type=int, default=2, help="unmeasured seconds of load before each page (default 2)")
    parser.add_argument("--reseed", action="store_true", help="rebuild the benchmark databases even if seeded")
    parser.add_argument("--profile", action="store_true", help="profile every page, not only those that miss")
    parser.add_argument("--sqlite-scale", default="namdong", help="seed_demo scale on SQLite (default namdong)")
    parser.add_argument("--pg-scale", default="national", help="seed_demo scale on PostgreSQL (default national)")
    args = parser.parse_args(argv)
    if args.duration < 1 or args.connections < 1 or args.workers < 1 or args.warmup < 0:
        parser.error("--duration, --connections and --workers must be positive, --warmup not negative")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    os.chdir(ROOT)
    wrk_bin = ensure_wrk()
    databases: list[Database] = []
    skipped: dict[str, str] = {}
    if args.db in {"sqlite", "both"}:
        databases.append(sqlite_database(args.sqlite_scale))
    if args.db in {"postgres", "both"}:
        why = postgres_available()
        if why is None:
            databases.append(postgres_database(args.pg_scale))
        elif args.db == "postgres":
            raise BenchError(f"PostgreSQL is not reachable at {PG_BASE}: {why}")
        else:
            skipped["postgres"] = why
            say(f"PostgreSQL is not reachable at {PG_BASE}: skipped ({why})")
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    report: dict[str, Any] = {
        "started_at": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "commit": git_commit(),
        "host": {"cores": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "settings": {
            "workers": args.workers,
            "worker_class": "sync",
            "connections": args.connections,
            "duration_s": args.duration,
            "warmup_s": args.warmup,
        },
        "targets": {
            "p95_ms_below": P95_TARGET_MS,
            "ratio_at_least": RATIO_TARGET,
            "seed_s_below": "namdong/sqlite 180",
        },
        "skipped": skipped,
        "databases": [],
    }
    with tempfile.TemporaryDirectory(prefix="sanhak-bench-") as tmp:
        for db in databases:
            report["databases"].append(bench_database(db, args, wrk_bin, Path(tmp)))
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"{stamp}.json"
    out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")

    say("\n=== verdict ===")
    for entry in report["databases"]:
        seed = entry["seed"]
        seed_line = f"seed_demo {seed.get('seed_s')} s" + ("" if seed["seeded_this_run"] else " (earlier run)")
        if "seed_pass" in seed:
            seed_line += f" -> {'PASS' if seed['seed_pass'] else 'FAIL'} (< {seed['seed_target_s']:.0f} s)"
        failed = [r["name"] + (" (ERROR)" if r["error"] else "") for r in entry["results"] if r["ok"] is False]
        say(f"{entry['label']}: {'PASS' if entry['pass'] else 'FAIL'}; {seed_line}")
        if failed:
            say(f"  missed: {', '.join(failed)}")
    for name, why in skipped.items():
        say(f"{name}: SKIPPED ({why})")
    say(f"results: {out.relative_to(ROOT)}")
    unmeasured = [r["name"] for entry in report["databases"] for r in entry["results"] if r["error"]]
    if unmeasured:
        say(f"could not measure: {', '.join(unmeasured)} (see the errors above)")
        return 2
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchError as exc:
        print(f"bench: {exc}", file=sys.stderr)
        sys.exit(2)
