"""The devices one gateway drives, built from the server's hello list.

- printers: ``devices.printer.open_printer(url)`` with the gateway's SqliteJournal, so a print job
  id (the command id) is printed at most once even across restarts;
- window displays and evaluation pads: one ``devices.line.SerialLine`` per bus, the bus being the
  device URL without its ``address``/``codec`` parameters (options ``codec``, ``address`` win);
- ``virtual://NAME``: a VirtualPrinter writing PNG previews to ``virtual_dir/NAME``, a
  VirtualDisplay that records what it shows, a VirtualPad that a test or the demo presses.
"""

from __future__ import annotations

import base64
import logging
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

log = logging.getLogger(__name__)

DEFAULT_CODECS = {"window_display": "hallops-generic", "evaluation_pad": "hallops-pad"}
LINE_KEYS = ("address", "codec")


@dataclass(frozen=True)
class DeviceSpec:
    id: int
    name: str
    kind: str
    url: str
    options: dict = field(default_factory=dict, hash=False, compare=True)
    window: dict | None = field(default=None, hash=False, compare=True)

    @classmethod
    def from_hello(cls, d: dict) -> "DeviceSpec":
        return cls(int(d["id"]), d.get("name", ""), d["kind"], d.get("url", ""), dict(d.get("options") or {}),
                   d.get("window"))


def split_bus_url(url: str, options: dict, kind: str) -> tuple[str, int, str]:
    """(bus URL, address, codec) of a serial device: ``serial:///dev/ttyUSB0?baudrate=9600&address=3``."""
    parts = urlsplit(url if "://" in url else f"serial://{url}")
    query = dict(parse_qsl(parts.query))
    address = int(options.get("address", query.get("address", 1)))
    codec = options.get("codec") or query.get("codec") or DEFAULT_CODECS[kind]
    rest = urlencode([(k, v) for k, v in parse_qsl(parts.query) if k not in LINE_KEYS])
    # Not urlunsplit: it writes an unknown scheme with an empty host as "serial:/dev/…", which the
    # line then prefixed again ("serial://serial:/…"), so its health never matched the bus.
    bus = f"{parts.scheme}://{parts.netloc}{parts.path}" + (f"?{rest}" if rest else "")
    return bus, address, codec


class VirtualDisplay:
    """A window display that only remembers: ``shown`` is every (text, blink) it was told, ``current`` the last."""

    def __init__(self):
        self.shown: list[tuple[str, bool] | None] = []
        self.lock = threading.Lock()

    @property
    def current(self):
        with self.lock:
            return self.shown[-1] if self.shown else None

    def show(self, text: str, blink: bool = False):
        with self.lock:
            self.shown.append((text, blink))

    def clear(self):
        with self.lock:
            self.shown.append(None)


class VirtualPad:
    def __init__(self, on_press):
        self.prompts: list[str | None] = []
        self.on_press = on_press
        self._counter = 0

    def prompt(self, ticket_number: str):
        self.prompts.append(ticket_number)

    def reset(self):
        self.prompts.append(None)

    def press(self, level: int):
        """A visitor presses a key; the gateway reports it like a real pad's press."""
        self._counter += 1
        self.on_press(level, self.prompts[-1] if self.prompts else None, self._counter)


class CommandFailed(Exception):
    def __init__(self, result: dict):
        super().__init__(result.get("message") or result.get("error"))
        self.result = result


def _status_dict(status) -> dict | None:
    if status is None:
        return None
    return {"online": status.online, "paper": status.paper, "cover_open": status.cover_open,
            "error": status.error, "detail": status.detail}


class Drivers:
    """``execute`` runs one command; ``health`` reads every device; reports go to ``on_report(kind, **fields)``."""

    def __init__(self, *, journal=None, virtual_dir: str | Path = "prints", on_report=None,
                 line_options: dict | None = None, printer_options: dict | None = None):
        self.journal = journal
        self.virtual_dir = Path(virtual_dir)
        self.on_report = on_report or (lambda kind, **f: None)
        self.line_options = dict(line_options or {})
        self.printer_options = dict(printer_options or {})
        self.specs: dict[int, DeviceSpec] = {}
        self.printers: dict[int, object] = {}
        self.displays: dict[int, VirtualDisplay] = {}
        self.pads: dict[int, VirtualPad] = {}
        self.lines: dict[str, object] = {}  # bus URL -> SerialLine
        self.serial: dict[int, tuple[str, int]] = {}  # device id -> (bus URL, address)
        self._by_address: dict[tuple[str, int], int] = {}

    # -- configuration -------------------------------------------------------------------
    def configure(self, devices: list[dict]) -> None:
        specs = {s.id: s for s in (DeviceSpec.from_hello(d) for d in devices)}
        if specs == self.specs:
            return  # a reconnect: keep the lines (and their desired state) running
        self.close()
        self.specs = specs
        buses: dict[str, dict] = {}
        for s in specs.values():
            try:
                self._build(s, buses)
            except Exception:  # one misconfigured device must not take the others down
                log.exception("gateway: cannot set up device %s (%s)", s.name, s.url)
        self._start_lines(buses)

    def _build(self, s: DeviceSpec, buses: dict) -> None:
        virtual = s.url.startswith("virtual://")
        if s.kind == "printer":
            self.printers[s.id] = self._printer(s)
        elif virtual and s.kind == "window_display":
            self.displays[s.id] = VirtualDisplay()
        elif virtual and s.kind == "evaluation_pad":
            self.pads[s.id] = VirtualPad(lambda level, number, counter, _id=s.id: self._press(_id, level, number, counter))
        elif s.kind in DEFAULT_CODECS:
            bus, address, codec = split_bus_url(s.url, s.options, s.kind)
            slot = buses.setdefault(bus, {"led": None, "pad": None, "pads": []})
            slot["pad" if s.kind == "evaluation_pad" else "led"] = codec
            if s.kind == "evaluation_pad":
                slot["pads"].append(address)
            self.serial[s.id] = (bus, address)
            self._by_address[(bus, address)] = s.id

    def _printer(self, s: DeviceSpec):
        from devices.printer import open_printer

        kwargs = {"paper_mm": int(s.options.get("paper_mm", 58)), "journal": self.journal}
        if s.url.startswith("virtual://"):
            rest = s.url[len("virtual://"):]
            folder = Path(rest) if rest.startswith("/") else self.virtual_dir / (rest or s.name)
            return open_printer(f"virtual://{folder}", **kwargs)
        return open_printer(s.url, **kwargs, **self.printer_options)

    def _start_lines(self, buses: dict) -> None:
        from devices.line import SerialLine

        for bus, slot in buses.items():
            codec = slot["led"] or slot["pad"]
            pad_codec = slot["pad"] if slot["led"] else None
            line = SerialLine(bus, codec, pad_codec=pad_codec, on_health=self._health_change,
                              on_press=lambda press, _bus=bus: self._line_press(_bus, press), **self.line_options)
            self.lines[bus] = line.start()
            if slot["pads"]:
                line.poll_pads(slot["pads"], interval=float(self.line_options.get("probe_interval_s", 0.5)))

    def close(self) -> None:
        for line in self.lines.values():
            line.stop(timeout=2.0)
        self.specs, self.printers, self.displays, self.pads, self.lines = {}, {}, {}, {}, {}
        self.serial, self._by_address = {}, {}

    # -- callbacks from lines and virtual pads -------------------------------------------
    def _press(self, device_id, level, ticket_number, counter):
        self.on_report("pad.press", device=device_id, level=level, ticket_number=ticket_number, counter=counter)

    def _line_press(self, bus, press):
        device_id = self._by_address.get((bus, press.address))
        if device_id is not None:
            self._press(device_id, press.level, press.ticket_number, press.counter)

    def _health_change(self, change):
        if change.address is None:
            if change.field == "state" and change.new == "failed":
                rows = [{"id": d, "online": False, "status": {"detail": f"line failed: {change.error}"}}
                        for (bus, _a), d in self._by_address.items() if bus == change.url]
                if rows:
                    self.on_report("device.health", devices=rows)
            return
        device_id = self._by_address.get((change.url, change.address))
        if device_id is not None and change.new is not None:
            status = {"detail": "ok" if change.new else (change.error or "no reply")}
            self.on_report("device.health", devices=[{"id": device_id, "online": bool(change.new), "status": status}])

    # -- commands ------------------------------------------------------------------------
    def execute(self, command: dict) -> dict:
        """Run one command; returns the result, raises CommandFailed with the result when it failed."""
        device_id, kind, payload = int(command["device"]), command["kind"], command.get("payload") or {}
        spec = self.specs.get(device_id)
        if spec is None:
            raise CommandFailed({"error": "unknown_device", "message": f"device {device_id} is not on this gateway"})
        if kind == "print":
            return self._print(command["id"], device_id, payload)
        if device_id in self.displays:
            d = self.displays[device_id]
            d.show(payload.get("text", ""), bool(payload.get("blink"))) if kind == "show" else d.clear()
            return {"shown": kind == "show"}
        if device_id in self.pads:
            p = self.pads[device_id]
            p.prompt(payload.get("ticket_number", "")) if kind == "prompt" else p.reset()
            return {}
        if device_id in self.serial:
            bus, address = self.serial[device_id]
            line = self.lines[bus]
            if kind == "show":
                line.show(address, payload.get("text", ""), blink=bool(payload.get("blink")))
            elif kind == "clear" or (kind == "reset" and spec.kind == "window_display"):
                line.clear(address)
            elif kind == "prompt":
                line.prompt(address, payload.get("ticket_number", ""))
            elif kind == "reset":
                line.reset_pad(address)
            # The line keeps the desired state and resends it to a display that comes back.
            return {"queued": True}
        raise CommandFailed({"error": "unsupported", "message": f"{kind} on {spec.kind}"})

    def _print(self, command_id: str, device_id: int, payload: dict) -> dict:
        from devices.printer import PaperOut, PrinterUnavailable

        printer = self.printers.get(device_id)
        if printer is None:
            raise CommandFailed({"error": "not_a_printer"})
        # "error" is the contract: the server words it in the reader's language (hallops.devices.hub.PRINT_ERRORS);
        # "message" is only a fallback for a server that does not know the code.
        expires = payload.get("expires_at")
        if expires is not None and time.time() > float(expires):
            raise CommandFailed({"error": "expired", "message": "打印请求已过期"})
        data = base64.b64decode(payload.get("data", ""))
        try:
            result = printer.print_job(command_id, data)
        except PaperOut as e:
            raise CommandFailed({"error": "paper_out", "message": "打印机缺纸", "status": _status_dict(e.status)})
        except PrinterUnavailable as e:
            raise CommandFailed({"error": "printer_offline", "message": str(e), "status": _status_dict(e.status)})
        status = _status_dict(result.status_after)
        if not result.ok:
            raise CommandFailed({"error": "print_failed", "message": result.error, "status": status})
        return {"printed": not result.duplicate, "duplicate": result.duplicate, "status": status}

    # -- health --------------------------------------------------------------------------
    def health(self) -> list[dict]:
        rows = []
        for device_id, printer in list(self.printers.items()):
            try:
                s = printer.status()
            except Exception as e:
                rows.append({"id": device_id, "online": False, "status": {"detail": str(e)}})
                continue
            rows.append({"id": device_id, "online": bool(s.online and s.paper != "out"), "status": _status_dict(s)})
        for device_id in (*self.displays, *self.pads):
            rows.append({"id": device_id, "online": True, "status": {"detail": "virtual"}})
        for device_id, (bus, address) in list(self.serial.items()):
            line = self.lines.get(bus)
            if line is None:
                continue
            h = line.health()
            a = h.addresses.get(address)
            # Report what is known, when it is known: a failed line, or what the address answered.
            # A line still opening, or an address not heard from yet, is unknown and not reported
            # (it was: offline at every start, and "online ok" for a display never heard from).
            if h.state == "failed":
                rows.append({"id": device_id, "online": False,
                             "status": {"detail": f"line failed: {h.last_error or 'no port'}"}})
            elif h.state == "open" and a is not None and a.online is not None:
                detail = "ok" if a.online else (a.last_error or "no reply")
                rows.append({"id": device_id, "online": a.online, "status": {"detail": detail}})
        return rows
