"""GatewayClient: a hall PC's link to the server over WebSocket (/ws/gateway/), forever.

Connects with the gateway's device token, configures its drivers from the server's hello, runs
commands (GatewayAgent), sends reports from its durable outbox, heartbeats, and reconnects with
exponential backoff and jitter when the server restarts or the network drops.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from pathlib import Path

from devices.backoff import Backoff

from .agent import GatewayAgent

log = logging.getLogger(__name__)


def gateway_url(server_url: str) -> str:
    url = server_url.rstrip("/")
    if url.startswith("http"):
        url = "ws" + url[4:]
    return url if url.endswith("/ws/gateway") else f"{url}/ws/gateway/"


class GatewayClient:
    def __init__(self, server_url: str, token: str, state_dir: str | Path, drivers_factory=None, *,
                 backoff: tuple[float, float] = (0.5, 30.0), heartbeat_s: float | None = None,
                 ping_interval: float = 10.0, ping_timeout: float = 10.0):
        self.url = gateway_url(server_url)
        self.token = token
        self.backoff_min, self.backoff_max = backoff
        self.heartbeat_s = heartbeat_s  # None: a third of the gateway's heartbeat_s from the hello
        self.ping_interval, self.ping_timeout = ping_interval, ping_timeout
        self.agent = GatewayAgent(state_dir, drivers_factory, send=self._send)
        self.connected = threading.Event()
        self.connections = 0
        self.replaced = False  # another gateway with the same token took over (see _dispatch)
        self._ws = None
        self._send_lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._hb_interval = heartbeat_s or 10.0

    # -- lifecycle -----------------------------------------------------------------------
    def start(self) -> "GatewayClient":
        self._stop.clear()
        self._thread = threading.Thread(target=self.run, name="gateway client", daemon=True)
        self._thread.start()
        threading.Thread(target=self._heartbeats, name="gateway heartbeat", daemon=True).start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        ws = self._ws
        if ws is not None:
            try:
                ws.close()
            except Exception:
                pass
        if self._thread:
            self._thread.join(timeout)
        self.agent.close()

    def run(self) -> None:
        """Connect, serve, reconnect: until stop()."""
        # Full jitter: a hall's gateways do not all knock at once when the server comes back.
        backoff = Backoff(self.backoff_min, self.backoff_max, jitter=True)
        while not self._stop.is_set():
            started = time.monotonic()
            try:
                self._session()
            except Exception as e:  # refused, reset, timeout, server restart: all the same to us
                log.info("gateway: connection to %s ended: %s", self.url, e)
            finally:
                self._ws = None
                self.connected.clear()
            if self._stop.is_set():
                return
            if time.monotonic() - started > 10:
                backoff.reset()  # it was up for a while: this is a new outage
            self._stop.wait(backoff.next())

    def _session(self) -> None:
        from websockets.sync.client import connect

        with connect(self.url, additional_headers={"Authorization": f"Bearer {self.token}"}, open_timeout=5,
                     ping_interval=self.ping_interval, ping_timeout=self.ping_timeout,
                     max_size=8 * 1024 * 1024) as ws:
            self._ws = ws
            self.connections += 1
            while not self._stop.is_set():
                try:
                    raw = ws.recv(timeout=0.5)
                except TimeoutError:
                    continue
                self._dispatch(json.loads(raw))

    def _dispatch(self, message: dict) -> None:
        kind = message.get("type")
        if kind == "hello":
            self.agent.configure(message.get("devices") or [])
            hb = (message.get("gateway") or {}).get("heartbeat_s")
            if self.heartbeat_s is None and hb:
                self._hb_interval = max(1.0, float(hb) / 3)
            self.connected.set()
            self.agent.flush_reports()
            self._send(self.agent.heartbeat())
        elif kind == "command":
            self.agent.handle_command(message)
        elif kind == "ack":
            self.agent.handle_ack(message)
        elif kind == "error":
            if self.connected.is_set():
                # After hello an error answers one frame (docs/realtime.md: bad input never closes a socket).
                log.warning("gateway: server refused a frame: %s", message)
                return
            log.error("gateway: server refused: %s", message)
            if message.get("error") == "replaced":
                # Another gateway runs with this token: two must never drive one port. This one
                # gives its ports up and stays down instead of taking the connection back.
                log.error("gateway: another gateway with this token took over; this one stops")
                self.replaced = True
                self._stop.set()
                self.agent.close()
            raise ConnectionError(message.get("error"))

    def _send(self, message: dict) -> bool:
        ws = self._ws
        if ws is None or not self.connected.is_set():
            return False
        with self._send_lock:
            ws.send(json.dumps(message, ensure_ascii=False))
        return True

    def _heartbeats(self) -> None:
        while not self._stop.wait(self._hb_interval):
            if self.connected.is_set():
                try:
                    self._send(self.agent.heartbeat())
                except Exception as e:
                    log.debug("gateway: heartbeat not sent: %s", e)
