from __future__ import annotations

from django.db import models


class LastRun(models.Model):
    """When each periodic job was last queued: the claim that makes it once per turn."""

    name = models.CharField(max_length=100, primary_key=True)
    queued_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} at {self.queued_at}"
