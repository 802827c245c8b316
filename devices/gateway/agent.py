"""GatewayAgent: what a gateway does, whatever carries its messages.

It turns command messages into driver calls and acks, exactly once per command id, and turns
driver events into durable reports. The WebSocket client (devices.gateway.client) and the
demo's virtual gateway (hallops.devices.virtual) both wrap one agent; only the wire differs.

Per device one worker thread runs that device's commands in order, so a slow printer does not
hold up a window display.
"""

from __future__ import annotations

import logging
import queue
import threading
from pathlib import Path

from .drivers import CommandFailed, Drivers
from .store import GatewayStore

log = logging.getLogger(__name__)


def make_drivers(state_dir: Path, on_report, **kwargs) -> Drivers:
    """The default drivers factory: print journal next to the gateway's state."""
    from devices.printer import SqliteJournal

    kwargs.setdefault("virtual_dir", state_dir / "prints")
    return Drivers(journal=SqliteJournal(state_dir / "print-journal.sqlite3"), on_report=on_report, **kwargs)


class GatewayAgent:
    def __init__(self, state_dir: str | Path, drivers_factory=None, send=None):
        """``drivers_factory(state_dir, on_report) -> Drivers``; ``send(message)`` delivers to the server
        (returns False or raises when it cannot: the message then waits for the next connection)."""
        self.state_dir = Path(state_dir)
        self.state_dir.mkdir(parents=True, exist_ok=True)
        self.store = GatewayStore(self.state_dir / "gateway.sqlite3")
        self.send = send or (lambda message: False)
        self.drivers = (drivers_factory or make_drivers)(self.state_dir, self._report)
        self._lock = threading.Lock()
        self._inflight: set[str] = set()
        self._workers: dict[int, queue.Queue] = {}
        self._stopping = False
        self.executions = 0  # commands actually run by this process (not re-acks)

    # -- server → gateway ----------------------------------------------------------------
    def configure(self, devices: list[dict]) -> None:
        self.drivers.configure(devices)

    def handle_command(self, message: dict) -> None:
        cid = str(message["id"])
        outcome = self.store.executed(cid)
        if outcome is not None:
            self._ack(cid, outcome)  # done before; the ack was lost: say so again, do not run it again
            return
        with self._lock:
            if cid in self._inflight:
                return  # still running; its ack follows
            self._inflight.add(cid)
            q = self._workers.get(int(message["device"]))
            if q is None:
                q = self._workers[int(message["device"])] = queue.Queue()
                threading.Thread(target=self._work, args=(q,), name=f"gateway device {message['device']}",
                                 daemon=True).start()
        q.put(message)

    def _work(self, q: queue.Queue) -> None:
        while True:
            message = q.get()
            if message is None:
                return
            cid = str(message["id"])
            try:
                try:
                    outcome = {"ok": True, "result": self.drivers.execute(message)}
                except CommandFailed as e:
                    outcome = {"ok": False, "result": e.result}
                except Exception as e:  # a driver bug: report it, do not retry forever
                    log.exception("gateway: command %s failed", cid)
                    outcome = {"ok": False, "result": {"error": "gateway_error", "message": str(e)}}
                self.executions += 1
                self.store.mark_executed(cid, outcome)
            finally:
                with self._lock:
                    self._inflight.discard(cid)
            self._ack(cid, outcome)

    def _ack(self, cid: str, outcome: dict) -> None:
        self._deliver({"type": "ack", "id": cid, "ok": outcome["ok"], "result": outcome["result"]})

    def handle_ack(self, message: dict) -> None:
        """The server applied one of our reports."""
        self.store.ack_report(str(message.get("id")))

    # -- gateway → server ----------------------------------------------------------------
    def _report(self, kind: str, **fields) -> None:
        report = self.store.add_report(kind, **fields)  # durable before it is sent
        self._deliver(report)

    def flush_reports(self) -> None:
        """Send every report not yet acknowledged (after a reconnect)."""
        for report in self.store.pending_reports():
            if not self._deliver(report):
                return

    def heartbeat(self) -> dict:
        import uuid

        return {"type": "report", "id": str(uuid.uuid4()), "kind": "heartbeat", "devices": self.drivers.health()}

    def _deliver(self, message: dict) -> bool:
        try:
            return self.send(message) is not False
        except Exception as e:  # not connected: the outbox or the server's resend covers it
            log.debug("gateway: cannot send %s now: %s", message.get("type"), e)
            return False

    def close(self) -> None:
        with self._lock:
            for q in self._workers.values():
                q.put(None)
            self._workers.clear()
        self.drivers.close()
