"""A clinician's claim is judged against the roster as soon as it is saved: a new or
changed certification or license, or a changed name or birth date (docs/board.md)."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from cmeledger.accounts.models import Certification, ClinicianProfile, License, User
from cmeledger.boards import rosters


@receiver(pre_save, sender=Certification)
def certification_moving(sender, instance: Certification, raw: bool = False, **kwargs) -> None:
    if raw or instance.pk is None:
        return
    stored = (
        Certification.objects.filter(pk=instance.pk)
        .values_list("board_id", "board_id_number")
        .first()
    )
    now = (instance.board_id, rosters.normalised(instance.board_id_number))
    if stored is not None:
        stored = (stored[0], rosters.normalised(stored[1]))
        rosters.forget_moved_claim(instance, stored, now)


@receiver(pre_save, sender=License)
def license_moving(sender, instance: License, raw: bool = False, **kwargs) -> None:
    if raw or instance.pk is None:
        return
    stored = (
        License.objects.filter(pk=instance.pk).values_list("state", "profession", "number").first()
    )
    if stored is not None:
        stored = (stored[0], stored[1], rosters.normalised(stored[2]))
        now = (instance.state, instance.profession, rosters.normalised(instance.number))
        rosters.forget_moved_claim(instance, stored, now)


@receiver(post_save, sender=Certification)
@receiver(post_delete, sender=Certification)
def certification_saved(sender, instance: Certification, raw: bool = False, **kwargs) -> None:
    if not raw:
        rosters.certification_changed(instance)


@receiver(post_save, sender=License)
@receiver(post_delete, sender=License)
def license_saved(sender, instance: License, raw: bool = False, **kwargs) -> None:
    if not raw:
        rosters.license_changed(instance)


@receiver(post_save, sender=ClinicianProfile)
def profile_saved(sender, instance: ClinicianProfile, raw: bool = False, **kwargs) -> None:
    if not raw:
        rosters.clinician_changed(instance.user_id)


@receiver(post_save, sender=User)
def user_saved(sender, instance: User, raw: bool = False, update_fields=None, **kwargs) -> None:
    # Signing in saves last_login alone; only a name change can change a judgement.
    if raw or kwargs.get("created") or (update_fields and "last_name" not in update_fields):
        return
    rosters.clinician_changed(instance.pk)
