#!/usr/bin/env bash
# The whole suite, on SQLite and then on PostgreSQL. With CI=true PostgreSQL is required.
set -uo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
PG_URL_BASE="${SANHAK_TEST_PG:-postgres://postgres@127.0.0.1:5432}"
export DJANGO_SETTINGS_MODULE=config.settings.test
WORKERS="${SANHAK_TEST_WORKERS:-2}"
status=0

echo "== sanhak tests on SQLite =="
tmp="$(mktemp -d)"
DATABASE_URL="sqlite:///$tmp/sanhak.sqlite3" SANHAK_TEST_SQLITE="$tmp/test.sqlite3" \
  $PY -m pytest -n "$WORKERS" "$@" || status=$?
rm -rf "$tmp"

pg_up() { $PY - "$PG_URL_BASE" <<'PYEOF'
import sys, psycopg
try:
    psycopg.connect(sys.argv[1] + "/postgres", connect_timeout=3).close()
except Exception as exc:
    print(exc); sys.exit(1)
PYEOF
}
if ! pg_up >/dev/null 2>&1 && [ "${CI:-}" = "true" ]; then
  echo "PostgreSQL is down; starting it"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
  sleep 3
fi
if pg_up; then
  echo "== sanhak tests on PostgreSQL =="
  DATABASE_URL="$PG_URL_BASE/sanhak_$$" $PY -m pytest -n "$WORKERS" "$@" || status=$?
elif [ "${CI:-}" = "true" ]; then
  echo "PostgreSQL is required when CI=true but is not reachable at $PG_URL_BASE" >&2
  status=1
else
  echo "PostgreSQL not reachable at $PG_URL_BASE: skipped the PostgreSQL run (required when CI=true)" >&2
fi
exit $status
