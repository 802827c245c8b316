""""modbus-rtu": displays that expose holding registers over Modbus RTU.

Many domestic strip displays sold for RS-485 buses accept text as Modbus
registers. Register map (start of the block and text offset are options because
vendors differ; the defaults keep one show in one contiguous write):

====== =========================================================
0x0000 control: bit0 blink, bit1 clear, high byte = line number
0x0001 text length in bytes
0x0002 GBK text, two bytes per register, first byte in the high half,
       odd length padded with 0x00
====== =========================================================

Show and clear use function 0x10 (Write Multiple Registers); query uses 0x03
(Read Holding Registers, control + length). Replies are the standard 0x10 echo,
the 0x03 response, or an exception (function | 0x80, code).
"""

from __future__ import annotations

from .codec import Command, LedCodec, Reply, ReplyKind, register_codec
from .framing import BAD, NEED, OK, decode_gbk, scan, truncate_gbk

WRITE_MULTIPLE, READ_HOLDING = 0x10, 0x03
MAX_REGISTERS = 123  # a 0x10 request carries at most 246 data bytes


def _table() -> list[int]:
    table = []
    for byte in range(256):
        crc = byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
        table.append(crc)
    return table


_CRC_TABLE = _table()


def crc16_modbus(data: bytes | bytearray) -> int:
    """CRC-16/MODBUS: reflected poly 0xA001, init 0xFFFF; sent low byte first."""
    crc = 0xFFFF
    for b in data:
        crc = (crc >> 8) ^ _CRC_TABLE[(crc ^ b) & 0xFF]
    return crc


def with_crc(pdu: bytes) -> bytes:
    crc = crc16_modbus(pdu)
    return pdu + bytes((crc & 0xFF, crc >> 8))


def _crc_ok(buf: bytearray, start: int, end: int) -> bool:
    crc = crc16_modbus(buf[start : end - 2])
    return buf[end - 2] == crc & 0xFF and buf[end - 1] == crc >> 8


def _parse_reply(buf: bytearray, i: int):
    avail = len(buf) - i
    if not 1 <= buf[i] <= 247:
        return BAD, 0, None
    if avail < 2:
        return NEED, 0, None
    func = buf[i + 1]
    if func == WRITE_MULTIPLE:
        size = 8
    elif func in (WRITE_MULTIPLE | 0x80, READ_HOLDING | 0x80):
        size = 5
    elif func == READ_HOLDING:
        if avail < 3:
            return NEED, 0, None
        count = buf[i + 2]
        if count % 2 or count > 250:
            return BAD, 0, None
        size = 5 + count
    else:
        return BAD, 0, None
    if avail < size:
        return NEED, 0, None
    if not _crc_ok(buf, i, i + size):
        return BAD, 0, None
    return OK, i + size, bytes(buf[i : i + size])


def _parse_request(buf: bytearray, i: int):
    avail = len(buf) - i
    if buf[i] > 247:
        return BAD, 0, None
    if avail < 2:
        return NEED, 0, None
    func = buf[i + 1]
    if func == READ_HOLDING:
        size = 8
    elif func == WRITE_MULTIPLE:
        if avail < 7:
            return NEED, 0, None
        qty = (buf[i + 4] << 8) | buf[i + 5]
        if not 1 <= qty <= MAX_REGISTERS or buf[i + 6] != 2 * qty:
            return BAD, 0, None
        size = 9 + 2 * qty
    else:
        return BAD, 0, None
    if avail < size:
        return NEED, 0, None
    if not _crc_ok(buf, i, i + size):
        return BAD, 0, None
    return OK, i + size, bytes(buf[i : i + size])


@register_codec("modbus-rtu")
class ModbusCodec(LedCodec):
    expects_reply = True

    def __init__(self, base_register: int = 0x0000, text_offset: int = 2):
        if text_offset < 2:
            raise ValueError("text_offset must leave room for control and length")
        self.base = base_register
        self.text_offset = text_offset
        self.max_text = (MAX_REGISTERS - text_offset) * 2

    def _write(self, address: int, values: list[int]) -> bytes:
        if not 0 <= address <= 247:
            raise ValueError(f"Modbus address must be 0..247: {address}")
        data = b"".join(v.to_bytes(2, "big") for v in values)
        pdu = bytes((address, WRITE_MULTIPLE)) + self.base.to_bytes(2, "big")
        pdu += len(values).to_bytes(2, "big") + bytes((len(data),)) + data
        return with_crc(pdu)

    def encode_show(self, address, text, *, blink=False, line=0):
        raw = truncate_gbk(text, self.max_text)
        padded = raw + b"\x00" * (len(raw) % 2)
        words = [int.from_bytes(padded[k : k + 2], "big") for k in range(0, len(padded), 2)]
        control = ((line & 0xFF) << 8) | (1 if blink else 0)
        gap = [0] * (self.text_offset - 2)
        return self._write(address, [control, len(raw)] + gap + words)

    def encode_clear(self, address):
        return self._write(address, [0x0002, 0])

    def encode_query(self, address):
        return with_crc(bytes((address, READ_HOLDING)) + self.base.to_bytes(2, "big") + b"\x00\x02")

    def decode_reply(self, buf):
        frame = scan(buf, _parse_reply)
        if frame is None:
            return None
        address, func = frame[0], frame[1]
        if func & 0x80:
            return Reply(address, ReplyKind.NAK, code=frame[2])
        if func == WRITE_MULTIPLE:
            return Reply(address, ReplyKind.ACK)
        return Reply(address, ReplyKind.STATUS)

    def decode_command(self, buf):
        frame = scan(buf, _parse_request)
        if frame is None:
            return None
        address, func = frame[0], frame[1]
        if func == READ_HOLDING:
            return Command(address, "query", raw=frame)
        words = [int.from_bytes(frame[7 + 2 * k : 9 + 2 * k], "big") for k in range(frame[6] // 2)]
        control, length = words[0], words[1] if len(words) > 1 else 0
        if control & 0x0002:
            return Command(address, "clear", raw=frame)
        text = b"".join(w.to_bytes(2, "big") for w in words[self.text_offset :])[:length]
        return Command(address, "show", decode_gbk(text), bool(control & 1), control >> 8, raw=frame)

    def encode_ack(self, command):
        return with_crc(command.raw[:6])

    def encode_nak(self, command, code=4):
        func = command.raw[1] if len(command.raw) > 1 else WRITE_MULTIPLE
        return with_crc(bytes((command.address, func | 0x80, code & 0xFF)))

    def encode_status(self, address, text, *, blink=False, line=0):
        control = ((line & 0xFF) << 8) | (1 if blink else 0)
        length = len(truncate_gbk(text, self.max_text))
        data = control.to_bytes(2, "big") + length.to_bytes(2, "big")
        return with_crc(bytes((address, READ_HOLDING, len(data))) + data)
