"""Byte-level helpers shared by the serial codecs (LED displays and evaluation pads).

Bus bytes arrive in arbitrary pieces, with line noise, half frames left over from a
timed-out exchange and (on RS-485 adapters with local echo) our own frames. Every
codec therefore decodes by *scanning*: try a frame at each offset, take the first one
that is complete and checks out, and keep only what might still become a frame.
"""

from __future__ import annotations

from typing import Any, Callable

OK, NEED, BAD = "ok", "need", "bad"

# A receive buffer that grows past this without yielding a frame is noise: keep the tail.
MAX_BUFFER = 4096

_BOX = "\u25a1"  # '□', itself in GB2312 (A1F5), so the replacement survives the trip


def encode_gbk(text: str) -> bytes:
    """GBK bytes of ``text``; a character GBK cannot encode becomes a visible '□'.

    Displays render what they get; a silent drop would shift the rest of the line
    and hide the problem, a box shows staff that a character is missing.
    """
    try:
        return text.encode("gbk")
    except UnicodeEncodeError:
        out = bytearray()
        for ch in text:
            try:
                out += ch.encode("gbk")
            except UnicodeEncodeError:
                out += _BOX.encode("gbk")
        return bytes(out)


def decode_gbk(data: bytes) -> str:
    return bytes(data).decode("gbk", errors="replace")


def truncate_gbk(text: str, limit: int) -> bytes:
    """GBK bytes of ``text`` cut at a character boundary so they fit in ``limit`` bytes."""
    data = encode_gbk(text)
    if len(data) <= limit:
        return data
    out = bytearray()
    for ch in text:
        b = encode_gbk(ch)
        if len(out) + len(b) > limit:
            break
        out += b
    return bytes(out)


def xor8(data: bytes | bytearray | memoryview) -> int:
    x = 0
    for b in data:
        x ^= b
    return x


def scan(buf: bytearray, parse_at: Callable[[bytearray, int], tuple[str, int, Any]]):
    """Consume and return the first valid frame in ``buf``, or None.

    ``parse_at(buf, i)`` says whether a frame starts at ``i``: ``(OK, end, value)``,
    ``(NEED, 0, None)`` when it could still become one with more bytes, or
    ``(BAD, 0, None)``. A complete frame anywhere wins over an earlier candidate that
    is still waiting for bytes: that candidate is usually a frame whose length byte
    was hit by noise, and waiting on it would stall the line.
    Bytes before the first possible frame are dropped; nothing here raises.
    """
    if len(buf) > MAX_BUFFER:
        del buf[: len(buf) - MAX_BUFFER]
    first_need = None
    for i in range(len(buf)):
        try:
            status, end, value = parse_at(buf, i)
        except Exception:  # a codec bug must not kill the line worker
            status, end, value = BAD, 0, None
        if status == OK:
            del buf[:end]
            return value
        if status == NEED and first_need is None:
            first_need = i
    if first_need is None:
        buf.clear()
    elif first_need:
        del buf[:first_need]
    return None


class Framing:
    """The hallops frame, shared by the generic LED codec and the pad codec.

    ``header(2) address command len_hi len_lo lcs payload checksum trailer``

    ``lcs`` makes ``len_hi + len_lo + lcs == 0 (mod 256)`` (as in PN532 frames): a
    length byte hit by noise is caught before the checksum is even looked at, so
    every single-byte error is detected, not just those inside the payload.
    ``checksum`` is the XOR of every byte from address to the last payload byte.
    """

    OVERHEAD = 9

    def __init__(self, header: bytes, trailer: int = 0x0D, max_payload: int = 1024):
        assert len(header) == 2
        self.header = bytes(header)
        self.trailer = trailer
        self.max_payload = max_payload

    def build(self, address: int, command: int, payload: bytes = b"") -> bytes:
        if not 0 <= address <= 0xFF:
            raise ValueError(f"address must fit in one byte: {address}")
        if len(payload) > self.max_payload:
            raise ValueError(f"payload of {len(payload)} bytes exceeds {self.max_payload}")
        n = len(payload)
        hi, lo = n >> 8, n & 0xFF
        body = bytes((address, command, hi, lo, (-(hi + lo)) & 0xFF)) + payload
        return self.header + body + bytes((xor8(body), self.trailer))

    def parse_at(self, commands: frozenset[int] | None):
        """A ``parse_at`` for :func:`scan` yielding ``(address, command, payload)``."""
        h0, h1 = self.header

        def parse(buf: bytearray, i: int):
            avail = len(buf) - i
            if buf[i] != h0:
                return BAD, 0, None
            if avail < 2:
                return NEED, 0, None
            if buf[i + 1] != h1:
                return BAD, 0, None
            if avail < 7:
                return NEED, 0, None
            address, command, hi, lo, lcs = buf[i + 2 : i + 7]
            if (hi + lo + lcs) & 0xFF:
                return BAD, 0, None
            n = (hi << 8) | lo
            if n > self.max_payload or (commands is not None and command not in commands):
                return BAD, 0, None
            end = i + self.OVERHEAD + n
            if len(buf) < end:
                return NEED, 0, None
            if buf[end - 1] != self.trailer or xor8(buf[i + 2 : end - 2]) != buf[end - 2]:
                return BAD, 0, None
            return OK, end, (address, command, bytes(buf[i + 7 : end - 2]))

        return parse
