"""run_virtual_gateway: drive the demo's virtual:// printers, window displays and pads (its own process).

    python manage.py run_virtual_gateway [--hall CODE] [--poll 0.5] [--for-seconds N]

``make demo`` starts it next to daphne, as it starts the patrol agent. SIGTERM/SIGINT stop it; the
gateways it served go offline as it leaves (hallops.devices.virtual.VirtualGateway.close).
"""

import logging
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections

from hallops.core.models import Hall
from hallops.devices.virtual import VirtualGateway
from hallops.loops import stop_on_signals

log = logging.getLogger(__name__)

# Claims, reconfigurations and heartbeats; commands are polled every --poll seconds in between.
SCAN_S = 5.0


class Command(BaseCommand):
    help = "Run the virtual gateway: the demo's virtual:// printers, window displays and evaluation pads."

    def add_arguments(self, parser):
        parser.add_argument("--hall", help="only this hall's gateways (hall code)")
        parser.add_argument("--poll", type=float, default=0.5, help="seconds between looks for new commands")
        parser.add_argument("--state-dir", default=None, help="outbox, executed commands, print journal")
        parser.add_argument("--for-seconds", type=float, default=None, help="stop after N seconds (tests)")

    def handle(self, *args, hall, poll, state_dir, for_seconds, **options):
        hall_obj = None
        if hall:
            hall_obj = Hall.objects.filter(code=hall).first()
            if hall_obj is None:
                raise CommandError(f"no hall {hall!r}")
        gateway = VirtualGateway(state_dir=state_dir, hall=hall_obj)
        deadline = None if for_seconds is None else time.monotonic() + for_seconds
        self.stdout.write(f"virtual gateway {gateway.conn}: previews in {gateway.virtual_dir}")
        with stop_on_signals() as stop:
            last_scan = None
            try:
                while not stop.is_set() and (deadline is None or time.monotonic() < deadline):
                    try:
                        now = time.monotonic()
                        if last_scan is None or now - last_scan >= SCAN_S:
                            gateway.scan()
                            gateway.heartbeat()
                            last_scan = now
                        gateway.pull()
                    except Exception:  # the database may be migrating or away: try again next round
                        log.exception("virtual gateway")
                    finally:
                        close_old_connections()
                    stop.wait(poll)
            finally:
                gateway.close()
        self.stdout.write(f"virtual gateway {gateway.conn}: stopped")
