"""Ledger benchmarks: the dashboard, the entries API, entry writes and the portable format,
each at a baseline size and at 10x, so the ratio shows how the cost grows."""

from __future__ import annotations

import io
import random
from datetime import date, timedelta
from decimal import Decimal

from django.core.management import call_command
from django.db import transaction
from django.test import Client

from bench.timing import measure
from cmeledger.accounts.models import Board, Certification, ClinicianProfile, License, User
from cmeledger.ledger import services
from cmeledger.ledger.models import CreditEntry, EntryTopic
from cmeledger.ledger.vocabulary import ActivityKind, CreditType, Topic
from cmeledger.portable.ledger_import import import_bytes

BASELINE = 300
LARGE = 3_000


def make_clinician(email: str, entries: int) -> User:
    user = User.objects.create_user(
        email, "bench-password-123", first_name="Bench", last_name="User"
    )
    ClinicianProfile.objects.create(user=user, degree="MD", specialty="PM&R")
    today = date.today()
    Certification.objects.create(
        clinician=user,
        board=Board.objects.get(code="abpmr"),
        cycle_start=today - timedelta(days=3 * 365),
        cycle_end=today + timedelta(days=2 * 365),
    )
    License.objects.create(
        clinician=user, state="TX", number=email[:10], expires_on=today + timedelta(days=300)
    )
    rng = random.Random(entries)
    rows = [
        CreditEntry(
            clinician=user,
            title=f"Session {number}: rehabilitation update",
            provider=rng.choice(["Acme CME", "Rehab Society", "Journal CME"]),
            activity_kind=rng.choice(list(ActivityKind.values)),
            completed_on=today - timedelta(days=rng.randrange(0, 5 * 365)),
            credit_type=rng.choice([CreditType.AMA_PRA_1, CreditType.AMA_PRA_2, CreditType.SA_CME]),
            credits=Decimal(rng.randrange(1, 16)) / 4,
        )
        for number in range(entries)
    ]
    with transaction.atomic():
        CreditEntry.objects.bulk_create(rows, batch_size=1000)
        EntryTopic.objects.bulk_create(
            [EntryTopic(entry=row, topic=rng.choice(list(Topic.values))) for row in rows],
            batch_size=1000,
        )
    return user


def _client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _report(label: str, base, large) -> None:
    print(base.line(f"{label} ({BASELINE} entries)"))
    print(large.line(f"{label} ({LARGE} entries)"))
    print(f"{'':<48} ratio {large.median_s / base.median_s:5.2f}x for 10x the entries")


def run() -> None:
    small = make_clinician("bench-small@example.org", BASELINE)
    large = make_clinician("bench-large@example.org", LARGE)

    for label, url in [("dashboard page", "/"), ("API entries, first page", "/api/v1/entries")]:
        results = []
        for user in (small, large):
            client = _client_for(user)

            def get(client=client, url=url) -> None:
                response = client.get(url)
                assert response.status_code == 200, response.status_code

            results.append(measure(get))
        _report(label, *results)

    counter = iter(range(1_000_000))

    def create() -> None:
        services.create_entry(
            small,
            small,
            {
                "title": f"Written entry {next(counter)}",
                "completed_on": date.today(),
                "credit_type": CreditType.AMA_PRA_1,
                "credits": Decimal("1.25"),
            },
            topics=["ethics"],
        )

    print(measure(create, repeats=50).line("create one entry with history"))

    results = []
    for user in (small, large):

        def export(user=user) -> None:
            call_command("ledger", "export", user.email, stdout=io.StringIO())

        results.append(measure(export, repeats=3))
    _report("ledger export (JSON)", *results)
    _bench_import(small, large)


def _bench_import(small: User, large: User) -> None:
    """Import into an empty account (bulk inserts), then again (the no-change merge)."""
    first, again = [], []
    for user in (small, large):
        out = io.StringIO()
        call_command("ledger", "export", user.email, stdout=out)
        data = out.getvalue().encode()
        user.delete()
        first.append(measure(lambda data=data: import_bytes(data), repeats=1, warmup=0))
        again.append(measure(lambda data=data: import_bytes(data), repeats=3, warmup=0))
    _report("ledger import into an empty account", *first)
    _report("ledger import again (nothing changes)", *again)
