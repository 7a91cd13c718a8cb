"""User.email_confirmed_at follows allauth: set when the account's own address is
confirmed, cleared when the address changes to one that is not (docs/identity.md)."""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from allauth.account.signals import email_confirmed
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver
from django.utils import timezone

from cmeledger.accounts.models import User


def _is_verified(user: User, email: str) -> bool:
    return EmailAddress.objects.filter(user=user, email__iexact=email, verified=True).exists()


@receiver(email_confirmed)
def mark_confirmed(sender: Any, request: Any, email_address: EmailAddress, **kwargs: Any) -> None:
    user = email_address.user
    if user.email.lower() == email_address.email.lower() and user.email_confirmed_at is None:
        user.email_confirmed_at = timezone.now()
        user.save(update_fields=["email_confirmed_at"])


@receiver(pre_save, sender=User)
def follow_email_changes(
    sender: Any, instance: User, update_fields: Any = None, **kwargs: Any
) -> None:
    # Whatever changes the address (allauth making another one primary, an admin's
    # edit), the confirmation belongs to the old one.
    if instance.pk is None or (update_fields is not None and "email" not in update_fields):
        return
    before = User.objects.filter(pk=instance.pk).values_list("email", flat=True).first()
    if before is None or before.lower() == instance.email.lower():
        return
    instance.email_confirmed_at = timezone.now() if _is_verified(instance, instance.email) else None
    if update_fields is not None and "email_confirmed_at" not in update_fields:
        # allauth saves only the email field; the new state is written alongside.
        User.objects.filter(pk=instance.pk).update(email_confirmed_at=instance.email_confirmed_at)


@receiver(post_save, sender=User)
def record_confirmed_address(
    sender: Any, instance: User, created: bool, raw: bool = False, **kwargs: Any
) -> None:
    # An account made already confirmed (the demo, site staff's tools) gets allauth's
    # record of it, so allauth agrees. Unconfirmed ones get theirs from allauth itself.
    if created and not raw and instance.email_confirmed_at is not None:
        EmailAddress.objects.get_or_create(
            user=instance,
            email=instance.email.lower(),
            defaults={"primary": True, "verified": True},
        )
