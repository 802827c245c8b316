"""Evaluation pads (评价器) polled on an RS-485 line: the "hallops-pad" codec.

Same frame as the generic LED codec (docs/devices/serial.md) with its own header
``A5 5A``, so pads and displays sharing a bus never mistake each other's frames:

``A5 5A | address | command | len_hi len_lo | lcs | payload | xor | 0D``

Master -> pad: POLL (payload: empty, or the counter of the press being
acknowledged), PROMPT (GBK ticket number; the pad lights "请评价"), RESET.
Pad -> master: IDLE (nothing to report), PRESS (level, counter), ACK, NAK (code).

A pad keeps reporting its oldest unacknowledged press on every poll until a poll
acknowledges that counter; a lost acknowledgement therefore repeats a press with
the same counter, which the line drops.
"""

from __future__ import annotations

import importlib

from devices.led.codec import Command, Reply, ReplyKind
from devices.led.framing import Framing, decode_gbk, scan, truncate_gbk

POLL, PROMPT, RESET = 0x10, 0x11, 0x12
ACK, NAK, IDLE, PRESS = 0x06, 0x15, 0x90, 0x91

LEVELS = {5: "非常满意", 4: "满意", 3: "基本满意", 2: "不满意", 1: "非常不满意"}

FRAMING = Framing(b"\xa5\x5a", trailer=0x0D, max_payload=64)
_REPLY = FRAMING.parse_at(frozenset({ACK, NAK, IDLE, PRESS}))
_COMMAND = FRAMING.parse_at(frozenset({POLL, PROMPT, RESET}))


class PadCodec:
    """One evaluation pad protocol; the line worker only uses these methods."""

    name = ""
    expects_reply = True

    def encode_poll(self, address: int, ack: int | None = None) -> bytes:
        raise NotImplementedError

    def encode_prompt(self, address: int, ticket_number: str) -> bytes:
        raise NotImplementedError

    def encode_reset(self, address: int) -> bytes:
        raise NotImplementedError

    def decode_reply(self, buf: bytearray) -> Reply | None:
        raise NotImplementedError

    # pad side, for the simulator
    def decode_command(self, buf: bytearray) -> Command | None:
        raise NotImplementedError

    def encode_idle(self, address: int) -> bytes:
        raise NotImplementedError

    def encode_press(self, address: int, level: int, counter: int) -> bytes:
        raise NotImplementedError

    def encode_ack(self, command: Command) -> bytes:
        raise NotImplementedError

    def encode_nak(self, command: Command, code: int = 1) -> bytes:
        raise NotImplementedError


class HallopsPadCodec(PadCodec):
    name = "hallops-pad"

    def encode_poll(self, address, ack=None):
        return FRAMING.build(address, POLL, b"" if ack is None else bytes((ack & 0xFF,)))

    def encode_prompt(self, address, ticket_number):
        return FRAMING.build(address, PROMPT, truncate_gbk(str(ticket_number), 32))

    def encode_reset(self, address):
        return FRAMING.build(address, RESET)

    def decode_reply(self, buf):
        frame = scan(buf, _REPLY)
        if frame is None:
            return None
        address, command, payload = frame
        if command == PRESS:
            if len(payload) != 2 or payload[0] not in LEVELS:
                return Reply(address, ReplyKind.NAK, code=0xFF)  # answered, but nonsense
            return Reply(address, ReplyKind.PRESS, level=payload[0], counter=payload[1])
        if command == IDLE:
            return Reply(address, ReplyKind.IDLE)
        if command == NAK:
            return Reply(address, ReplyKind.NAK, code=payload[0] if payload else 0)
        return Reply(address, ReplyKind.ACK)

    def decode_command(self, buf):
        frame = scan(buf, _COMMAND)
        if frame is None:
            return None
        address, command, payload = frame
        raw = FRAMING.build(address, command, payload)
        if command == POLL:
            return Command(address, "poll", ack=payload[0] if payload else None, raw=raw)
        if command == PROMPT:
            return Command(address, "prompt", decode_gbk(payload), raw=raw)
        return Command(address, "reset", raw=raw)

    def encode_idle(self, address):
        return FRAMING.build(address, IDLE)

    def encode_press(self, address, level, counter):
        if level not in LEVELS:
            raise ValueError(f"level must be 1..5: {level}")
        return FRAMING.build(address, PRESS, bytes((level, counter & 0xFF)))

    def encode_ack(self, command):
        return FRAMING.build(command.address, ACK)

    def encode_nak(self, command, code=1):
        return FRAMING.build(command.address, NAK, bytes((code & 0xFF,)))


_PAD_CODECS: dict[str, type] = {"hallops-pad": HallopsPadCodec}


def register_pad_codec(name: str):
    def deco(cls):
        cls.name = name
        _PAD_CODECS[name] = cls
        return cls

    return deco


def get_pad_codec(name: str = "hallops-pad", **options) -> PadCodec:
    """A pad codec by name; unknown names are looked up as ``devices/pad/<name>.py``."""
    if name not in _PAD_CODECS:
        module = f"devices.pad.{name.replace('-', '_')}"
        try:
            importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name != module:
                raise
    if name not in _PAD_CODECS:
        raise KeyError(f"no pad codec named {name!r}; known: {sorted(_PAD_CODECS)}")
    return _PAD_CODECS[name](**options)
