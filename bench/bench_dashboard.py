"""Dashboard benchmarks: the clinician's dashboard (GET /) handed to Django's WSGI handler
as gunicorn hands it over, with a signed-in session, for the demo clinician (`cmeledger
demo`, about 90 entries) and for a clinician with the demo's licenses and certification and
3,000 entries (targets: a median of at most 40 ms and 120 ms). Both are also given as
ratios against a baseline in the same run: the new-entry form (GET /entries/add/), a page
of the same site that the dashboard's work does not touch, so the ratios hold on a busy
machine. CPU time per render (time.process_time) is printed beside wall time, since other
work on a shared machine inflates wall time only."""

from __future__ import annotations

import io
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal

from django.core.cache import caches
from django.core.handlers.wsgi import WSGIHandler
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cmeledger.accounts.models import User
from cmeledger.ledger import demo
from cmeledger.ledger.models import CreditEntry, EntryTopic
from cmeledger.ledger.vocabulary import Accreditor, ActivityKind, CreditType, Topic

RENDERS = int(os.environ.get("DASHBOARD_RENDERS", "41"))
LARGE = 3_000
TARGETS_MS = {"demo": 40.0, "large": 120.0}
TYPES = [CreditType.AMA_PRA_1, CreditType.AMA_PRA_1, CreditType.AMA_PRA_2, CreditType.AOA_1A]


def _large_clinician(entries: int) -> User:
    """The demo clinician's licenses and certification, with `entries` entries over the
    last six years (a quarter of them with a topic, as people tag them)."""
    user = User.objects.create_user(
        f"dashboard-{entries}@example.org",
        "bench-password-123",
        first_name="D",
        last_name="B",
        email_confirmed_at=timezone.now(),
    )
    today = timezone.localdate()
    rng = random.Random(entries)
    topics = list(Topic.values)
    rows = [
        CreditEntry(
            clinician=user,
            title=f"Session {n}: rehabilitation after stroke",
            provider="Generated Provider Institute",
            accreditor=Accreditor.ACCME,
            activity_kind=rng.choice(list(ActivityKind.values)),
            completed_on=today - timedelta(days=rng.randrange(0, 6 * 365)),
            credit_type=rng.choice(TYPES),
            credits=Decimal(rng.randrange(1, 16)) / 4,
            specialty_related=rng.random() < 0.5,
        )
        for n in range(entries)
    ]
    with transaction.atomic():
        demo._profile(user, today)  # enrolls in the same sets as the demo clinician
        CreditEntry.objects.bulk_create(rows, batch_size=1000)
        EntryTopic.objects.bulk_create(
            [EntryTopic(entry=row, topic=rng.choice(topics)) for row in rows if rng.random() < 0.4],
            batch_size=1000,
        )
    return user


class Timed:
    """Median wall and CPU time of `renders` calls, after two warm-up calls."""

    def __init__(self, fn: Callable[[], object], renders: int) -> None:
        fn()
        fn()
        walls, cpus = [], []
        for _ in range(renders):
            wall, cpu = time.perf_counter(), time.process_time()
            fn()
            cpus.append(time.process_time() - cpu)
            walls.append(time.perf_counter() - wall)
        self.wall_ms = statistics.median(walls) * 1000
        self.cpu_ms = statistics.median(cpus) * 1000

    def line(self, label: str) -> str:
        return f"{label:<48} median {self.wall_ms:7.1f} ms wall {self.cpu_ms:7.1f} ms CPU"


def _page(client: Client, path: str) -> Callable[[], object]:
    """GET `path` as gunicorn hands it over: straight to the WSGI handler with the client's
    session cookie, without the test client's copies of every template context."""
    handler = WSGIHandler()
    cookie = "; ".join(f"{name}={morsel.value}" for name, morsel in client.cookies.items())

    def get() -> object:
        environ = {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": path,
            "QUERY_STRING": "",
            "SERVER_NAME": "testserver",
            "SERVER_PORT": "80",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "HTTP_COOKIE": cookie,
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(),
            "wsgi.errors": sys.stderr,
        }
        status: list[str] = []
        body = b"".join(handler(environ, lambda code, headers, *_: status.append(code)))
        assert status == ["200 OK"], status
        return body

    return get


def _queries(get: Callable[[], object]) -> int:
    with CaptureQueriesContext(connection) as captured:
        get()
    return len(captured.captured_queries)


def _uncached(get: Callable[[], object]) -> Callable[[], object]:
    """The dashboard as the first view after the ledger changed: nothing kept to show."""

    def first_view() -> object:
        caches["pages"].clear()
        return get()

    return first_view


def _profile(get: Callable[[], object], key: str) -> None:
    """With DASHBOARD_PROFILE=DIR, write a cProfile of ten renders to DIR/dashboard-KEY.prof
    (read it with `python -m pstats`), to see where a render's time goes."""
    where = os.environ.get("DASHBOARD_PROFILE")
    if not where:
        return
    import cProfile

    with cProfile.Profile() as profile:
        for _ in range(10):
            get()
    profile.dump_stats(os.path.join(where, f"dashboard-{key}.prof"))


def run() -> None:
    call_command("catalog", "sync", verbosity=0)
    print()
    print(f"Dashboard: GET / with a session, median of {RENDERS} renders")
    people = {"demo": demo.create_demo().user, "large": _large_clinician(LARGE)}
    counts = {k: CreditEntry.objects.filter(clinician=u).count() for k, u in people.items()}
    results: dict[str, Timed] = {}
    baselines: dict[str, Timed] = {}
    for key, user in people.items():
        client = Client()
        client.force_login(user)
        dashboard, form = _page(client, "/"), _page(client, "/entries/add/")
        # Baseline and dashboard taken back to back, so a busy spell touches both.
        baselines[key] = Timed(form, RENDERS)
        results[key] = Timed(dashboard, RENDERS)
        queries = _queries(dashboard)
        _profile(dashboard, key)
        fresh = Timed(_uncached(dashboard), RENDERS)
        label = f"dashboard, {key} clinician ({counts[key]} entries)"
        print(baselines[key].line(f"baseline: new-entry form ({key} clinician)"))
        print(results[key].line(label))
        print(
            f"{'':<48} {queries} queries; {results[key].wall_ms / baselines[key].wall_ms:5.2f}x"
            f" the baseline wall, {results[key].cpu_ms / baselines[key].cpu_ms:5.2f}x CPU"
            f" (target: <= {TARGETS_MS[key]:.0f} ms)"
        )
        print(fresh.line("  the first view after a change (nothing kept)"))
    ratio = results["large"].wall_ms / results["demo"].wall_ms
    cpu_ratio = results["large"].cpu_ms / results["demo"].cpu_ms
    print(
        f"{'':<48} {LARGE} entries vs the demo's: {ratio:5.2f}x wall, {cpu_ratio:5.2f}x CPU"
        f" for {counts['large'] / counts['demo']:.0f}x the entries"
    )
