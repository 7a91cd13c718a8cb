"""A clinician who registers or fixes a profile picks up the records waiting for them.

Any save of the identifiers matching uses (name, NPI and birth date, a license, a board
certification) looks for waiting partner records those identifiers could match.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from cmeledger.accounts.models import Certification, ClinicianProfile, License, Role, User


def _attach_later(user_id: int) -> None:
    def attach() -> None:
        from cmeledger.reporting.intake import attach_waiting

        user = User.objects.filter(pk=user_id, role=Role.CLINICIAN, is_active=True).first()
        if user is not None:
            with transaction.atomic():
                attach_waiting(user)

    transaction.on_commit(attach)


def identifiers_changed(user_ids) -> None:
    """Call after changing identifiers or their states in bulk (rosters, staff), where
    no model signal fires: each account's records are judged again after commit."""
    for user_id in sorted(set(user_ids)):
        _attach_later(user_id)


@receiver(post_save, sender=User)
def user_saved(sender, instance: User, raw: bool = False, **kwargs) -> None:
    if not raw and instance.role == Role.CLINICIAN:
        _attach_later(instance.pk)


@receiver(post_save, sender=ClinicianProfile)
def profile_saved(sender, instance: ClinicianProfile, raw: bool = False, **kwargs) -> None:
    if not raw:
        _attach_later(instance.user_id)


@receiver(post_save, sender=License)
@receiver(post_save, sender=Certification)
def credential_saved(sender, instance, raw: bool = False, **kwargs) -> None:
    if not raw:
        _attach_later(instance.clinician_id)
