"""The embedded gateway: the demo's virtual devices driven inside the server process.

When ``settings.HALLOPS['EMBEDDED_GATEWAY']`` is true (the default without REDIS_URL) and the process
is a server (daphne, runserver), one thread serves every gateway Device whose printers, window
displays and pads all have ``virtual://`` URLs. It wraps the same GatewayAgent and Drivers as
``run_gateway`` and calls the same hallops.devices.hub functions as the WebSocket consumer; only the wire
is a function call instead of a socket. Printer previews go to ``HALLOPS['VIRTUAL_PRINT_DIR']``.
"""

import logging
import os
import sys
import threading
from pathlib import Path

from django.conf import settings
from django.db import close_old_connections

log = logging.getLogger(__name__)

RESCAN_S = 5.0
_instance = None
_lock = threading.Lock()


def _is_server_process() -> bool:
    return "daphne" in os.path.basename(sys.argv[0] or "") or "runserver" in sys.argv[1:2]


def autostart() -> None:
    if settings.HALLOPS.get("EMBEDDED_GATEWAY") and _is_server_process():
        start()


def start(state_dir=None, virtual_dir=None) -> "EmbeddedGateway":
    global _instance
    with _lock:
        if _instance is None:
            _instance = EmbeddedGateway(state_dir, virtual_dir)
            _instance.start()
        return _instance


def stop() -> None:
    global _instance
    with _lock:
        inst, _instance = _instance, None
    if inst is not None:
        inst.stop()


def wake(gateway_id) -> bool:
    """True when the embedded gateway serves this gateway (it then fetches the new commands itself)."""
    inst = _instance
    if inst is None or gateway_id not in inst.served:
        return False
    inst.wakeup.set()
    return True


class EmbeddedGateway(threading.Thread):
    def __init__(self, state_dir=None, virtual_dir=None):
        super().__init__(name="embedded gateway", daemon=True)
        self.state_dir = Path(state_dir or Path(settings.BASE_DIR) / "var" / "gateway-embedded")
        self.virtual_dir = Path(virtual_dir or settings.HALLOPS["VIRTUAL_PRINT_DIR"])
        self.served: dict[int, object] = {}  # gateway id -> GatewayAgent
        self._hello: dict[int, list] = {}
        self.wakeup = threading.Event()
        self._stop = threading.Event()

    def stop(self):
        self._stop.set()
        self.wakeup.set()
        self.join(5)
        for agent in self.served.values():
            agent.close()

    def run(self):
        last_scan = last_beat = 0.0
        import time

        while not self._stop.is_set():
            try:
                now = time.monotonic()
                if now - last_scan >= RESCAN_S:
                    self._scan()
                    last_scan = now
                if now - last_beat >= RESCAN_S:
                    self._heartbeat()
                    last_beat = now
                self._pull()
            except Exception:  # the database may not be migrated yet; try again shortly
                log.exception("embedded gateway")
            finally:
                close_old_connections()
            self.wakeup.wait(1.0)
            self.wakeup.clear()

    def _scan(self):
        from hallops.core.models import Device, DeviceKind

        from . import hub

        for gw in Device.objects.filter(kind=DeviceKind.GATEWAY, enabled=True):
            devices = hub.attached(gw)
            if not devices or not all(d.url.startswith("virtual://") for d in devices):
                continue
            hello = hub.hello(gw)["devices"]
            agent = self.served.get(gw.pk)
            if agent is None:
                agent = self.served[gw.pk] = self._agent(gw)
                agent.configure(hello)
                hub.gateway_connected(gw, "embedded")
                for message in hub.take_pending(gw):  # includes those sent before a restart
                    agent.handle_command(message)
            elif self._hello.get(gw.pk) != hello:
                agent.configure(hello)
            self._hello[gw.pk] = hello
            agent.flush_reports()

    def _agent(self, gw):
        from devices.gateway import Drivers, GatewayAgent
        from devices.printer import SqliteJournal

        from . import hub

        def factory(state_dir, on_report):
            return Drivers(journal=SqliteJournal(state_dir / "print-journal.sqlite3"), virtual_dir=self.virtual_dir,
                           on_report=on_report)

        def send(message):
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

    def _pull(self):
        from hallops.core.models import Device

        from . import hub

        for gw_id, agent in list(self.served.items()):
            gw = Device.objects.get(pk=gw_id)
            for message in hub.take_new(gw):
                agent.handle_command(message)

    def _heartbeat(self):
        from hallops.core.models import Device

        from . import hub

        for gw_id, agent in list(self.served.items()):
            hub.apply_report(Device.objects.get(pk=gw_id), agent.heartbeat())
        hub.sweep()
