"""The first-run checklist a new clinician sees on the dashboard instead of empty
sections: add a license, a board certification, credits and a certificate, each ticked
as soon as it is done. One query; gone once every step is done."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef
from django.urls import reverse

from cmeledger.accounts.models import Certification, License, User
from cmeledger.ledger.models import Certificate, CreditEntry


@dataclass(frozen=True)
class Step:
    label: str
    hint: str
    url: str
    done: bool


@dataclass(frozen=True)
class Checklist:
    steps: list[Step]
    has_license: bool
    has_certification: bool
    has_credits: bool

    @property
    def shown(self) -> bool:
        return not all(step.done for step in self.steps)

    @property
    def done_count(self) -> int:
        return sum(step.done for step in self.steps)


def checklist(user: User) -> Checklist:
    of_user = {"clinician": OuterRef("pk")}
    found = (
        User.objects.filter(pk=user.pk)
        .annotate(
            license=Exists(License.objects.filter(**of_user)),
            certification=Exists(Certification.objects.filter(**of_user)),
            credits=Exists(CreditEntry.objects.filter(deleted_at__isnull=True, **of_user)),
            certificate=Exists(Certificate.objects.filter(**of_user)),
        )
        .values("license", "certification", "credits", "certificate")
        .get()
    )
    steps = [
        Step(
            "Add a license",
            "each state license brings its state's CME rules and deadline.",
            reverse("license-add"),
            found["license"],
        ),
        Step(
            "Add a board certification",
            "your board's cycle and its requirements follow from it.",
            reverse("certification-add"),
            found["certification"],
        ),
        Step(
            "Add credits",
            "each activity you enter counts toward every set it can.",
            reverse("entry-add"),
            found["credits"],
        ),
        Step(
            "Upload a certificate",
            "keep the proof; a PDF or a photo can fill in the entry for you.",
            reverse("certificates"),
            found["certificate"],
        ),
    ]
    return Checklist(steps, found["license"], found["certification"], found["credits"])
