"""run_gateway: the device gateway on a hall PC (a thin wrapper over devices.gateway.GatewayClient).

    python manage.py run_gateway --server ws://HOST:PORT --token hsd_... [--state-dir DIR]
"""

import logging
from pathlib import Path

from django.core.management.base import BaseCommand

from hallops.loops import stop_on_signals


class Command(BaseCommand):
    help = "Run the device gateway: printers, window displays and evaluation pads of this hall PC."

    def add_arguments(self, parser):
        parser.add_argument("--server", required=True, help="ws://HOST:PORT of the hallops server")
        parser.add_argument("--token", required=True, help="device token of the gateway (manage.py issue_token)")
        parser.add_argument("--state-dir", default="var/gateway", help="outbox, executed commands, print journal")
        parser.add_argument("--heartbeat", type=float, default=None, help="seconds between heartbeats")

    def handle(self, *args, server, token, state_dir, heartbeat, **options):
        from devices.gateway import GatewayClient

        logging.basicConfig(level=logging.INFO)
        client = GatewayClient(server, token, Path(state_dir), heartbeat_s=heartbeat)
        with stop_on_signals() as done:
            client.start()
            self.stdout.write(f"gateway: connecting to {client.url}; state in {state_dir}")
            try:
                done.wait()
            finally:
                client.stop()
