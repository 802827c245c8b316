""""hallops-generic": the project's own framed display protocol.

For displays whose firmware we can choose (or a small MCU bridge in front of a
vendor's display). Frame layout in docs/devices/serial.md:

``AA 55 | address | command | len_hi len_lo | lcs | payload | xor | 0D``

Show payload: ``flags`` (bit0 blink), ``line`` (0 = first line), GBK text.
"""

from __future__ import annotations

from .codec import Command, LedCodec, Reply, ReplyKind, register_codec
from .framing import Framing, decode_gbk, scan, truncate_gbk

SHOW, CLEAR, QUERY = 0x01, 0x02, 0x03
ACK, NAK, STATUS = 0x06, 0x15, 0x83

MAX_TEXT = 512
FRAMING = Framing(b"\xaa\x55", trailer=0x0D, max_payload=MAX_TEXT + 2)
_REPLY = FRAMING.parse_at(frozenset({ACK, NAK, STATUS}))
_COMMAND = FRAMING.parse_at(frozenset({SHOW, CLEAR, QUERY}))


@register_codec("hallops-generic")
class GenericCodec(LedCodec):
    expects_reply = True

    def encode_show(self, address, text, *, blink=False, line=0):
        payload = bytes((1 if blink else 0, line & 0xFF)) + truncate_gbk(text, MAX_TEXT)
        return FRAMING.build(address, SHOW, payload)

    def encode_clear(self, address):
        return FRAMING.build(address, CLEAR)

    def encode_query(self, address):
        return FRAMING.build(address, QUERY)

    def decode_reply(self, buf):
        frame = scan(buf, _REPLY)
        if frame is None:
            return None
        address, command, payload = frame
        if command == ACK:
            return Reply(address, ReplyKind.ACK)
        if command == NAK:
            return Reply(address, ReplyKind.NAK, code=payload[0] if payload else 0)
        text = decode_gbk(payload[2:]) if len(payload) >= 2 else None
        return Reply(address, ReplyKind.STATUS, text=text)

    def decode_command(self, buf):
        frame = scan(buf, _COMMAND)
        if frame is None:
            return None
        address, command, payload = frame
        raw = FRAMING.build(address, command, payload)
        if command == SHOW:
            flags, line = (payload[0], payload[1]) if len(payload) >= 2 else (0, 0)
            return Command(address, "show", decode_gbk(payload[2:]), bool(flags & 1), line, raw=raw)
        return Command(address, "clear" if command == CLEAR else "query", raw=raw)

    def encode_ack(self, command):
        return FRAMING.build(command.address, ACK)

    def encode_nak(self, command, code=1):
        return FRAMING.build(command.address, NAK, bytes((code & 0xFF,)))

    def encode_status(self, address, text, *, blink=False, line=0):
        payload = bytes((1 if blink else 0, line & 0xFF)) + truncate_gbk(text, MAX_TEXT)
        return FRAMING.build(address, STATUS, payload)
