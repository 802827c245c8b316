"""sweep_devices: mark offline the gateway devices not heard for two heartbeats (hallops.devices.hub.sweep).

    python manage.py sweep_devices [--every 5] [--once]

One per deployment is enough and two are harmless (each device is claimed by a conditional update).
SIGTERM/SIGINT stop it between rounds.
"""

import logging

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from hallops.devices import hub
from hallops.loops import stop_on_signals

log = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Mark offline every gateway device silent for two heartbeats, every --every seconds."

    def add_arguments(self, parser):
        parser.add_argument("--every", type=float, default=5.0, help="seconds between sweeps")
        parser.add_argument("--once", action="store_true", help="sweep once and exit (cron)")

    def handle(self, *args, every, once, **options):
        with stop_on_signals() as stop:
            while not stop.is_set():
                try:
                    n = hub.sweep()
                    if n or once:
                        self.stdout.write(f"devices marked offline: {n}")
                except Exception:  # the database may be away for a moment: the next round sweeps again
                    if once:
                        raise
                    log.exception("device sweep failed")
                finally:
                    close_old_connections()
                if once:
                    return
                stop.wait(every)
