"""The LED codec interface and the registry that finds a codec by name.

A window display (窗口条屏) or hall screen speaks some vendor's serial protocol; the
line worker (``devices.line``) only ever talks to a :class:`LedCodec`. Both sides of
the protocol live in the codec: the master side (``encode_*``/``decode_reply``) that
the line uses, and the display side (``decode_command``/``encode_ack``...) that the
simulator uses, so a codec is testable against itself on a real pty.

Adding a vendor: write ``devices/led/<vendor>.py`` with a ``@register_codec("<vendor>")``
class; ``get_codec("<vendor>")`` imports it on first use. See docs/devices/serial.md.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from enum import Enum


class ReplyKind(str, Enum):
    ACK = "ack"
    NAK = "nak"
    STATUS = "status"  # answer to a query: the device is alive
    IDLE = "idle"  # pad: polled, nothing to report
    PRESS = "press"  # pad: a key was pressed


@dataclass(frozen=True)
class Reply:
    """What a device on the bus answered; ``address`` says which one."""

    address: int
    kind: ReplyKind
    code: int = 0  # NAK reason / Modbus exception code
    text: str | None = None  # STATUS: what the display says it shows, if the codec reports it
    level: int | None = None  # PRESS: 1..5
    counter: int | None = None  # PRESS: pad-side press counter (wraps at 256)

    @property
    def ok(self) -> bool:
        return self.kind is not ReplyKind.NAK


@dataclass(frozen=True)
class Command:
    """A master frame as a display (the simulator) understands it."""

    address: int
    op: str  # "show" | "clear" | "query" (+ pad ops: "poll" | "prompt" | "reset")
    text: str = ""
    blink: bool = False
    line: int = 0
    ack: int | None = None  # pad poll: press counter the master acknowledges
    raw: bytes = b""


class LedCodec:
    """One display protocol. Subclasses implement the eight methods below."""

    name: str = ""
    #: False for write-only protocols: the line then sends and never waits.
    expects_reply: bool = True

    # -- master side (the line worker) ---------------------------------------
    def encode_show(self, address: int, text: str, *, blink: bool = False, line: int = 0) -> bytes:
        raise NotImplementedError

    def encode_clear(self, address: int) -> bytes:
        raise NotImplementedError

    def encode_query(self, address: int) -> bytes:
        raise NotImplementedError

    def decode_reply(self, buf: bytearray) -> Reply | None:
        """Consume the next reply from ``buf`` (skipping noise); None until one is complete."""
        raise NotImplementedError

    # -- display side (the simulator, and vendor test benches) ----------------
    def decode_command(self, buf: bytearray) -> Command | None:
        raise NotImplementedError

    def encode_ack(self, command: Command) -> bytes:
        raise NotImplementedError

    def encode_nak(self, command: Command, code: int = 1) -> bytes:
        raise NotImplementedError

    def encode_status(self, address: int, text: str, *, blink: bool = False, line: int = 0) -> bytes:
        raise NotImplementedError


_CODECS: dict[str, type] = {}
_BUILTIN = {"hallops-generic": "devices.led.generic", "modbus-rtu": "devices.led.modbus"}


def register_codec(name: str):
    """Class decorator: make ``get_codec(name)`` return an instance of the class."""

    def deco(cls):
        cls.name = name
        _CODECS[name] = cls
        return cls

    return deco


def get_codec(name: str, **options) -> LedCodec:
    """An LED codec by registered name, or by ``"package.module:Class"``.

    Unknown names are looked up as ``devices/led/<name>.py`` (dashes as underscores),
    so a vendor codec needs no edit anywhere else.
    """
    if ":" in name:
        module, _, attr = name.partition(":")
        return getattr(importlib.import_module(module), attr)(**options)
    if name not in _CODECS:
        module = _BUILTIN.get(name, f"devices.led.{name.replace('-', '_')}")
        try:
            importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name != module:
                raise
    if name not in _CODECS:
        raise KeyError(f"no LED codec named {name!r}; known: {sorted(available_codecs())}")
    return _CODECS[name](**options)


def available_codecs() -> list[str]:
    for module in _BUILTIN.values():
        importlib.import_module(module)
    return sorted(_CODECS)
