"""The virtual gateway: the demo's ``virtual://`` devices, driven by ``manage.py run_virtual_gateway``.

It serves every enabled gateway Device whose printers, window displays and pads all have
``virtual://`` URLs and that no one else serves (``hub.claim_gateway``), with the same GatewayAgent
and Drivers as ``run_gateway`` and the same ``hallops.devices.hub`` functions as the gateway socket;
only the wire is a function call. It runs in its own process, so it polls for new commands instead
of hearing ``hub.notify`` (the in-memory channel layer does not cross processes). Printer previews go
to ``HALLOPS['VIRTUAL_PRINT_DIR']``.
"""

import logging
import os
import socket
from pathlib import Path

from django.conf import settings
from django.db import close_old_connections

from hallops.core.models import Device, DeviceKind

from . import hub

log = logging.getLogger(__name__)


def connection_name() -> str:
    return f"virtual:{socket.gethostname()}:{os.getpid()}"


class VirtualGateway:
    """``scan`` claims and configures, ``pull`` runs new commands, ``heartbeat`` reports health, ``close`` restores."""

    def __init__(self, state_dir=None, virtual_dir=None, conn=None, hall=None):
        self.state_dir = Path(state_dir or Path(settings.BASE_DIR) / "var" / "gateway-virtual")
        self.virtual_dir = Path(virtual_dir or settings.HALLOPS["VIRTUAL_PRINT_DIR"])
        self.conn = conn or connection_name()
        self.hall = hall
        self.served: dict[int, object] = {}  # gateway id -> GatewayAgent
        self._hello: dict[int, list] = {}

    def _gateways(self):
        qs = Device.objects.filter(kind=DeviceKind.GATEWAY, enabled=True)
        return qs.filter(hall=self.hall) if self.hall is not None else qs

    def scan(self) -> None:
        for gw in self._gateways():
            devices = hub.attached(gw)
            if not devices or not all(d.url.startswith("virtual://") for d in devices):
                continue
            hello = hub.hello(gw)["devices"]
            agent = self.served.get(gw.pk)
            if agent is None:
                if not hub.claim_gateway(gw, self.conn):
                    continue  # another process (or a real gateway) serves it
                agent = self.served[gw.pk] = self._agent(gw)
                agent.configure(hello)
                for message in hub.take_pending(gw):  # includes those sent before a restart
                    agent.handle_command(message)
            elif self._hello.get(gw.pk) != hello:
                agent.configure(hello)
            self._hello[gw.pk] = hello
            agent.flush_reports()

    def _agent(self, gw):
        from devices.gateway import Drivers, GatewayAgent
        from devices.printer import SqliteJournal

        def factory(state_dir, on_report):
            return Drivers(journal=SqliteJournal(state_dir / "print-journal.sqlite3"), virtual_dir=self.virtual_dir,
                           on_report=on_report)

        def send(message):  # called from the agent's device threads too: each returns its connection
            try:
                if message["type"] == "ack":
                    hub.apply_ack(gw, message)
                elif message["type"] == "report":
                    agent.handle_ack(hub.apply_report(gw, message))
                return True
            finally:
                close_old_connections()

        agent = GatewayAgent(self.state_dir / str(gw.pk), factory, send=send)
        return agent

    def pull(self) -> None:
        for gw in Device.objects.filter(pk__in=list(self.served)):
            for message in hub.take_new(gw):
                self.served[gw.pk].handle_command(message)

    def heartbeat(self) -> None:
        for gw in Device.objects.filter(pk__in=list(self.served)):
            hub.apply_report(gw, self.served[gw.pk].heartbeat())

    def close(self) -> None:
        """Stop the drivers and put the gateways this process claimed offline again."""
        served, self.served = self.served, {}
        for agent in served.values():
            agent.close()
        for gw in Device.objects.filter(pk__in=list(served)):
            hub.gateway_disconnected(gw, self.conn)
