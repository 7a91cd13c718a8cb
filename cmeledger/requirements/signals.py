"""Enrollment follows the profile: a saved license or certification enrolls at once."""

from __future__ import annotations

from django.db.models.signals import post_save
from django.dispatch import receiver

from cmeledger.accounts.models import Certification, License
from cmeledger.requirements.enrollment import enroll_automatically


@receiver(post_save, sender=License, dispatch_uid="enroll-on-license")
@receiver(post_save, sender=Certification, dispatch_uid="enroll-on-certification")
def enroll_on_save(sender, instance, raw: bool = False, **kwargs) -> None:
    if not raw:  # fixtures load rows as they are
        enroll_automatically(instance.clinician)
