"""`cmeledger demo`: add the demo clinician (idempotent) and print how to log in."""

from __future__ import annotations

import os

from django.core.management.base import BaseCommand

from cmeledger.ledger.demo import EMAIL, PASSWORD, create_demo


class Command(BaseCommand):
    help = "Add a demo clinician with three years of CME history."

    def handle(self, *args, **options) -> None:
        result = create_demo()
        count = result.user.entries.count()
        state = "Created" if result.created else "Already there:"
        port = os.environ.get("PORT", "8000")
        self.stdout.write(f"{state} demo clinician with {count} entries.")
        self.stdout.write(f"Log in at http://127.0.0.1:{port}/accounts/login/")
        self.stdout.write(f"  email:    {EMAIL}")
        self.stdout.write(f"  password: {PASSWORD}")
