#!/usr/bin/env bash
# The dashboard served by gunicorn (2 workers), as people meet it: median and p90 of 60
# sequential GET / with a signed-in session, for the demo clinician and for one with
# 3,000 entries (targets: 40 ms and 120 ms), on a throw-away SQLite site.
#
#   bench/served_dashboard.sh [CODE_DIR] [PORT]
#
# CODE_DIR (default: this checkout) is the code served, so an older commit checked out
# with `git worktree add /tmp/before <commit>` is measured against this one in the same
# spell of the machine: run both back to back and compare.
set -euo pipefail
HERE="$(cd "$(dirname "$0")/.." && pwd)"
CODE="$(cd "${1:-$HERE}" && pwd)"
PORT="${2:-8765}"
PY="$HERE/.venv/bin/python"
SITE="$(mktemp -d)"
trap 'kill "${SERVER:-0}" 2>/dev/null || true; rm -rf "$SITE"' EXIT
export SECRET_KEY=bench-only-secret-key DATABASE_URL="sqlite:///$SITE/db.sqlite3"
export MEDIA_ROOT="$SITE/media" PYTHONPATH="$CODE:$HERE" LOG_LEVEL=WARNING
export DJANGO_SETTINGS_MODULE=cmeledger.settings
cd "$CODE"
"$PY" -m cmeledger migrate -v0 >/dev/null
"$PY" -m cmeledger catalog sync >/dev/null
"$PY" - >"$SITE/sessions" <<'PY'
import django

django.setup()
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore

from bench.bench_dashboard import _large_clinician
from cmeledger.ledger import demo

for user in (demo.create_demo().user, _large_clinician(3000)):
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    print(session.session_key)
PY
"$HERE/.venv/bin/gunicorn" cmeledger.wsgi -w 2 -b "127.0.0.1:$PORT" --log-level warning 2>"$SITE/server.log" &
SERVER=$!
for _ in $(seq 1 60); do (echo >"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break; sleep 1; done
echo "served from $CODE"
"$PY" - "$PORT" "$SITE/sessions" <<'PY'
import http.client
import statistics
import sys
import time

port, keys = int(sys.argv[1]), open(sys.argv[2]).read().split()
for label, key in zip(("demo clinician", "3,000 entries"), keys, strict=True):
    connection = http.client.HTTPConnection("127.0.0.1", port)

    def get() -> None:
        connection.request("GET", "/", headers={"Cookie": f"sessionid={key}"})
        response = connection.getresponse()
        response.read()
        assert response.status == 200, response.status

    for _ in range(6):
        get()
    times = []
    for _ in range(60):
        start = time.perf_counter()
        get()
        times.append(time.perf_counter() - start)
    times.sort()
    print(
        f"dashboard, {label:<16} median {statistics.median(times) * 1000:6.1f} ms,"
        f" p90 {times[53] * 1000:6.1f} ms (60 sequential GET /)"
    )
PY
