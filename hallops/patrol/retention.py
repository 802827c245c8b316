"""Footage retention: pictures go after PATROL_RETENTION_DAYS (30 by default); text stays.

Detections, findings and notices keep their rows and words: a notice must still say what was
found after its pictures are gone. Their links to deleted snapshots become empty.
"""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from .models import Snapshot

DEFAULT_DAYS = 30


def retention_days() -> int:
    return int(getattr(settings, "PATROL_RETENTION_DAYS", DEFAULT_DAYS))


def purge_snapshots(days: int | None = None, now=None) -> tuple[int, int]:
    """Delete snapshots taken before now - days; returns (rows, files) deleted."""
    days = retention_days() if days is None else days
    cutoff = (now or timezone.now()) - timedelta(days=days)
    rows = files = 0
    for snap in list(Snapshot.objects.filter(taken_at__lt=cutoff)):
        if snap.image and snap.image.storage.exists(snap.image.name):
            snap.image.storage.delete(snap.image.name)
            files += 1
        snap.delete()
        rows += 1
    return rows, files
