"""Records follow a clinician's identifiers.

Any save or removal of what matching uses (last name, confirmed email, NPI, birth date,
a license, a board certification) first sends back to waiting the records that no
longer belong to the clinician, then looks for waiting records that now do.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from cmeledger.accounts.models import Certification, ClinicianProfile, License, Role, User


def _attach_later(user_id: int) -> None:
    def attach() -> None:
        from cmeledger.reporting.intake import attach_waiting, recheck_attached

        user = User.objects.filter(pk=user_id, role=Role.CLINICIAN).first()
        if user is not None:
            with transaction.atomic():
                recheck_attached(user)
                if user.is_active:
                    attach_waiting(user)

    transaction.on_commit(attach)


def identifiers_changed(user_ids) -> None:
    """Call after changing identifiers or their states in bulk (rosters, staff), where
    no model signal fires: each account's records are judged again after commit."""
    for user_id in sorted(set(user_ids)):
        _attach_later(user_id)


# Saves that change nothing matching reads (a sign-in stamps last_login) skip the work.
_USER_FIELDS_MATCHING_READS = {"last_name", "email_confirmed_at", "is_active", "role"}


@receiver(post_save, sender=User)
def user_saved(sender, instance: User, raw: bool = False, update_fields=None, **kwargs) -> None:
    if raw or instance.role != Role.CLINICIAN:
        return
    if update_fields is not None and not _USER_FIELDS_MATCHING_READS & set(update_fields):
        return
    _attach_later(instance.pk)


@receiver(post_save, sender=ClinicianProfile)
def profile_saved(sender, instance: ClinicianProfile, raw: bool = False, **kwargs) -> None:
    if not raw:
        _attach_later(instance.user_id)


@receiver(post_save, sender=License)
@receiver(post_save, sender=Certification)
@receiver(post_delete, sender=License)
@receiver(post_delete, sender=Certification)
def credential_saved(sender, instance, raw: bool = False, **kwargs) -> None:
    if not raw:
        _attach_later(instance.clinician_id)
