"""Browser devices (kiosk, hall screen, window screen, tablet pad) are online while their socket is up.

Kept on the Device row without a hall event: a screen's connection blinking is telemetry, and the
dashboard's next load frame shows it (with the offline alert once it stays away).
"""

import logging

from channels.db import database_sync_to_async
from django.utils import timezone

from hallops.core.models import Device

log = logging.getLogger(__name__)


async def mark(actor, online: bool) -> None:
    device = actor.device if actor is not None else None
    if device is None:
        return
    fields = {"online": online, **({"last_seen": timezone.now()} if online else {})}
    try:
        await database_sync_to_async(Device.objects.filter(pk=device.pk).update)(**fields)
    except Exception:  # health is advisory; the stream must not fail on it
        log.exception("recording the health of %s failed", device.name)
