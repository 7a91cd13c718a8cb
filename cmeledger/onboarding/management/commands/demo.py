"""`cmeledger demo`: add the demo clinician and the demo organization, board staff member
and site admin (idempotent), and print how to log in to each workspace."""

from __future__ import annotations

import os

from django.core.management.base import BaseCommand

from cmeledger.ledger.demo import EMAIL, PASSWORD, create_demo
from cmeledger.onboarding.demo import create_workspaces


class Command(BaseCommand):
    help = "Add a demo clinician with three years of CME history, and a demo of every workspace."

    def handle(self, *args, **options) -> None:
        result = create_demo()
        logins = create_workspaces()
        count = result.user.entries.count()
        state = "Created" if result.created else "Already there:"
        port = os.environ.get("PORT", "8000")
        self.stdout.write(f"{state} demo clinician with {count} entries.")
        self.stdout.write(f"Log in at http://127.0.0.1:{port}/accounts/login/")
        self.stdout.write(f"  email:    {EMAIL}")
        self.stdout.write(f"  password: {PASSWORD}")
        self.stdout.write("Every other workspace, with the same password:")
        for login in logins:
            self.stdout.write(f"  {login.email:<38} {login.workspace}")
        self.stdout.write(
            "Staff accounts must set up two-factor authentication first; "
            "MFA_REQUIRED=0 make run DEMO=1 skips it for trying them locally."
        )
