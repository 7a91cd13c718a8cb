"""The first-run checklist a new clinician sees on the dashboard instead of empty
sections: add a license, a certification, credits and a certificate, each ticked
as soon as it is done; gone once every step is done.

Licenses, certifications and entries are in the kept sections' key (front/overview.py),
so those three answers are kept with the sections; only "has a certificate" is asked on
each view, in one indexed look-up (the dashboard is the most viewed page; make bench).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from django.db import connection
from django.urls import reverse

from cmeledger.accounts.models import User
from cmeledger.ledger.models import Certificate


@dataclass(frozen=True)
class Step:
    label: str
    hint: str
    url: str
    done: bool


@dataclass(frozen=True)
class Checklist:
    has_license: bool
    has_certification: bool
    has_credits: bool
    has_certificate: bool

    @property
    def shown(self) -> bool:
        return not all(
            (self.has_license, self.has_certification, self.has_credits, self.has_certificate)
        )

    @cached_property
    def steps(self) -> list[Step]:
        return [
            Step(
                "Add a license",
                "each state license brings its state's CME rules and deadline.",
                reverse("license-add"),
                self.has_license,
            ),
            Step(
                "Add a certification",
                "your board's (or NCCPA's, AANPCB's, ANCC's) cycle and its requirements "
                "follow from it.",
                reverse("certification-add"),
                self.has_certification,
            ),
            Step(
                "Add credits",
                "each activity you enter counts toward every set it can.",
                reverse("entry-add"),
                self.has_credits,
            ),
            Step(
                "Upload a certificate",
                "keep the proof; a PDF or a photo can fill in the entry for you.",
                reverse("certificates"),
                self.has_certificate,
            ),
        ]

    @property
    def done_count(self) -> int:
        return sum(step.done for step in self.steps)


def has_certificate(user: User) -> bool:
    # Plain SQL: the ORM spent longer building this one-row look-up than SQLite answering it.
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT 1 FROM {Certificate._meta.db_table} WHERE clinician_id = %s LIMIT 1",
            [user.pk],
        )
        return cursor.fetchone() is not None


def checklist(
    user: User, *, has_license: bool, has_certification: bool, has_credits: bool
) -> Checklist:
    return Checklist(has_license, has_certification, has_credits, has_certificate(user))
